"""Changes to the PMKS categories and their legacy aliases: reference data, not code."""

from django.db import transaction

from audit.records import save_reference_row
from cases.models import Category, CategoryAlias
from pmks_portal import choices_cache

CATEGORY_FIELDS = ["code", "name", "name_en", "cluster", "programme", "sort_order", "is_active"]


def parse_aliases(text: str) -> list[str]:
    return sorted({alias.strip().upper() for alias in text.split(",") if alias.strip()})


@transaction.atomic
def category_save(*, actor, category: Category, aliases: list[str]) -> Category:
    """Creates or changes a category and replaces its aliases; every change is audited."""
    old_aliases = (
        [] if category.pk is None else sorted(category.aliases.values_list("alias", flat=True))
    )
    alias_changes = (
        {"aliases": [", ".join(old_aliases), ", ".join(aliases)]} if aliases != old_aliases else {}
    )
    save_reference_row(category, actor=actor, fields=CATEGORY_FIELDS, more_changes=alias_changes)
    choices_cache.forget()
    if alias_changes:
        category.aliases.all().delete()
        CategoryAlias.objects.bulk_create(
            CategoryAlias(alias=alias, category=category) for alias in aliases
        )
    return category
