"""A meeting's recommendations, the regencies' follow-ups and their evidence."""

from contextlib import ExitStack
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.records import save_new_version
from audit.services import field_changes, snapshot
from pmks_portal import access
from pmks_portal.private_files import storage
from pmks_portal.private_files.content import checked_upload
from rakornis import files
from rakornis.models import (
    Evidence,
    FollowUp,
    FollowUpStatus,
    FollowUpUpdate,
    Meeting,
    Recommendation,
)
from rakornis.services.common import _audit, _lock, _require_open, _short
from regions.models import Region

RECOMMENDATION_FIELDS = [
    "text",
    "category",
    "due_on",
    "provincial_unit",
    "indicator",
    "indicator_programme",
    "direction",
    "window_before_days",
    "window_after_days",
]


def _check_recommendation(recommendation: Recommendation, regencies: list[Region]) -> None:
    meeting = recommendation.meeting
    errors = {}
    if recommendation.due_on and recommendation.due_on <= meeting.ends_on:
        errors["due_on"] = _("The due date must come after the meeting, which ends on %(day)s.") % {
            "day": _short(meeting.ends_on)
        }
    if not regencies and not recommendation.provincial_unit.strip():
        errors["regencies"] = _(
            "Name at least one responsible regency or city, or a unit of the provincial office."
        )
    if any(region.level != "regency" for region in regencies):
        errors["regencies"] = _("Only regencies and cities can be responsible.")
    if recommendation.indicator_programme and not recommendation.indicator:
        errors["indicator"] = _("Choose the indicator to measure for this target.")
    if errors:
        raise ValidationError(errors)
    recommendation.full_clean(exclude=["meeting", "number", "created_by"])


@transaction.atomic
def recommendation_create(
    *, actor, meeting: Meeting, data: dict, regencies: list[Region]
) -> Recommendation:
    """Records a recommendation; each responsible regency (and the provincial unit, when one is
    named) gets its own follow-up, not started."""
    access.require(meeting.writable_by(actor))
    _require_open(meeting, _("the recommendations"))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    last = meeting.recommendations.aggregate(n=models.Max("number"))["n"] or 0
    recommendation = Recommendation(
        meeting=meeting,
        number=last + 1,
        created_by=actor,
        **{f: data[f] for f in RECOMMENDATION_FIELDS if f in data},
    )
    _check_recommendation(recommendation, regencies)
    recommendation.save()
    FollowUp.objects.bulk_create(
        [
            FollowUp(recommendation=recommendation, regency=region, due_on=recommendation.due_on)
            for region in sorted(regencies, key=lambda r: r.code)
        ]
        + (
            [FollowUp(recommendation=recommendation, regency=None, due_on=recommendation.due_on)]
            if recommendation.provincial_unit.strip()
            else []
        )
    )
    changes = field_changes(recommendation, RECOMMENDATION_FIELDS, {})
    changes["regencies"] = [None, sorted(r.code for r in regencies)]
    _audit(actor, AuditEvent.Action.CREATE, recommendation, changes)
    return recommendation


@transaction.atomic
def recommendation_update(
    *,
    actor,
    recommendation: Recommendation,
    expected_version: int | None,
    data: dict,
    regencies: list[Region],
) -> Recommendation:
    """Saves changes; a regency added gets a follow-up, one removed loses it unless it has
    already reported on it (then the change is refused)."""
    access.require(recommendation.writable_by(actor))
    _require_open(recommendation.meeting, _("the recommendations"))
    locked = _lock(Recommendation, recommendation.pk, expected_version)
    before = snapshot(locked, RECOMMENDATION_FIELDS)
    for field in RECOMMENDATION_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    _check_recommendation(locked, regencies)
    current = {f.regency_id: f for f in locked.follow_ups.select_related("regency")}
    wanted = {region.code: region for region in regencies}
    if locked.provincial_unit.strip():
        wanted[None] = None
    removed = [f for code, f in current.items() if code not in wanted]
    reported = [f for f in removed if f.updates.exists() or f.status != FollowUpStatus.NOT_STARTED]
    if reported:
        raise ValidationError(
            {
                "regencies": _(
                    "%(who)s has already reported on this recommendation; it stays responsible. "
                    "Its follow-up can be cancelled instead."
                )
                % {"who": reported[0].responsible_name}
            }
        )
    changes = field_changes(locked, RECOMMENDATION_FIELDS, before)
    if set(current) != set(wanted):
        changes["regencies"] = [
            sorted(c for c in current if c),
            sorted(c for c in wanted if c),
        ]
    if not changes:
        return locked
    FollowUp.objects.filter(pk__in=[f.pk for f in removed]).delete()
    FollowUp.objects.bulk_create(
        [
            FollowUp(recommendation=locked, regency=wanted[code], due_on=locked.due_on)
            for code in wanted
            if code not in current
        ]
    )
    if "due_on" in changes:
        locked.follow_ups.update(due_on=locked.due_on)
    save_new_version(locked, actor=actor, changes=changes)
    return locked


