"""The 3 × 24 h clock of a request or a breach, as people read it."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("privacy/_clock.html")
def clock(deadline, done_at=None):
    """Time left (or overdue by) until `deadline`; nothing running once `done_at` is set."""
    now = timezone.now()
    left = deadline - now
    hours = int(abs(left.total_seconds()) // 3600)
    minutes = int(abs(left.total_seconds()) % 3600 // 60)
    if done_at is not None:
        state, text = "done", _("answered in time") if done_at <= deadline else _("answered late")
    elif left.total_seconds() >= 0:
        state = "running"
        text = _("%(h)d h %(m)d min left") % {"h": hours, "m": minutes}
    else:
        state = "overdue"
        text = _("overdue by %(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return {"deadline": deadline, "state": state, "text": text}
