"""DTSEN extracts (dated versions of the national social-economic register, as the Ministry
sends them), their rows, and the reconciliation worklist each loaded version gives.

An extract is province-wide and kept for good: the worklist is recomputed for each version and
a person page reads the latest one. Worklist items belong to the person's regency, whose staff
work them; scope is decided in pmks_portal/access.py like every other regency-owned record.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dtsen.querysets import ExtractQuerySet, WorklistItemQuerySet
from pmks_portal import access
from regions.models import place_field, regency_field

QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}


class Extract(models.Model):
    """One DTSEN version as uploaded: loaded all or nothing, in the background (the row is the
    job's outbox, pmks_portal/jobs.py)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        LOADING = "loading", _("Loading")
        LOADED = "loaded", _("Loaded")
        FAILED = "failed", _("Failed")

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), choices=[(number, name) for number, name in QUARTER_NAMES.items()]
    )
    file = models.FileField(upload_to="dtsen/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    # The first problems found ({"row", "column", "value", "message"}), at most MAX_ERRORS.
    errors = models.JSONField(default=list, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)
    # Worklist items made from this version, by kind: shown on the version's page.
    item_counts = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    loaded_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ExtractQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-quarter", "-id"]
        verbose_name = _("DTSEN extract")
        verbose_name_plural = _("DTSEN extracts")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """'DTSEN triwulan III 2025': the name DTSEN versions go by in every office."""
        return _("DTSEN quarter %(quarter)s %(year)s") % {
            "quarter": QUARTER_NAMES[self.quarter],
            "year": self.year,
        }

    @property
    def file_format(self) -> str:
        """csv or xlsx: the stored file is named by the format its content was found to be."""
        return self.file.name.rsplit(".", 1)[-1]

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.IMPORT_DTSEN)


class Entry(models.Model):
    """One person of a DTSEN extract, by name and by address."""

    class Status(models.TextChoices):
        ACTIVE = "aktif", _("Active")
        DECEASED = "meninggal", _("Deceased")
        MOVED = "pindah", _("Moved")

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="entries")
    nik = models.CharField(_("NIK"), max_length=16)
    kk_number = models.CharField(_("KK number"), max_length=16)
    name = models.CharField(_("name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1)
    birth_date = models.DateField(_("date of birth"), null=True)
    # Checked against the regions table when loading; no foreign key, so that 100,000 rows
    # insert without 200,000 key look-ups (the regions are never deleted: PROTECT elsewhere).
    village_code = models.CharField(_("village code"), max_length=13)
    regency_code = models.CharField(_("regency/city code"), max_length=5)
    decile = models.PositiveSmallIntegerField(_("decile"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)

    class Meta:
        verbose_name = _("DTSEN row")
        verbose_name_plural = _("DTSEN rows")
        constraints = [
            models.UniqueConstraint(fields=["extract", "nik"], name="dtsen_entry_one_nik"),
            models.CheckConstraint(
                condition=models.Q(decile__gte=1, decile__lte=10), name="dtsen_entry_decile"
            ),
        ]
        indexes = [models.Index(fields=["extract", "kk_number"], name="dtsen_entry_kk")]

    def __str__(self):
        return self.name


class ItemKind(models.TextChoices):
    """The four findings of a reconciliation (issue #15 point 3), as the offices word them."""

    NOT_IN_DTSEN = "not_in_dtsen", _("Not in DTSEN: propose at the village deliberation")
    KUBE_DECILE = "kube_decile", _("KUBE member in decile 6 or above: verify eligibility")
    DECEASED_OR_MOVED = "deceased_or_moved", _("Deceased or moved: close or transfer the case")
    DATA_MISMATCH = "data_mismatch", _("NIK, KK or name disagree: check the data")


class ItemStatus(models.TextChoices):
    # In the words of the issue (baru, diproses, selesai, ditolak): "in progress" is "sedang
    # berjalan" elsewhere in the portal, hence a context of their own.
    NEW = "baru", pgettext_lazy("worklist item", "New")
    IN_PROGRESS = "diproses", pgettext_lazy("worklist item", "In progress")
    DONE = "selesai", pgettext_lazy("worklist item", "Done")
    REJECTED = "ditolak", pgettext_lazy("worklist item", "Rejected")


OPEN_ITEM_STATUSES = (ItemStatus.NEW, ItemStatus.IN_PROGRESS)


class WorklistItem(models.Model):
    """Something a regency's staff must do about one person after a DTSEN version."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("finding"), max_length=20, choices=ItemKind.choices)
    person = models.ForeignKey(
        "cases.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("DTSEN row"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    regency = regency_field()
    village = place_field(_("village"))
    # What disagrees, for DATA_MISMATCH: ["nik", "kk_number", "name"].
    fields = models.JSONField(_("what disagrees"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.NEW
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorklistItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("worklist item")
        verbose_name_plural = _("worklist items")
        constraints = [
            models.UniqueConstraint(
                fields=["extract", "kind", "person"], name="dtsen_item_once_per_version"
            ),
        ]
        indexes = [
            models.Index(fields=["extract", "regency", "status"], name="dtsen_item_regency"),
            models.Index(fields=["extract", "village", "kind"], name="dtsen_item_village"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.person}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ITEM_STATUSES

    def writable_by(self, user) -> bool:
        return access.can_write_record(user, self.regency_id)
