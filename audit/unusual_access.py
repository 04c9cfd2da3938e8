"""The weekly digest of unusual access to sensitive records, e-mailed to the administrators.

Read from the sensitive marks of the audit trail (audit/sensitive.py), for one week from Monday
00:00 WITA (Asia/Makassar) to the next. A reader is reported who, that week,
- opened many sensitive records: PMKS_SENSITIVE_DIGEST_MANY distinct ones or more, or
- opened any outside their usual work: a record of a regency that is neither the reader's own
  nor one the reader wrote to (created, changed, moved on a case) in the 90 days before the
  week's end. A provincial officer or administrator who only reads has no usual regency: every
  sensitive record they open is reported, which is the point.
Names and NIKs are not in the e-mail: readers by user name, records by their page.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audit.models import AccessDigest, AuditEvent
from audit.sensitive import MARK
from pmks_portal.roles import Role

logger = logging.getLogger(__name__)

USUAL_WORK_DAYS = 90
WRITES = (AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE, AuditEvent.Action.TRANSITION)
SAMPLE = 10


@dataclass
class Finding:
    reader_id: int
    reader: str
    records: int = 0
    outside: list[tuple[str, str, str | None]] = field(default_factory=list)

    @property
    def many(self) -> bool:
        return self.records >= settings.PMKS_SENSITIVE_DIGEST_MANY


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """Monday 00:00 WITA to the next Monday 00:00 WITA, as aware datetimes."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(week_start, time.min, tzinfo=zone)
    return start, start + timedelta(days=7)


def last_week_start(today: date) -> date:
    return today - timedelta(days=today.weekday() + 7)


def unusual_access(week_start: date) -> list[Finding]:
    # audit stays below accounts (accounts writes the trail): the user model through Django.
    User = get_user_model()  # noqa: N806

    start, end = week_bounds(week_start)
    reads = (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW, at__gte=start, at__lt=end, actor__isnull=False
        )
        .filter(changes__has_key=MARK)
        .values_list("actor_id", "target_type", "target_id", "regency_id")
        .distinct()
    )
    records_by_reader = defaultdict(dict)
    for actor_id, target_type, target_id, regency_id in reads:
        records_by_reader[actor_id][(target_type, target_id)] = regency_id
    if not records_by_reader:
        return []
    readers = User.objects.in_bulk(list(records_by_reader))
    usual = defaultdict(set)
    for reader in readers.values():
        if reader.regency_id:
            usual[reader.pk].add(reader.regency_id)
    written = (
        AuditEvent.objects.filter(
            actor_id__in=list(records_by_reader),
            action__in=WRITES,
            at__gte=end - timedelta(days=USUAL_WORK_DAYS),
            at__lt=end,
            regency__isnull=False,
        )
        .values_list("actor_id", "regency_id")
        .distinct()
    )
    for actor_id, regency_id in written:
        usual[actor_id].add(regency_id)

    findings = []
    for actor_id, records in sorted(records_by_reader.items()):
        finding = Finding(reader_id=actor_id, reader=readers[actor_id].username)
        finding.records = len(records)
        finding.outside = sorted(
            (target_type, target_id, regency_id)
            for (target_type, target_id), regency_id in records.items()
            if regency_id not in usual[actor_id]
        )
        if finding.many or finding.outside:
            findings.append(finding)
    return findings


def _recipients() -> list[str]:
    User = get_user_model()  # noqa: N806

    return sorted(
        User.objects.filter(role=Role.ADMIN, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def unusual_access_send_digest(week_start: date) -> AccessDigest | None:
    """E-mails the week's findings to the active administrators, once per week: the week's row
    is claimed in the transaction of the sending, so a retry after a failed send sends again and
    a second run after a sent one sends nothing (None)."""
    findings = unusual_access(week_start)
    recipients = _recipients() if findings else []
    try:
        with transaction.atomic():
            digest = AccessDigest.objects.create(
                week_start=week_start, findings=len(findings), recipients=len(recipients)
            )
            if recipients:
                _send(week_start, findings, recipients)
    except IntegrityError:
        logger.info("unusual_access_digest already_sent week=%s", week_start)
        return None
    if findings and not recipients:
        logger.warning("unusual_access_digest no_admin_email week=%s", week_start)
    logger.info(
        "unusual_access_digest week=%s findings=%s recipients=%s",
        week_start,
        len(findings),
        len(recipients),
    )
    return digest


def _send(week_start: date, findings: list[Finding], recipients: list[str]) -> None:
    context = {
        "week_start": week_start,
        "week_end": week_start + timedelta(days=6),
        "findings": findings,
        "many": settings.PMKS_SENSITIVE_DIGEST_MANY,
        "sample": SAMPLE,
        "usual_days": USUAL_WORK_DAYS,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("audit/unusual_access_subject.txt", context).strip()
        body = render_to_string("audit/unusual_access_email.txt", context)
    send_mail(subject, body, None, recipients)
