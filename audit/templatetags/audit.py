"""Showing an audit event's changes as people read them (audit/readable.py)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from audit import readable
from pmks_portal import access
from pmks_portal.access import Capability

register = template.Library()


@register.simple_tag
def readable_changes(event) -> list[tuple[str, str, str]]:
    """(label, old, new) for each change of the event, in the target model's own words."""
    return readable.readable_changes(event)


@register.simple_tag
def access_log_url(history, user) -> str:
    """The access log filtered to the history's record, for those who may read the log."""
    if not access.can(user, Capability.MANAGE_PRIVACY):
        return ""
    query = urlencode({"target_type": history.target_type, "target_id": history.target_id})
    return f"{reverse('audit:access-log')}?{query}"


@register.filter
def in_words(instance, name: str) -> str:
    """A field of a saved record as people read it: `{{ detail|in_words:"activity" }}`."""
    if instance is None or instance.pk is None:
        return "—"
    field = instance._meta.get_field(name)
    return readable.value_in_words(getattr(instance, name), field)
