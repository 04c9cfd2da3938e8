"""Issued versions of a report: a build whose figures differ from the last issued version's
issues the next one (v1, v2, ...), with its own copy of the files, who asked for it, what
changed and, where the registry can tell, why. A build with the same figures issues nothing.
An issued version is never changed (ReportVersion.save refuses), and its files are never
written again.

Kept apart from the run's build and dispatch (reports.services): `version_issue` is called once
a build is recorded, inside the same transaction.
"""

import shutil
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.models import AuditEvent
from cases.models import Case, CaseSource, CaseTransition
from pmks_portal import cache
from reports.models import ReportRun, ReportVersion

FIGURES = ("found", "in_handling", "resolved", "relapsed", "closed", "remaining")


def requested_via(actor, via: str | None) -> str:
    """How a run was asked for: by a named user, else the command or the monthly schedule."""
    if getattr(actor, "pk", None):
        return "user"
    return via or "schedule"


def figure_changes(before: dict, after: dict) -> list[dict]:
    """The targets' figures (and statuses) that differ between two versions' contents."""
    old = {t["target"]: t for t in before.get("targets", [])}
    changes = []
    for target in after.get("targets", []):
        previous = old.get(target["target"], {"indicators": {}, "status": None})
        for name in FIGURES:
            was, now = previous["indicators"].get(name), target["indicators"].get(name)
            if was != now:
                changes.append(
                    {"target": target["target"], "figure": name, "before": was, "after": now}
                )
        if previous["status"] != target["status"]:
            changes.append(
                {
                    "target": target["target"],
                    "figure": "status",
                    "before": previous["status"],
                    "after": target["status"],
                }
            )
    return changes


def audit_reasons(run: ReportRun, since: datetime) -> list[dict]:
    """What was written since `since` (and by now) into the run's scope, dated up to its
    period's end:
    status changes (by status and date; back-dated when dated before `since`), cases found by
    then but registered or imported after, pasung releases and re-shacklings."""
    scope = Q(case__regency_id=run.regency_id) if run.regency_id else Q()
    until = run.period_end
    now = timezone.now()
    reasons = []
    moved = Counter(
        CaseTransition.objects.filter(scope, at__gt=since, at__lte=now, effective_on__lte=until)
        .exclude(from_status="")
        .values_list("to_status", "effective_on")
    )
    for (status, on), cases in sorted(moved.items(), key=lambda item: (item[0][1], item[0][0])):
        reasons.append(
            {
                "kind": "status",
                "status": status,
                "effective_on": on.isoformat(),
                "cases": cases,
                "back_dated": on < timezone.localtime(since).date(),
            }
        )
    own = Q(regency_id=run.regency_id) if run.regency_id else Q()
    late = Counter(
        Case.objects.filter(
            own, created_at__gt=since, created_at__lte=now, found_on__lte=until
        ).values_list("source", flat=True)
    )
    if late:
        reasons.append(
            {
                "kind": "registered_late",
                "cases": sum(late.values()),
                "imported": late.get(CaseSource.IMPORT, 0),
            }
        )
    pasung = (
        AuditEvent.objects.filter(own, at__gt=since, at__lte=now, target_type="cases.case")
        .filter(Q(changes__has_key="pasung_event") | Q(changes__has_key="pasungdetail.released_on"))
        .values("target_id")
        .distinct()
        .count()
    )
    if pasung:
        reasons.append({"kind": "pasung", "cases": pasung})
    return reasons


def _copy(name: str, number: int) -> str:
    """The run's file copied to its version's own name (stem-vN.ext), never to be rewritten."""
    source = Path(default_storage.path(name))
    target_name = f"{name.rsplit('.', 1)[0]}-v{number}.{name.rsplit('.', 1)[1]}"
    shutil.copyfile(source, default_storage.path(target_name))
    return target_name


def version_issue(run: ReportRun) -> ReportVersion | None:
    """Issues the next version of a just-built run (locked by the caller) if its figures differ
    from the last issued version's; None when nothing changed."""
    last = run.versions.order_by("-number").first()
    if last is not None and last.content_sha256 == run.content_sha256:
        return None
    number = last.number + 1 if last else 1
    as_of = run.figures.get("data_as_of")
    # Forgotten now (a read later in this transaction sees the new version), and again by
    # report_build once committed.
    forget_issued()
    return ReportVersion.objects.create(
        run=run,
        number=number,
        issued_at=run.finished_at or timezone.now(),
        requested_via=run.requested_via,
        requested_by=run.requested_by,
        data_as_of=parse_datetime(as_of) if as_of else None,
        content_sha256=run.content_sha256,
        pdf_file=_copy(run.pdf_file, number),
        xlsx_file=_copy(run.xlsx_file, number),
        pdf_sha256=run.pdf_sha256,
        xlsx_sha256=run.xlsx_sha256,
        figures=run.figures,
        changes=figure_changes(last.figures, run.figures) if last else [],
        reasons=audit_reasons(run, last.issued_at) if last else [],
    )


ISSUED_VERSION_KEY = "reports:issued:version"
ISSUED_TIMEOUT = 3600


def revised_months(regency: str | None, current: dict[date, dict[str, dict]]) -> set[date]:
    """The months whose last issued monthly report (of the regency, or the province: None)
    differs from the figures shown now. `current`: month → target code → its figures (found,
    in_handling, resolved, relapsed, closed, remaining). The issued figures are cached until
    the next version is issued (no query on a dashboard's warm path)."""
    months = sorted(current)
    generation = cache.get(ISSUED_VERSION_KEY, 0)
    issued = cache.get_or_set(
        f"reports:issued:{generation}:{regency}:{months[0]:%Y-%m}:{months[-1]:%Y-%m}",
        lambda: issued_figures(regency, months),
        ISSUED_TIMEOUT,
    )
    return {
        month
        for month, targets in issued.items()
        if any(current[month].get(code) not in (None, figures) for code, figures in targets.items())
    }


def issued_figures(regency: str | None, months: list[date]) -> dict[date, dict[str, dict]]:
    """Month → target code → the figures of the month's last issued monthly report (one
    query)."""
    latest: dict[date, ReportVersion] = {}
    for version in (
        ReportVersion.objects.filter(
            run__regency_id=regency,
            run__period_kind=ReportRun.PeriodKind.MONTH,
            run__period_start__in=months,
        )
        .select_related("run")
        .order_by("run_id", "number")
    ):
        latest[version.run.period_start] = version
    return {
        month: {
            target["target"]: {name: target["indicators"].get(name) for name in FIGURES}
            for target in version.figures.get("targets", [])
        }
        for month, version in latest.items()
    }


def forget_issued() -> None:
    cache.incr(ISSUED_VERSION_KEY)
