"""Template filters for Indonesian money and for masking identity numbers."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """Rupiah the Indonesian way in every language: Rp 20.000.000 (cents only when present)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    whole = int(amount)
    cents = (amount - whole).quantize(Decimal("0.01"))
    text = f"{whole:,}".replace(",", ".")
    if cents:
        text += "," + f"{cents:.2f}"[2:]
    return f"{sign}Rp {text}"


@register.filter
def mask_id_number(value) -> str:
    """A NIK or KK number with its middle hidden: 6472********0001."""
    text = str(value or "")
    if len(text) != 16:
        return "*" * len(text)
    return f"{text[:4]}{'*' * 8}{text[-4:]}"
