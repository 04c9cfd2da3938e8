"""Template filters of the KUBE pages."""

from django import template

from pmks_portal.masking import mask_account

register = template.Library()

STAGE_BADGES = {
    "tumbuh": "text-bg-info",
    "berkembang": "text-bg-primary",
    "maju": "text-bg-success",
}


@register.filter
def masked_account(value) -> str:
    """A bank account number with only its last four digits shown: ******7890."""
    return mask_account(value)


@register.filter
def stage_badge(stage: str) -> str:
    """The Bootstrap badge class of a stage."""
    return STAGE_BADGES.get(stage, "text-bg-secondary")


@register.filter
def month_param(month) -> dict:
    """(year, month) of a month, for {% url %}: {% with ym=report.month|month_param %}."""
    return {"year": month.year, "month": month.month}
