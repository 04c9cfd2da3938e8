"""Writes of the reports app: report runs (ask, build, rebuild, sweep) and targets.

A report run follows RELIABILITY.md §2.1. The `ReportRun` row is the source of truth, never
Celery's result backend:

* asking is `get_or_create` on an idempotency key (scope and period), so asking twice gives one
  run; the task is published after the commit, and a publish that fails leaves the run waiting
  for the sweeper;
* the task claims the run with `select_for_update(skip_locked=True)` among the runs that wait,
  so a duplicate delivery does nothing;
* files are written to a temporary name beside the final one and moved with `os.replace`: a
  reader sees the previous complete file or the new complete file, never half of one;
* progress and heartbeat are written at most every HEARTBEAT_EVERY seconds;
* DONE, the files and their hashes are saved in one transaction;
* the sweeper (Celery beat) gives a run whose heartbeat stopped (the worker died) another
  attempt, up to MAX_ATTEMPTS, then marks it failed with the reason; it also publishes again
  runs that have waited too long (a publish lost while the broker was down).
"""

import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record, field_changes, snapshot
from pmks_portal import access, jobs
from pmks_portal.access import Capability
from regions.models import Region
from reports import content as report_content
from reports import figures, render, summary, versions
from reports.models import (
    ReportRun,
    Target,
    TargetBaseline,
    TargetMilestone,
    TargetRestatement,
)
from reports.periods import Period, parse_period

logger = logging.getLogger("pmks.reports")

MAX_ATTEMPTS = 3
HEARTBEAT_EVERY = 2.0
STALE_AFTER = jobs.STALE_AFTER
REPORTS_DIR = "reports"
TRANSIENT = (OperationalError, InterfaceError)


class Retryable(Exception):
    """The build met a passing database problem; the run waits for the task's next attempt."""


def idempotency_key(regency_code: str | None, period: Period) -> str:
    return f"report:{regency_code or 'province'}:{period.code}:v{report_content.FORMAT_VERSION}"


# ---------------------------------------------------------------------------------------------
# Asking, rebuilding, publishing


def _publish(run_id) -> None:
    """Publishes the build task; a broker that does not answer leaves the run for the sweeper
    (pmks_portal.jobs: enqueued_at stays empty)."""
    from reports.tasks import build_report

    jobs.publish_job(build_report, ReportRun, run_id)


@transaction.atomic
def report_request(
    *,
    actor,
    regency: Region | None,
    period: Period | str,
    language: str | None = None,
    publish: bool = True,
    via: str | None = None,
) -> tuple[ReportRun, bool]:
    """The run of this scope and period: the existing one, or a new one queued to build.

    A run that failed is queued again; a waiting, running or finished one is returned as it is.
    With publish=False nothing is sent to Celery (the caller builds it itself).
    """
    if isinstance(period, str):
        period = parse_period(period, today=timezone.localdate())
    code = regency.code if regency else None
    if actor is not None:
        access.require(access.may_request_report(actor, code))
    run, created = ReportRun.objects.get_or_create(
        idempotency_key=idempotency_key(code, period),
        defaults={
            "regency": regency,
            "period_kind": period.kind,
            "period": period.code,
            "period_start": period.start,
            "period_end": period.end,
            "requested_by": actor if getattr(actor, "pk", None) else None,
            "requested_via": versions.requested_via(actor, via),
            "language": language or settings.LANGUAGE_CODE,
        },
    )
    if created:
        if publish:
            transaction.on_commit(lambda: _publish(run.pk))
    elif run.status == ReportRun.Status.FAILED:
        run = _reset(run, actor, language, publish=publish, via=via)
    return run, created


def _reset(
    run: ReportRun, actor, language: str | None, *, publish: bool = True, via: str | None = None
) -> ReportRun:
    locked = ReportRun.objects.select_for_update().get(pk=run.pk)
    if locked.status in (
        ReportRun.Status.PENDING,
        ReportRun.Status.RUNNING,
        ReportRun.Status.RETRYING,
    ):
        return locked
    locked.status = ReportRun.Status.PENDING
    locked.progress = 0
    locked.attempts = 0
    locked.error = ""
    # Whoever asks this time is named (a command or the schedule names no user).
    locked.requested_by = actor if getattr(actor, "pk", None) else None
    locked.requested_via = versions.requested_via(actor, via)
    locked.requested_at = timezone.now()
    if language:
        locked.language = language
    locked.save()
    if publish:
        transaction.on_commit(lambda: _publish(locked.pk))
    return locked


