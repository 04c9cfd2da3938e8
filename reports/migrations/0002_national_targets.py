"""Loads the three national targets of 2016 (data in reports/targets_data.py)."""

from django.db import migrations

from reports.targets_data import load_national_targets


def load(apps, schema_editor):
    load_national_targets(
        apps.get_model("reports", "Target"),
        apps.get_model("reports", "TargetRestatement"),
        apps.get_model("reports", "TargetBaseline"),
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