@transaction.atomic
def follow_up_update(
    *,
    actor,
    follow_up: FollowUp,
    expected_version: int | None,
    status: str,
    note: str,
    happened_on: date,
    uploaded_files=(),
) -> FollowUpUpdate:
    """A responsible regency reports on its follow-up: the status reached, what was done, when,
    with evidence files. Only that regency's staff (the province, for its own unit) may."""
    access.require(follow_up.writable_by(actor))
    locked = _lock(FollowUp, follow_up.pk, expected_version)
    meeting = locked.recommendation.meeting
    today = timezone.localdate()
    errors = {}
    note = note.strip()
    if not note:
        errors["note"] = _("Say what was done (or why it was cancelled).")
    if happened_on > today:
        errors["happened_on"] = _("An update cannot be dated in the future.")
    elif happened_on < meeting.starts_on:
        errors["happened_on"] = _("An update cannot be dated before the meeting (%(day)s).") % {
            "day": _short(meeting.starts_on)
        }
    elif locked.last_update_on and happened_on < locked.last_update_on:
        errors["happened_on"] = _(
            "The previous update is dated %(day)s; a new one cannot be dated earlier."
        ) % {"day": _short(locked.last_update_on)}
    if status not in FollowUpStatus.values:
        errors["status"] = _("Choose a status.")
    if errors:
        raise ValidationError(errors)
    checked = [checked_upload(upload, files.MEETING_FILES) for upload in uploaded_files]
    previous = locked.status
    update = FollowUpUpdate.objects.create(
        follow_up=locked,
        status=status,
        previous_status=previous,
        note=note,
        happened_on=happened_on,
        by=actor,
    )
    locked.status = status
    locked.summary = note
    locked.last_update_on = happened_on
    if status == FollowUpStatus.IN_PROGRESS and locked.started_on is None:
        locked.started_on = happened_on
    if status == FollowUpStatus.DONE:
        locked.started_on = locked.started_on or happened_on
        locked.completed_on = happened_on
    else:
        locked.completed_on = None
    locked.version += 1
    locked.save()
    stored = []
    # One failure removes every file written so far: their rows are not saved either.
    with ExitStack() as written:
        for checked_file in checked:
            evidence = Evidence(
                follow_up=locked, update=update, uploaded_by=actor, **checked_file.fields()
            )
            written.enter_context(storage.stored(evidence, checked_file))
            evidence.save()
            stored.append(evidence)
    _audit(
        actor,
        AuditEvent.Action.UPDATE,
        locked,
        {
            "status": [previous, status],
            "happened_on": [None, happened_on.isoformat()],
            "evidence_files": [None, [e.original_name for e in stored]],
        },
        reason=note,
        regency_id=locked.regency_id,
    )
    return update


def evidence_open(*, actor, evidence: Evidence):
    """The stored evidence file, opened for reading, after logging who opened it."""
    return storage.open_stored(
        evidence,
        audit=lambda: _audit(
            actor,
            AuditEvent.Action.VIEW,
            evidence.follow_up,
            {"evidence_file": evidence.pk},
            regency_id=evidence.follow_up.regency_id,
        ),
    )
