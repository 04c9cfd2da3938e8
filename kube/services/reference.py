"""The province's KUBE reference data: business types and the KUBE rules."""

from django.db import transaction

from audit.records import lock_version, save_new_version, save_reference_row
from audit.services import field_changes, snapshot
from kube.models import (
    BusinessType,
    KubeRules,
)
from pmks_portal import access, choices_cache, jobs
from pmks_portal.access import Capability

RULES_FIELDS = [
    "min_members",
    "max_members",
    "eligible_age_min",
    "eligible_age_max",
    "report_due_day",
    "score_window",
    "meetings_target",
    "capital_ratio_target",
    "partners_target",
    "berkembang_min_score",
    "berkembang_min_reports",
    "maju_min_score",
    "maju_min_reports",
]
BUSINESS_TYPE_FIELDS = ["code", "name", "name_en", "sort_order", "is_active"]


@transaction.atomic
def business_type_save(*, actor, business_type: BusinessType) -> BusinessType:
    access.require(access.can(actor, Capability.MANAGE_REFERENCE))
    save_reference_row(business_type, actor=actor, fields=BUSINESS_TYPE_FIELDS)
    choices_cache.forget()
    return business_type


@transaction.atomic
def rules_save(*, actor, expected_version: int, data: dict) -> KubeRules:
    """Changes the KUBE rules; every group's stage is then scored again (a Celery task)."""
    access.require(access.can(actor, Capability.MANAGE_REFERENCE))
    KubeRules.objects.get_or_create(pk=1)
    rules = lock_version(KubeRules, 1, expected_version)
    before = snapshot(rules, RULES_FIELDS)
    for field in RULES_FIELDS:
        if field in data:
            setattr(rules, field, data[field])
    rules.full_clean()
    changes = field_changes(rules, RULES_FIELDS, before)
    if not changes:
        return rules
    rules.updated_by = actor
    save_new_version(rules, actor=actor, changes=changes)
    from kube.tasks import recompute_stages

    # Never raises into the save when the broker is down (pmks_portal.jobs); a missed publish is
    # caught up by the nightly rescoring of every stage.
    transaction.on_commit(lambda: jobs.publish(recompute_stages))
    return rules
