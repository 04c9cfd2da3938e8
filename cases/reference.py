"""Changes to the PMKS categories and their legacy aliases: reference data, not code."""

from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_record, field_changes, snapshot
from cases.models import Category, CategoryAlias

CATEGORY_FIELDS = ["code", "name", "name_en", "cluster", "programme", "sort_order", "is_active"]


def parse_aliases(text: str) -> list[str]:
    return sorted({alias.strip().upper() for alias in text.split(",") if alias.strip()})


@transaction.atomic
def category_save(*, actor, category: Category, aliases: list[str]) -> Category:
    """Creates or changes a category and replaces its aliases; every change is audited."""
    created = category.pk is None
    before = {} if created else snapshot(Category.objects.get(pk=category.pk), CATEGORY_FIELDS)
    old_aliases = [] if created else sorted(category.aliases.values_list("alias", flat=True))
    category.full_clean()
    category.save()
    changes = field_changes(category, CATEGORY_FIELDS, before)
    if aliases != old_aliases:
        category.aliases.all().delete()
        CategoryAlias.objects.bulk_create(
            CategoryAlias(alias=alias, category=category) for alias in aliases
        )
        changes["aliases"] = [", ".join(old_aliases), ", ".join(aliases)]
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            target=category,
            changes=changes,
        )
    return category
