"""Template filters for Indonesian money and for masking identity numbers."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from pmks_portal import masking

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """Rupiah the Indonesian way in every language: Rp 20.000.000 (cents only when present)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value) if isinstance(value, float) else value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    if not amount.is_finite():
        return ""
    # Round to whole cents first, so that 19999.999 becomes Rp 20.000 and not Rp 19.999,00.
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    whole = int(amount)
    cents = amount - whole
    text = f"{whole:,}".replace(",", ".")
    if cents:
        text += "," + f"{cents:.2f}"[2:]
    return f"{sign}Rp {text}"


@register.filter
def mask_id_number(value) -> str:
    """A NIK or KK number with its middle hidden: 6472********0001 (pmks_portal.masking)."""
    return masking.mask_identifier(value or "")


@register.filter
def identifier(value, full) -> str:
    """A NIK or KK number as the user may see it: `{{ nik|identifier:can_see_ids }}`."""
    return masking.show_identifier(value, full=bool(full))
