"""Loads the 26 PMKS categories and the legacy codes (data in cases/categories_data.py)."""

from django.db import migrations

from cases.categories_data import load_default_categories


def load_categories(apps, schema_editor):
    load_default_categories(
        apps.get_model("cases", "Category"), apps.get_model("cases", "CategoryAlias")
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load_categories, migrations.RunPython.noop)]
