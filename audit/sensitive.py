"""Reads of sensitive cases are logged one record at a time, wherever they happen.

Sensitive (UU PDP art. 4: health, sexual life, criminal records; DOMAIN.md): sex work (TS),
HIV/AIDS (ODHA), drug abuse (KNAPZA), trafficking victims (KTr), and shackling (pasung: people
with mental illness, ODGJ, restrained by their families). A detail page logs its record as every
page does, marked sensitive; a list page and an export log each sensitive record they showed,
which the list's and the export's own events (filters and a count) do not name. The weekly
digest of unusual access (audit/unusual_access.py) reads these marks.
"""

from collections.abc import Iterable

from django.db.models import Q

from audit.models import AuditEvent
from audit.services import audit_event

SENSITIVE_CATEGORY_CODES = frozenset({"TS", "ODHA", "KNAPZA", "KTr"})
SENSITIVE_PROGRAMMES = frozenset({"pasung"})
# The mark in AuditEvent.changes: {"sensitive": "list"} (or "detail", "export", "person").
MARK = "sensitive"
BATCH = 2000


def sensitive_cases_q(prefix: str = "") -> Q:
    """The sensitive cases, as a filter on cases (prefix "cases__" from persons)."""
    return Q(**{f"{prefix}category__code__in": sorted(SENSITIVE_CATEGORY_CODES)}) | Q(
        **{f"{prefix}programme__in": sorted(SENSITIVE_PROGRAMMES)}
    )


def is_sensitive_case(case) -> bool:
    """Without a query when the category is loaded (for_list, for_detail)."""
    return case.category.code in SENSITIVE_CATEGORY_CODES or case.programme in SENSITIVE_PROGRAMMES


def view_marks(*, sensitive: bool, via: str) -> dict:
    return {MARK: via} if sensitive else {}


def record_case_reads(*, actor, cases: Iterable, via: str) -> int:
    """One VIEW event per sensitive case among `cases` (loaded with their category), in one
    insert; returns how many. For a list page: the cases of the page."""
    events = [
        audit_event(
            actor=actor,
            action=AuditEvent.Action.VIEW,
            target=case,
            changes={MARK: via},
            regency_id=case.regency_id,
        )
        for case in cases
        if is_sensitive_case(case)
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)


def record_export_reads(*, actor, cases_queryset, via: str = "export") -> int:
    """One VIEW event per sensitive case of an export's queryset, inserted in batches without
    loading the cases: their keys and regencies only."""
    rows = (
        cases_queryset.order_by()
        .filter(sensitive_cases_q())
        .values_list("pk", "regency_id")
        .iterator(chunk_size=BATCH)
    )
    label = cases_queryset.model._meta.label_lower
    batch, total = [], 0
    for pk, regency_id in rows:
        batch.append(
            AuditEvent(
                actor=actor if getattr(actor, "pk", None) else None,
                action=AuditEvent.Action.VIEW,
                target_type=label,
                target_id=str(pk),
                regency_id=regency_id,
                changes={MARK: via},
            )
        )
        if len(batch) == BATCH:
            AuditEvent.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    return total + len(batch)
