"""E-mail reminders of follow-ups due soon or overdue."""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import User
from accounts.roles import Role
from rakornis.models import (
    FollowUp,
    ReminderKind,
    ReminderLog,
)

logger = logging.getLogger("pmks.rakornis")
# Reminders: "due soon" once, when the due date is this close; "overdue" again every week.
DUE_SOON_DAYS = 7
OVERDUE_REPEAT_DAYS = 7


@dataclass
class ReminderRun:
    emails: int = 0
    follow_ups: int = 0


def _reminder_kind(follow_up: FollowUp, today: date, last_sent: dict) -> str | None:
    """Which reminder a follow-up is due for today, if any.

    Due soon: once, the first run within DUE_SOON_DAYS of the due date. Overdue: the first run
    after the due date, then again every OVERDUE_REPEAT_DAYS, so that nobody gets a daily mail
    about the same item.
    """
    if follow_up.due_on < today:
        last = last_sent.get((follow_up.pk, ReminderKind.OVERDUE))
        if last is None or (today - last).days >= OVERDUE_REPEAT_DAYS:
            return ReminderKind.OVERDUE
        return None
    if (follow_up.due_on - today).days <= DUE_SOON_DAYS and (
        (follow_up.pk, ReminderKind.DUE_SOON) not in last_sent
    ):
        return ReminderKind.DUE_SOON
    return None


def _recipients(regency_code: str | None) -> list[str]:
    users = User.objects.filter(is_active=True).exclude(email="")
    if regency_code:
        users = users.filter(role=Role.REGENCY_STAFF, regency_id=regency_code)
    else:
        users = users.filter(role=Role.PROVINCIAL_OFFICER)
    return sorted(set(users.values_list("email", flat=True)))


def portal_url(path: str) -> str:
    """An absolute link for e-mails: the first of ALLOWED_HOSTS is the portal's own name."""
    host = next(
        (h for h in settings.ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")), ""
    )
    if not host:
        return path
    scheme = "https" if settings.SECURE_SSL_REDIRECT or settings.SECURE_COOKIES else "http"
    return f"{scheme}://{host}{path}"


def _send_reminder(regency_code: str | None, items: list, recipients: list[str], today) -> None:
    for follow_up, _kind in items:
        follow_up.link = portal_url(reverse("rakornis:follow-up", args=[follow_up.pk]))
    with translation.override(settings.LANGUAGE_CODE):
        regency_name = items[0][0].responsible_name
        context = {
            "regency_name": regency_name,
            "overdue": [f for f, kind in items if kind == ReminderKind.OVERDUE],
            "due_soon": [f for f, kind in items if kind == ReminderKind.DUE_SOON],
            "today": today,
            "list_url": portal_url(reverse("rakornis:follow-ups")),
        }
        subject = ngettext(
            "Rakornis: %(count)d follow-up of %(regency)s needs attention",
            "Rakornis: %(count)d follow-ups of %(regency)s need attention",
            len(items),
        ) % {"count": len(items), "regency": regency_name}
        body = render_to_string("rakornis/email/reminder.txt", context)
    send_mail(subject, body, None, recipients)


def follow_up_send_reminders(*, today: date | None = None) -> ReminderRun:
    """E-mails each responsible regency's staff (the provincial officers, for the province's
    own units) about open follow-ups due within a week and those overdue.

    Idempotent per day: every reminder is first recorded in ReminderLog, unique on (follow-up,
    day, kind); a second run on the same day, or one running at the same time, finds the rows
    there and sends nothing again. One e-mail per regency lists all of its items. When sending
    fails, that regency's log rows roll back with it, so the next run tries again.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    candidates = list(
        FollowUp.objects.open()
        .filter(due_on__lte=horizon)
        .select_related("recommendation__meeting", "regency")
        .order_by("regency_id", "due_on", "pk")
    )
    last_sent = {}
    for follow_up_id, kind, sent_on in ReminderLog.objects.filter(
        follow_up__in=[f.pk for f in candidates]
    ).values_list("follow_up_id", "kind", "sent_on"):
        key = (follow_up_id, kind)
        last_sent[key] = max(sent_on, last_sent.get(key, sent_on))
    by_regency = defaultdict(list)
    for follow_up in candidates:
        kind = _reminder_kind(follow_up, today, last_sent)
        if kind:
            by_regency[follow_up.regency_id].append((follow_up, kind))
    run = ReminderRun()
    for regency_code, items in by_regency.items():
        recipients = _recipients(regency_code)
        if not recipients:
            logger.warning("rakornis_reminder_no_recipients regency=%s", regency_code or "province")
            continue
        with transaction.atomic():
            claimed = []
            for follow_up, kind in items:
                try:
                    with transaction.atomic():
                        ReminderLog.objects.create(
                            follow_up=follow_up,
                            sent_on=today,
                            kind=kind,
                            recipients=len(recipients),
                        )
                except IntegrityError:
                    continue  # another run sent it today
                claimed.append((follow_up, kind))
            if claimed:
                _send_reminder(regency_code, claimed, recipients, today)
                run.emails += 1
                run.follow_ups += len(claimed)
    logger.info(
        "rakornis_reminders_sent emails=%s follow_ups=%s on=%s", run.emails, run.follow_ups, today
    )
    return run
