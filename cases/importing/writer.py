"""Writing valid rows inside the commit's transaction: persons, cases, their first status
change, pasung records and one audit event per record, with pmks_portal.bulkload."""

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import created_changes
from cases.importing.reference import Reference
from cases.importing.rows import RowResult
from cases.models import Case, CaseSource, CaseTransition, ImportBatch, PasungDetail, Person
from cases.services import CASE_FIELDS, PERSON_FIELDS, programme_for
from pmks_portal.bulkload import BulkInserter
from pmks_portal.masking import audited_changes
from regions.models import Level

PERSON_COLUMNS = [
    "nik",
    "kk_number",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "address",
    "village_id",
    "regency_id",
    "created_by_id",
]
CASE_COLUMNS = [
    "person_id",
    "category_id",
    "programme",
    "regency_id",
    "district_id",
    "village_id",
    "found_on",
    "registered_on",
    "source",
    "status",
    "close_reason",
    "status_changed_on",
    "notes",
    "created_by_id",
]
TRANSITION_COLUMNS = ["case_id", "to_status", "effective_on", "reason", "by_id"]
AUDIT_COLUMNS = [
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "regency_id",
    "changes",
    "reason",
]
PERSON_LABEL, CASE_LABEL = Person._meta.label_lower, Case._meta.label_lower
# The audited person fields an import fills; the others hold the model's defaults, as on a
# person saved by a form.
PERSON_IMPORTED = [
    "nik",
    "kk_number",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "address",
    "village",
]
PERSON_DEFAULTS = {
    name: Person._meta.get_field(name).get_default()
    for name in PERSON_FIELDS
    if name not in PERSON_IMPORTED
}


class RowWriter:
    """Bulk-inserts valid rows: persons, cases, first status changes, pasung records, audit."""

    def __init__(self, *, batch: ImportBatch, actor, reference: Reference):
        self.batch = batch
        self.regions = reference.regions
        self.actor = actor
        self.actor_id = actor.pk
        self.today = reference.today
        self.regency_id = batch.regency_id
        self.person_of_nik: dict[str, int] = {}
        self.case_fields = CASE_FIELDS + ["programme", "status"]
        # Looked up once: three records per row carry it.
        self.reason = _("Import %(batch)s, row %(row)s")
        now = timezone.now()
        self.persons = BulkInserter(Person, PERSON_COLUMNS, now)
        self.cases = BulkInserter(Case, CASE_COLUMNS, now)
        self.transitions = BulkInserter(CaseTransition, TRANSITION_COLUMNS, now)
        self.pasung = BulkInserter(PasungDetail, ["case_id", "restraint_form"], now)
        self.audit = BulkInserter(AuditEvent, AUDIT_COLUMNS, now)

    def _event(self, target_type: str, pk: int, values: dict, fields: list[str], reason: str):
        """The event audit_record() saves for a created record (audit.services.audit_fields,
        NIK and KK masked with their fingerprints), as one row of the bulk insert in the order
        of AUDIT_COLUMNS."""
        changes = audited_changes(created_changes(values, fields))
        return (
            self.actor_id,
            AuditEvent.Action.CREATE.value,
            target_type,
            str(pk),
            self.regency_id,
            changes,
            reason,
        )

    def write(self, rows: list[RowResult]) -> None:
        new_persons: dict = {}
        for row in rows:
            if row.person_id is None and row.nik in self.person_of_nik:
                row.person_id = self.person_of_nik[row.nik]
            key = row.nik or ("row", row.number)
            if row.person_id is None and key not in new_persons:
                new_persons[key] = row
        person_rows = list(new_persons.values())
        person_ids = self.persons.insert(
            [
                (
                    row.nik,
                    row.kk,
                    row.name,
                    row.sex,
                    row.birth_place,
                    row.birth_date,
                    row.address,
                    row.region.code if row.region.level == Level.VILLAGE else None,
                    self.regency_id,
                    self.actor_id,
                )
                for row in person_rows
            ],
            returning=True,
        )
        # One reason per row: its person's, its case's and its first status change's.
        reasons = {
            row.number: self.reason % {"batch": self.batch.pk, "row": row.number} for row in rows
        }
        audit = []
        person_id_of = {}
        for key, row, pk in zip(new_persons, person_rows, person_ids, strict=True):
            person_id_of[key] = pk
            if row.nik:
                self.person_of_nik[row.nik] = pk
            values = {
                "nik": row.nik,
                "kk_number": row.kk,
                "name": row.name,
                "sex": row.sex,
                "birth_place": row.birth_place,
                "birth_date": row.birth_date,
                "address": row.address,
                "village": row.region if row.region.level == Level.VILLAGE else None,
                **PERSON_DEFAULTS,
            }
            audit.append((PERSON_LABEL, pk, values, PERSON_FIELDS, reasons[row.number]))

        case_values, case_changes = [], []
        for row in rows:
            person_id = row.person_id or person_id_of[row.nik or ("row", row.number)]
            level = row.region.level
            district = (
                self.regions[".".join(row.region.code.split(".")[:3])]
                if level in (Level.DISTRICT, Level.VILLAGE)
                else None
            )
            village = row.region if level == Level.VILLAGE else None
            programme = programme_for(row.category, row.is_pasung)
            case_values.append(
                (
                    person_id,
                    row.category.pk,
                    programme,
                    self.regency_id,
                    district.code if district else None,
                    village.code if village else None,
                    row.found_on,
                    self.today,
                    CaseSource.IMPORT.value,
                    row.status,
                    row.close_reason,
                    self.today,
                    row.notes,
                    self.actor_id,
                )
            )
            case_changes.append(
                {
                    "category": row.category,
                    "district": district,
                    "village": village,
                    "found_on": row.found_on,
                    "source": CaseSource.IMPORT.value,
                    "notes": row.notes,
                    "programme": programme,
                    "status": row.status,
                }
            )
        case_ids = self.cases.insert(case_values, returning=True)
        self.transitions.insert(
            [
                (pk, row.status, row.found_on, reasons[row.number], self.actor_id)
                for row, pk in zip(rows, case_ids, strict=True)
            ]
        )
        pasung = [(pk, "other") for row, pk in zip(rows, case_ids, strict=True) if row.is_pasung]
        if pasung:
            self.pasung.insert(pasung)
        for row, pk, values in zip(rows, case_ids, case_changes, strict=True):
            audit.append((CASE_LABEL, pk, values, self.case_fields, reasons[row.number]))
        # A generator: on PostgreSQL the events are made while COPY sends the earlier ones.
        self.audit.insert(self._event(*item) for item in audit)
