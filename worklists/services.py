"""The daily digest of each user's worklists, and the user's choice of what it contains."""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import User
from rakornis.services.reminders import portal_url
from worklists import registry
from worklists.models import DigestOptOut, DigestSent

logger = logging.getLogger("pmks.worklists")


@transaction.atomic
def digest_preferences_set(*, actor, kinds_off: list[str]) -> None:
    """The kinds of work the user no longer wants e-mailed (among those that apply to them)."""
    known = {worklist.key for worklist in registry.worklists_for(actor)}
    off = set(kinds_off) & known
    DigestOptOut.objects.filter(user=actor).exclude(kind__in=off).delete()
    DigestOptOut.objects.bulk_create(
        [DigestOptOut(user=actor, kind=kind) for kind in sorted(off)], ignore_conflicts=True
    )


def digest_kinds(user) -> list[registry.Worklist]:
    """The worklists the user's digest may contain: those that apply, less those opted out."""
    off = set(DigestOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return [worklist for worklist in registry.worklists_for(user) if worklist.key not in off]


@dataclass
class DigestRun:
    sent: int = 0
    nothing_due: int = 0
    sent_before: int = 0


def _send(user, results: list[registry.Result], today: date) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        total = sum(result.count for result in results)
        context = {
            "user": user,
            "today": today,
            "items": [
                {"label": r.worklist.label, "count": r.count, "url": portal_url(r.worklist.url())}
                for r in results
            ],
            "page_url": portal_url(reverse("worklists:mine")),
            "settings_url": portal_url(reverse("worklists:digest-settings")),
        }
        subject = ngettext(
            "My tasks: %(count)d item waits for you",
            "My tasks: %(count)d items wait for you",
            total,
        ) % {"count": total}
        text = render_to_string("worklists/email/digest.txt", context)
        html = render_to_string("worklists/email/digest.html", context)
    message = EmailMultiAlternatives(subject, text, None, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()


def digest_send_daily(*, today: date | None = None) -> DigestRun:
    """E-mails every active user with an address the counts of what waits for them, with
    links: no names or numbers of persons, only what the user could open. None to a user with
    nothing due, or who opted out of every kind due.

    Idempotent per day: the DigestSent row (unique per user and day) is written first, in the
    transaction that sends; a second run finds it and skips the user, a failed send rolls it
    back so that the next run tries again.
    """
    today = today or timezone.localdate()
    run = DigestRun()
    already = set(DigestSent.objects.filter(sent_on=today).values_list("user_id", flat=True))
    users = User.objects.filter(is_active=True).exclude(email="").exclude(role="")
    for user in users.select_related("regency").order_by("pk"):
        if user.pk in already:
            run.sent_before += 1
            continue
        results = [
            result
            for result in (
                registry.collect(worklist, user, today, limit=0) for worklist in digest_kinds(user)
            )
            if result.count
        ]
        if not results:
            run.nothing_due += 1
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(
                    user=user,
                    sent_on=today,
                    counts={result.worklist.key: result.count for result in results},
                )
                _send(user, results, today)
        except IntegrityError:
            run.sent_before += 1  # a run at the same time sent it
            continue
        run.sent += 1
    logger.info(
        "worklist_digests sent=%s nothing_due=%s sent_before=%s on=%s",
        run.sent,
        run.nothing_due,
        run.sent_before,
        today,
    )
    return run
