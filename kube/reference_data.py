"""KUBE reference data shipped with the portal: business types (DOMAIN.md §2.4) and the rules row.

Used by the data migration and by tests that need the rows back after a database flush.
Administrators change both in the portal afterwards; these are only the starting values.
"""

# (order, code, Indonesian name, English gloss)
BUSINESS_TYPES = [
    (10, "peternakan", "Peternakan", "Livestock"),
    (20, "perikanan", "Perikanan dan budidaya ikan", "Fisheries and fish farming"),
    (30, "pertanian", "Pertanian, perkebunan dan hortikultura", "Farming and horticulture"),
    (40, "perdagangan", "Perdagangan (warung sembako)", "Trade (grocery stall)"),
    (50, "e-warong", "e-Warong KUBE", "e-Warong (BPNT outlet)"),
    (60, "olahan-pangan", "Pengolahan makanan dan kue", "Food processing"),
    (70, "kerajinan", "Kerajinan", "Crafts"),
    (80, "jasa", "Jasa (jahit, bengkel, salon)", "Services (tailoring, repair, salon)"),
    (90, "lainnya", "Lainnya", "Other"),
]


def load_default_business_types(business_type_model) -> None:
    """Creates the business types that are missing (never changes ones an admin edited)."""
    for order, code, name, name_en in BUSINESS_TYPES:
        business_type_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )


def ensure_rules_row(rules_model) -> None:
    """The one row of KUBE rules, with the defaults documented on the model."""
    rules_model.objects.get_or_create(pk=1)
