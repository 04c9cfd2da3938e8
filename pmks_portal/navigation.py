"""The main menu, by role: each entry shows only to users whose role grants its capability."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pmks_portal import access
from pmks_portal.access import Capability


@dataclass(frozen=True)
class MenuEntry:
    label: str | Promise
    url_name: str
    capability: Capability | None  # None: every signed-in user
    # Entries of a group share one dropdown, so the bar fits a 1366 px office screen.
    group: str = ""


ADMINISTRATION = "administration"


MENU = [
    MenuEntry(_("Home"), "home", None),
    # --- h/dupwork (#14): where everyone lands after signing in
    MenuEntry(_("My tasks"), "worklists:mine", None),
    MenuEntry(_("Dashboard"), "reports:dashboard", Capability.READ_RECORDS),
    MenuEntry(_("Cases"), "cases:list", Capability.READ_RECORDS),
    MenuEntry(_("KUBE"), "kube:list", Capability.READ_RECORDS),
    MenuEntry(_("Rakornis"), "rakornis:list", Capability.READ_RECORDS),
    MenuEntry(_("Regions"), "regions:list", None),
    MenuEntry(_("Reports"), "reports:runs", Capability.READ_RECORDS),
    MenuEntry(_("DTSEN"), "dtsen:worklist", Capability.READ_RECORDS),
    MenuEntry(_("Users"), "accounts:user-list", Capability.MANAGE_USERS, ADMINISTRATION),
    MenuEntry(_("API clients"), "api_clients:list", Capability.MANAGE_USERS, ADMINISTRATION),
    MenuEntry(_("PMKS categories"), "categories:list", Capability.MANAGE_REFERENCE, ADMINISTRATION),
    MenuEntry(_("Targets"), "reports:targets", Capability.MANAGE_REFERENCE, ADMINISTRATION),
    MenuEntry(
        _("Suspected duplicates"), "duplicates:queue", Capability.MERGE_PERSONS, ADMINISTRATION
    ),
    # --- privacy (#17): personal-data duties
    MenuEntry(
        _("Subject requests"), "pdp:requests", Capability.HANDLE_SUBJECT_REQUESTS, ADMINISTRATION
    ),
    MenuEntry(_("Breaches"), "pdp:breaches", Capability.MANAGE_PRIVACY, ADMINISTRATION),
    MenuEntry(
        _("Register of processing activities"),
        "pdp:register",
        Capability.MANAGE_PRIVACY,
        ADMINISTRATION,
    ),
    MenuEntry(_("Retention"), "pdp:retention", Capability.MANAGE_PRIVACY, ADMINISTRATION),
    MenuEntry(_("Access log"), "audit:access-log", Capability.MANAGE_PRIVACY, ADMINISTRATION),
]


def menu_for(user) -> list[dict]:
    if not (user.is_authenticated and user.is_active):
        return []
    return [
        {
            "label": entry.label,
            "url": reverse(entry.url_name),
            "url_name": entry.url_name,
            "group": entry.group,
        }
        for entry in MENU
        if entry.capability is None or access.can(user, entry.capability)
    ]