@transaction.atomic
def report_rebuild(
    *,
    actor,
    run: ReportRun,
    language: str | None = None,
    publish: bool = True,
    via: str | None = None,
) -> ReportRun:
    """Builds a finished report again from today's data; the old files stay until replaced,
    and a change of figures issues a new version (reports.versions)."""
    if actor is not None:
        access.require(access.may_request_report(actor, run.regency_id))
    return _reset(run, actor, language, publish=publish, via=via)


# ---------------------------------------------------------------------------------------------
# Building


def _claim(run_id) -> ReportRun | None:
    with transaction.atomic():
        run = (
            ReportRun.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=run_id, status__in=[ReportRun.Status.PENDING, ReportRun.Status.RETRYING])
            .select_related("regency")
            .first()
        )
        if run is None:
            return None
        now = timezone.now()
        run.status = ReportRun.Status.RUNNING
        run.attempts += 1
        run.progress = 1
        run.started_at = now
        run.heartbeat_at = now
        run.error = ""
        run.save(
            update_fields=["status", "attempts", "progress", "started_at", "heartbeat_at", "error"]
        )
        return run


class _Progress:
    """Progress and heartbeat, written at most every HEARTBEAT_EVERY seconds (and at the end)."""

    def __init__(self, run_id):
        self.run_id = run_id
        self.last = 0.0

    def __call__(self, percent: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < HEARTBEAT_EVERY:
            return
        self.last = now
        ReportRun.objects.filter(pk=self.run_id, status=ReportRun.Status.RUNNING).update(
            progress=percent, heartbeat_at=timezone.now()
        )


def file_names(run: ReportRun) -> tuple[str, str]:
    scope = run.regency_id or "provinsi"
    stem = f"{REPORTS_DIR}/{scope}/{run.period}/laporan-pmks-{scope}-{run.period}"
    return f"{stem}.pdf", f"{stem}.xlsx"


def _write_atomically(name: str, write) -> str:
    """Writes through `write(file)` to a temporary file, then moves it over `name`; sha256."""
    final = Path(default_storage.path(name))
    final.parent.mkdir(parents=True, exist_ok=True)
    # A worker killed while writing leaves its temporary file: this run is the only writer of
    # these names (it holds the claim), so any left over is an orphan.
    for orphan in final.parent.glob(f".{final.name}.*.part"):
        orphan.unlink(missing_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, moved or removed
        dir=final.parent, prefix=f".{final.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        digest = hashlib.sha256(Path(handle.name).read_bytes()).hexdigest()
        os.replace(handle.name, final)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return digest


def build_files(run: ReportRun, progress=None) -> dict:
    """Builds the content and both files of a run; returns what the run should record."""
    progress = progress or (lambda *args, **kwargs: None)
    period = parse_period(run.period)
    with translation.override(run.language or settings.LANGUAGE_CODE):
        summary.catch_up([run.regency_id] if run.regency_id else None)
        progress(20, force=True)
        content = report_content.build_content(run.regency, period)
        digest = report_content.content_hash(content)
        progress(45, force=True)
        label = period.label()
        pdf_name, xlsx_name = file_names(run)
        pdf_sha = _write_atomically(pdf_name, lambda f: render.write_pdf(content, digest, label, f))
        progress(75, force=True)
        xlsx_sha = _write_atomically(
            xlsx_name, lambda f: render.write_xlsx(content, digest, label, f)
        )
    return {
        "content": content,
        "content_sha256": digest,
        "pdf_file": pdf_name,
        "xlsx_file": xlsx_name,
        "pdf_sha256": pdf_sha,
        "xlsx_sha256": xlsx_sha,
    }


def report_build(run_id) -> ReportRun | None:
    """The task's body: claims the run, builds it, records the outcome. Safe to run twice."""
    run = _claim(run_id)
    if run is None:
        logger.info("report run=%s not waiting: nothing to do", run_id)
        return None
    progress = _Progress(run.pk)
    try:
        with jobs.heartbeat(ReportRun.objects.filter(pk=run.pk, status=ReportRun.Status.RUNNING)):
            built = build_files(run, progress)
    except SoftTimeLimitExceeded:
        _fail(run.pk, _("The report took too long to build and was stopped."))
        return None
    except TRANSIENT as error:
        logger.warning("report run=%s transient database error: %s", run.pk, error)
        if run.attempts < MAX_ATTEMPTS:
            _set_waiting(run.pk, _("A database problem interrupted the build; trying again."))
            raise Retryable(str(error)) from error
        _fail(
            run.pk,
            _("The database was not available (%(attempts)s attempts).")
            % {"attempts": run.attempts},
        )
        return None
    except Exception as error:  # noqa: BLE001 - recorded on the run for the user to see
        logger.exception("report run=%s failed", run.pk)
        _fail(
            run.pk,
            _("The report could not be built: %(error)s")
            % {"error": f"{type(error).__name__}: {error}"[:500]},
        )
        return None
    with transaction.atomic():
        locked = ReportRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != ReportRun.Status.RUNNING:
            # The sweeper gave up on this attempt meanwhile; the files are complete anyway.
            logger.warning("report run=%s finished after being swept (%s)", run.pk, locked.status)
        locked.status = ReportRun.Status.DONE
        locked.progress = 100
        locked.finished_at = timezone.now()
        locked.heartbeat_at = locked.finished_at
        locked.builds += 1
        locked.error = ""
        as_of = built["content"]["data_as_of"]
        locked.data_as_of = parse_datetime(as_of) if as_of else None
        locked.figures = built["content"]
        for field in ("content_sha256", "pdf_file", "xlsx_file", "pdf_sha256", "xlsx_sha256"):
            setattr(locked, field, built[field])
        locked.save()
        versions.version_issue(locked)
    # Once committed: a dashboard read while the version was being issued may have cached the
    # issued figures without it.
    versions.forget_issued()
    logger.info("report run=%s done sha256=%s", run.pk, locked.content_sha256)
    return locked


def _fail(run_id, message: str) -> None:
    ReportRun.objects.filter(pk=run_id).update(
        status=ReportRun.Status.FAILED, error=message, finished_at=timezone.now()
    )


def _set_waiting(run_id, message: str) -> None:
    ReportRun.objects.filter(pk=run_id).update(status=ReportRun.Status.RETRYING, error=message)


def sweep(now=None) -> dict[str, int]:
    """Runs left behind: a dead worker's run is tried again or failed; lost publishes redone."""
    now = now or timezone.now()
    retried = failed = republished = 0
    with transaction.atomic():
        stale = ReportRun.objects.select_for_update(skip_locked=True).filter(
            status=ReportRun.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER
        )
        for run in stale:
            if run.attempts < MAX_ATTEMPTS:
                run.status = ReportRun.Status.RETRYING
                run.error = _(
                    "The worker building this report stopped (attempt %(attempt)s of %(max)s); "
                    "trying again."
                ) % {"attempt": run.attempts, "max": MAX_ATTEMPTS}
                run.enqueued_at = None  # published below, with the runs that wait
                run.save(update_fields=["status", "error", "enqueued_at"])
                retried += 1
            else:
                run.status = ReportRun.Status.FAILED
                run.finished_at = now
                run.error = _(
                    "The worker building this report stopped %(attempts)s times; the report was "
                    "given up. Ask for it again, and tell the administrator if it keeps failing."
                ) % {"attempts": run.attempts}
                run.save(update_fields=["status", "finished_at", "error"])
                failed += 1
        waiting = ReportRun.objects.select_for_update(skip_locked=True).filter(
            jobs.unpublished(now),
            status__in=[ReportRun.Status.PENDING, ReportRun.Status.RETRYING],
        )
        for run in waiting:
            transaction.on_commit(lambda pk=run.pk: _publish(pk))
        republished = len(waiting) - retried
    if retried or failed or republished:
        logger.warning(
            "report sweep retried=%s failed=%s republished=%s", retried, failed, republished
        )
    return {"retried": retried, "failed": failed, "republished": republished}


def monthly_reports(today=None) -> list[ReportRun]:
    """Last month's report of every regency and the province roll-up (beat, on the 1st)."""
    from reports.periods import previous_month

    period = previous_month(today or timezone.localdate())
    runs = []
    for regency in Region.objects.filter(code__in=summary.province_regencies()).order_by("code"):
        runs.append(report_request(actor=None, regency=regency, period=period)[0])
    runs.append(report_request(actor=None, regency=None, period=period)[0])
    return runs


def open_report_file(run, kind: str):
    """The stored PDF or XLSX of a run's last complete build, or of an issued ReportVersion
    (opened for reading); while a run is built again, the previous files stay downloadable
    until the new ones replace them."""
    name = run.pdf_file if kind == "pdf" else run.xlsx_file
    if not name or not default_storage.exists(name):
        raise FileNotFoundError(name)
    return default_storage.open(name, "rb")


# ---------------------------------------------------------------------------------------------
# Targets (administrators)

TARGET_FIELDS = [
    "code",
    "name",
    "indicator",
    "programme",
    "target_value",
    "deadline",
    "stated_on",
    "basis",
    "is_active",
    "sort_order",
]


@transaction.atomic
def target_save(*, actor, target: Target, data: dict) -> Target:
    """Creates or changes a target. Moving its deadline or value is a restatement instead."""
    access.require(access.can(actor, Capability.MANAGE_REFERENCE))
    creating = target.pk is None
    before = {} if creating else snapshot(Target.objects.get(pk=target.pk), TARGET_FIELDS)
    for name, value in data.items():
        setattr(target, name, value)
    if not creating and (
        target.deadline != before["deadline"] or target.target_value != before["target_value"]
    ):
        raise ValidationError(_("Restate the target to change its deadline or value."))
    target.full_clean()
    target.save()
    changes = field_changes(target, TARGET_FIELDS, before)
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
            target=target,
            changes=changes,
        )
    transaction.on_commit(figures.forget_targets)
    return target


@transaction.atomic
def target_restate(
    *, actor, target: Target, deadline, target_value: int, restated_on, reason: str
) -> TargetRestatement:
    """Moves a target to a new deadline or value; the old terms go to its history."""
    access.require(access.can(actor, Capability.MANAGE_REFERENCE))
    target = Target.objects.select_for_update().get(pk=target.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Say who restated the target, and why.")})
    if deadline == target.deadline and target_value == target.target_value:
        raise ValidationError(_("The new terms are the same as the current ones."))
    if restated_on < target.stated_on:
        raise ValidationError({"restated_on": _("A restatement cannot precede the current terms.")})
    restatement = TargetRestatement(
        target=target,
        old_deadline=target.deadline,
        old_target_value=target.target_value,
        old_stated_on=target.stated_on,
        new_deadline=deadline,
        new_target_value=target_value,
        restated_on=restated_on,
        reason=reason.strip(),
        recorded_by=actor,
    )
    restatement.full_clean()
    restatement.save()
    target.deadline, target.target_value, target.stated_on = deadline, target_value, restated_on
    target.full_clean()
    target.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=target,
        reason=reason.strip(),
        changes={
            "deadline": [str(restatement.old_deadline), str(deadline)],
            "target_value": [restatement.old_target_value, target_value],
        },
    )
    transaction.on_commit(figures.forget_targets)
    return restatement


@transaction.atomic
def baseline_save(*, actor, target: Target, regency_code: str, value: int | None, on, source=""):
    """Sets (or, with no value, removes) a regency's baseline for a target."""
    access.require(access.can(actor, Capability.MANAGE_REFERENCE))
    existing = TargetBaseline.objects.filter(target=target, regency_code=regency_code).first()
    before = [existing.value, str(existing.on)] if existing else None
    if value is None:
        if existing:
            existing.delete()
    else:
        baseline = existing or TargetBaseline(target=target, regency_code=regency_code)
        baseline.value, baseline.on, baseline.source = value, on, source
        baseline.full_clean()
        baseline.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=target,
        changes={f"baseline {regency_code}": [before, None if value is None else [value, str(on)]]},
    )
    transaction.on_commit(figures.forget_targets)


@transaction.atomic
def milestone_save(*, actor, target: Target, year: int, progress: int | None) -> None:
    """Sets (or, with no progress, removes) a target's milestone for a year."""
    access.require(access.can(actor, Capability.MANAGE_REFERENCE))
    existing = TargetMilestone.objects.filter(target=target, year=year).first()
    before = existing.progress if existing else None
    if progress is None:
        if existing:
            existing.delete()
    else:
        milestone = existing or TargetMilestone(target=target, year=year)
        milestone.progress = progress
        milestone.full_clean()
        milestone.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=target,
        changes={f"milestone {year}": [before, progress]},
    )
    transaction.on_commit(figures.forget_targets)
