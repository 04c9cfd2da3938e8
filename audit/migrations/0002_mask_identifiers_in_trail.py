"""NIK and KK numbers already in the trail are masked and fingerprinted, as new events are
(pmks_portal.masking.audited_changes; why: docs/ARCHITECTURE.md)."""

from django.db import migrations

from pmks_portal.masking import IDENTIFIER_FIELDS, audited_changes

BATCH = 1000


def mask_stored_identifiers(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    events = AuditEvent.objects.filter(changes__has_any_keys=sorted(IDENTIFIER_FIELDS))
    changed = []
    for event in events.only("pk", "changes").iterator(chunk_size=BATCH):
        masked = audited_changes(event.changes)
        if masked != event.changes:
            event.changes = masked
            changed.append(event)
        if len(changed) >= BATCH:
            AuditEvent.objects.bulk_update(changed, ["changes"])
            changed = []
    AuditEvent.objects.bulk_update(changed, ["changes"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    # Irreversible by nature: the full numbers are gone from the trail (the records keep them).
    operations = [migrations.RunPython(mask_stored_identifiers, migrations.RunPython.noop)]
