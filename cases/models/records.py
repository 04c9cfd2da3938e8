from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.querysets import (
    AttachmentQuerySet,
    CaseQuerySet,
    ImportBatchQuerySet,
    PersonQuerySet,
)
from cases.validators import birth_date_not_in_future
from pmks_portal import access
from pmks_portal.private_files.models import PrivateFile
from regions.models import place_field, regency_field


class Programme(models.TextChoices):
    """The three national 'free of' targets a case can count against (DOMAIN.md §3)."""

    STREET_CHILDREN = "street_children", _("Free of street children")
    PASUNG = "pasung", _("Free of shackling (pasung)")
    PROSTITUTION = "prostitution", _("Free of prostitution/lokalisasi")


class Category(models.Model):
    """One of the 26 PMKS/PPKS categories (Permensos 8/2012), or a local addition."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("Indonesian name"), max_length=150)
    name_en = models.CharField(_("English gloss"), max_length=150, blank=True)
    cluster = models.CharField(_("cluster"), max_length=60, blank=True)
    programme = models.CharField(
        _("target programme"),
        max_length=32,
        choices=Programme.choices,
        blank=True,
        help_text=_("Cases of this category count against this national target."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("PMKS category")
        verbose_name_plural = _("PMKS categories")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class CategoryAlias(models.Model):
    """A code or name from old spreadsheets (e.g. WRSE, KFM, PACA) that maps to a category."""

    alias = models.CharField(_("alias"), max_length=150, unique=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name = _("category alias")
        verbose_name_plural = _("category aliases")
        ordering = ["alias"]

    def __str__(self):
        return f"{self.alias} → {self.category.code}"


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Person(models.Model):
    """Someone the agency's teams found. Many have no NIK (street children, the homeless)."""

    # NULL, not "", for "no NIK": the unique constraint then ignores the many persons without one.
    nik = models.CharField(_("NIK"), max_length=16, null=True, blank=True)  # noqa: DJ001
    kk_number = models.CharField(_("KK number"), max_length=16, blank=True)
    name = models.CharField(_("name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[birth_date_not_in_future]
    )
    birth_date_is_estimate = models.BooleanField(_("birth date estimated from age"), default=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    regency = regency_field(_("registering regency/city"))
    village = place_field(_("village"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    guardian_name = models.CharField(_("parent or guardian"), max_length=150, blank=True)
    guardian_relation = models.CharField(_("relation"), max_length=60, blank=True)
    guardian_phone = models.CharField(_("guardian's phone"), max_length=32, blank=True)
    disability = models.CharField(_("disability"), max_length=150, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(
                fields=["nik"], condition=Q(nik__isnull=False), name="person_unique_nik"
            ),
            models.CheckConstraint(
                condition=Q(nik__isnull=True) | Q(nik__regex=r"^[0-9]{16}$"),
                name="person_nik_sixteen_digits",
            ),
        ]
        indexes = [
            models.Index(fields=["regency", "name"], name="person_regency_name"),
            models.Index(fields=["birth_date"], name="person_birth_date"),
            # Searching by a family card number; most persons have one.
            models.Index(fields=["kk_number"], name="person_kk_number"),
            # The API's person list, newest first, in keyset pages.
            models.Index(fields=["regency", "-created_at", "-id"], name="person_regency_created"),
            models.Index(fields=["-created_at", "-id"], name="person_created"),
        ]

    def __str__(self):
        return self.name

    @property
    def has_nik(self) -> bool:
        return bool(self.nik)

    def writable_by(self, user) -> bool:
        return access.can_write_record(user, self.regency_id)


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    VERIFIED = "verified", _("Verified")
    IN_HANDLING = "in_handling", _("In handling")
    RESOLVED = "resolved", _("Resolved")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


class CloseReason(models.TextChoices):
    DIED = "died", _("Died")
    MOVED = "moved", _("Moved away")
    REFUSED = "refused", _("Refused help")
    DUPLICATE = "duplicate", _("Duplicate record")


class CaseSource(models.TextChoices):
    OUTREACH = "outreach", _("Outreach")
    PUBLIC_REPORT = "public_report", _("Public report")
    REFERRAL = "referral", _("Referral")
    SURVEY = "survey", _("Survey")
    IMPORT = "import", _("Import")


# --- privacy (#17): the legal basis of processing a case (UU 27/2022 art. 20)
class LegalBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", _("Public task: the social-welfare duty (UU 11/2009)")
    CONSENT = "consent", _("Consent")


class ConsentBy(models.TextChoices):
    SUBJECT = "subject", _("The person")
    GUARDIAN = "guardian", _("Parent or guardian")


ADULT_AGE = 18


class NameWord(models.Model):
    """A word found in some person's name (upper case), once: the vocabulary that a name search
    matches typed words against, by trigrams. Written by PostgreSQL triggers (migration 0006);
    empty and unused on SQLite."""

    word = models.CharField(max_length=150, primary_key=True)

    class Meta:
        db_table = "cases_name_word"

    def __str__(self):
        return self.word


class PersonNameWord(models.Model):
    """A word of a person's name: the postings of the name search (see cases/name_search.py).
    Written by PostgreSQL triggers on every insert and rename of a person, bulk ones included."""

    pk = models.CompositePrimaryKey("word", "person")
    word = models.CharField(max_length=150)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "cases_person_name_word"

    def __str__(self):
        return f"{self.word} · {self.person_id}"


class Case(models.Model):
    """One PMKS condition of one person in one regency, followed until it ends."""

    # Indexed with the regency (Meta): a name search tests each candidate person's scope there.
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases"
    )
    programme = models.CharField(
        _("target programme"), max_length=32, choices=Programme.choices, blank=True
    )
    regency = regency_field()
    district = place_field(_("district"))
    village = place_field(_("village"))
    found_on = models.DateField(_("found on"))
    registered_on = models.DateField(_("registered on"))
    source = models.CharField(_("source"), max_length=20, choices=CaseSource.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REGISTERED
    )
    close_reason = models.CharField(
        _("reason closed"), max_length=20, choices=CloseReason.choices, blank=True
    )
    status_changed_on = models.DateField(_("status since"))
    relapse_count = models.PositiveSmallIntegerField(_("relapses"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    # --- privacy (#17): why the agency may process this case, and the consent when that is why
    legal_basis = models.CharField(
        _("legal basis"), max_length=16, choices=LegalBasis.choices, default=LegalBasis.PUBLIC_TASK
    )
    consent_by = models.CharField(
        _("consent given by"), max_length=10, choices=ConsentBy.choices, blank=True
    )
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_evidence = models.CharField(
        _("where the signed consent is kept"), max_length=200, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(
                fields=["regency", "-registered_on", "-id"], name="case_regency_registered"
            ),
            models.Index(fields=["-registered_on", "-id"], name="case_registered"),
            # The list's "found" sort: keyset pages seek (regency, found_on, id) as the others.
            models.Index(fields=["regency", "-found_on", "-id"], name="case_regency_found"),
            models.Index(fields=["-found_on", "-id"], name="case_found"),
            models.Index(fields=["regency", "status"], name="case_regency_status"),
            models.Index(fields=["regency", "programme", "status"], name="case_regency_programme"),
            models.Index(fields=["person", "regency"], name="case_person_regency"),
        ]

    def __str__(self):
        return f"{self.category.code} · {self.person.name}"

    def clean(self):
        # Consent needs its proof (UU 27/2022 art. 24); a child's, the guardian's (art. 25).
        if self.legal_basis != LegalBasis.CONSENT:
            return
        errors = {}
        if not self.consent_by:
            errors["consent_by"] = _("Say who gave the consent.")
        if not self.consent_on:
            errors["consent_on"] = _("Give the date of the consent.")
        if not self.consent_evidence:
            errors["consent_evidence"] = _("Say where the signed consent is kept.")
        birth = self.person.birth_date if self.person_id else None
        on = self.consent_on or self.found_on
        if birth and on and self.consent_by == ConsentBy.SUBJECT:
            age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
            if age < ADULT_AGE:
                errors["consent_by"] = _("A child's consent is given by a parent or guardian.")
        if errors:
            raise ValidationError(errors)

    def writable_by(self, user) -> bool:
        return access.can_write_record(user, self.regency_id)


class CaseTransition(models.Model):
    """A change of a case's status: when, by whom, why. The workflow rules are in workflow.py."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    effective_on = models.DateField(_("date"))
    is_relapse = models.BooleanField(_("relapse"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.from_status or '-'} -> {self.to_status}"


class InterventionType(models.TextChoices):
    REHABILITATION = "rehabilitation", _("Social rehabilitation")
    REFERRAL_HOSPITAL = "referral_hospital", _("Referral to hospital")
    REFERRAL_PANTI = "referral_panti", _("Referral to panti or LKS")
    AID = "aid", _("Aid")
    TRAINING = "training", _("Training")
    REUNIFICATION = "reunification", _("Family reunification")
    RETURN_HOME = "return_home", _("Return to home region")
    SCHOOL = "school", _("Back to school")
    HEALTH_INSURANCE = "health_insurance", _("BPJS/KIS enrolment")
    COUNSELLING = "counselling", _("Counselling")
    OTHER = "other", _("Other")


class Intervention(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    date = models.DateField(_("date"))
    type = models.CharField(_("type"), max_length=30, choices=InterventionType.choices)
    provider = models.CharField(_("provider"), max_length=150, blank=True)
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self):
        return f"{self.get_type_display()} {self.date}"


class Attachment(PrivateFile):
    """A photo or document of a case, kept outside any public path (see attachments.py)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="cases/%Y/%m/")

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def regency_id(self) -> str:
        """The regency that owns the attachment: its case's (not a column of its own)."""
        return self.case.regency_id

    def writable_by(self, user) -> bool:
        return access.can_write_record(user, self.case.regency_id)


class ImportBatch(models.Model):
    """A spreadsheet of cases uploaded for import: checked first, then committed in one go."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked, waiting for confirmation")
        COMMITTING = "committing", _("Saving")
        COMMITTED = "committed", _("Saved")
        FAILED = "failed", _("Failed")

    # Empty for a province-wide file (#15): its rows are checked and saved as one part per
    # regency (`parent` set), and each part is that regency's batch.
    regency = regency_field(null=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("province-wide import"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    duplicate_rows = models.PositiveIntegerField(default=0)
    committed_rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The outbox (pmks_portal/jobs.py): when its task was last sent to the broker (empty: not
    # yet, e.g. while the broker was down), and when a worker holding it last said it lives.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("case import")
        verbose_name_plural = _("case imports")

    def __str__(self):
        return self.original_name

    def writable_by(self, user) -> bool:
        return access.can_import_into(user, self.regency_id)

    @property
    def is_province_wide(self) -> bool:
        return self.regency_id is None

    @property
    def waits_for_broker(self) -> bool:
        """Waiting for a worker, its task not yet handed over (the broker was down)."""
        waiting = (self.Status.UPLOADED, self.Status.COMMITTING)
        return self.status in waiting and self.enqueued_at is None and self.heartbeat_at is None
