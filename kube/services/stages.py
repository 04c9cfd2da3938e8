"""The group's stage: scoring it again, the officer's override, the nightly recompute."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from kube import scoring
from kube.models import (
    Kube,
    KubeGrant,
    KubePartnership,
    KubeReport,
    KubeRules,
    KubeStageChange,
    Stage,
    StageChangeSource,
)
from kube.services.common import _lock_kube, _today
from pmks_portal import access


def active_partner_count(kube_ids: Iterable[int], on: date) -> dict[int, int]:
    """Partners with an open link on `on`, per group (one query)."""
    rows = (
        KubePartnership.objects.filter(kube_id__in=list(kube_ids), started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .values("kube_id")
        .annotate(partners=models.Count("partner_id", distinct=True))
    )
    return {row["kube_id"]: row["partners"] for row in rows}


def grant_totals(kube_ids: Iterable[int]) -> dict[int, Decimal]:
    rows = (
        KubeGrant.objects.filter(kube_id__in=list(kube_ids))
        .values("kube_id")
        .annotate(total=Sum("amount"))
    )
    return {row["kube_id"]: row["total"] for row in rows}


def _apply_breakdown(kube: Kube, breakdown: dict) -> bool:
    """Puts a new score on the group (not saved); True when the computed stage changed."""
    changed = kube.computed_stage != breakdown["stage"]
    kube.computed_stage = breakdown["stage"]
    kube.stage_score = breakdown["score"]
    kube.stage_breakdown = breakdown
    kube.stage = kube.stage_override or kube.computed_stage
    return changed


STAGE_FIELDS = ["computed_stage", "stage_score", "stage_breakdown", "stage"]


def stage_refresh(*, kube: Kube, actor=None, rules: KubeRules | None = None) -> Kube:
    """Scores the group again from its latest reports, partners and grants (kube.scoring).

    A change of the computed stage is kept in the stage history. Called by the services that
    change what the score reads, inside their transaction.
    """
    rules = rules or KubeRules.current()
    reports = [
        scoring.Figures.of(report)
        for report in KubeReport.objects.filter(kube=kube).order_by("-month")[: rules.score_window]
    ]
    breakdown = scoring.compute(
        rules,
        reports,
        active_partners=active_partner_count([kube.pk], _today()).get(kube.pk, 0),
        total_grants=grant_totals([kube.pk]).get(kube.pk, Decimal(0)),
    )
    before = kube.computed_stage
    if _apply_breakdown(kube, breakdown):
        KubeStageChange.objects.create(
            kube=kube,
            source=StageChangeSource.COMPUTED,
            from_stage=before,
            to_stage=kube.computed_stage,
            score=kube.stage_score,
            by=actor if getattr(actor, "pk", None) else None,
        )
    kube.save(update_fields=STAGE_FIELDS)
    return kube


@transaction.atomic
def stage_override_set(*, actor, kube: Kube, stage: str, reason: str) -> Kube:
    """Sets the stage by hand (or, with stage "", returns to the computed one). A reason is
    required either way; both are kept in the stage history and the audit trail."""
    access.require(access.can_write_record(actor, kube.regency_id))
    locked = _lock_kube(kube)
    reason = (reason or "").strip()
    if stage and stage not in Stage.values:
        raise ValidationError({"stage": _("Choose a stage.")})
    if not reason:
        raise ValidationError({"reason": _("Say why the stage is set by hand.")})
    if stage == locked.stage_override:
        raise ValidationError({"stage": _("The stage is set like this already.")})
    before_stage, before_override = locked.stage, locked.stage_override
    locked.stage_override = stage
    locked.stage_override_reason = reason if stage else ""
    locked.stage = stage or locked.computed_stage
    locked.version += 1
    locked.save()
    KubeStageChange.objects.create(
        kube=locked,
        source=StageChangeSource.OVERRIDE if stage else StageChangeSource.OVERRIDE_CLEARED,
        from_stage=before_stage,
        to_stage=locked.stage,
        score=locked.stage_score,
        reason=reason,
        by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=locked,
        reason=reason,
        changes={"stage_override": [before_override, stage], "stage": [before_stage, locked.stage]},
        regency_id=locked.regency_id,
    )
    return locked


CHUNK = 500


def recompute_all_stages(*, rules: KubeRules | None = None, today: date | None = None) -> int:
    """Scores every group again (after the rules changed); returns how many changed stage.

    Works in chunks of groups: three queries and one bulk update per chunk, whatever the
    number of reports.
    """
    rules = rules or KubeRules.current()
    today = today or _today()
    changed_count = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            chunk = list(
                Kube.objects.filter(pk__gt=last_pk)
                .order_by("pk")
                .only("pk", "computed_stage", "stage_override", "stage", "stage_score")[:CHUNK]
            )
            if not chunk:
                break
            last_pk = chunk[-1].pk
            ids = [kube.pk for kube in chunk]
            reports: dict[int, list] = {pk: [] for pk in ids}
            for row in (
                KubeReport.objects.filter(kube_id__in=ids)
                .order_by("kube_id", "-month")
                .values_list(
                    "kube_id",
                    "month",
                    "profit",
                    "capital",
                    "iks_collected",
                    "iks_used",
                    "meetings_held",
                    "bookkeeping_kept",
                )
                .iterator(chunk_size=5000)
            ):
                latest = reports[row[0]]
                if len(latest) < rules.score_window:
                    latest.append(scoring.Figures(*row[1:]))
            partners = active_partner_count(ids, today)
            grants = grant_totals(ids)
            updates, history = [], []
            for kube in chunk:
                before = kube.computed_stage
                breakdown = scoring.compute(
                    rules,
                    reports[kube.pk],
                    active_partners=partners.get(kube.pk, 0),
                    total_grants=grants.get(kube.pk, Decimal(0)),
                )
                if _apply_breakdown(kube, breakdown):
                    changed_count += 1
                    history.append(
                        KubeStageChange(
                            kube=kube,
                            source=StageChangeSource.COMPUTED,
                            from_stage=before,
                            to_stage=kube.computed_stage,
                            score=kube.stage_score,
                            reason=_("The stage rules were changed."),
                        )
                    )
                updates.append(kube)
            Kube.objects.bulk_update(updates, STAGE_FIELDS, batch_size=CHUNK)
            KubeStageChange.objects.bulk_create(history, batch_size=CHUNK)
    return changed_count
