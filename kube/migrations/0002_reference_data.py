"""Loads the business types and the rules row (data in kube/reference_data.py)."""

from django.db import migrations

from kube.reference_data import ensure_rules_row, load_default_business_types


def load(apps, schema_editor):
    load_default_business_types(apps.get_model("kube", "BusinessType"))
    ensure_rules_row(apps.get_model("kube", "KubeRules"))


class Migration(migrations.Migration):
    dependencies = [("kube", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
