"""KUBE (Kelompok Usaha Bersama): business groups of poor households, their members, grants,
monthly business reports, partners and stage (DOMAIN.md §2).

Money is a Decimal in Rupiah (two decimal places, as the ledgers write it). Months are stored as
the first day of the month. Who may see and change what is decided in pmks_portal/access.py:
a group belongs to its regency, exactly like a case.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from kube.querysets import KubeQuerySet, PartnerQuerySet
from pmks_portal import access

MONEY = {"max_digits": 15, "decimal_places": 2}
ZERO = Decimal("0")


class Stage(models.TextChoices):
    """The three-stage grading of DOMAIN.md §2.5 (unconfirmed there; scored in kube/scoring.py)."""

    TUMBUH = "tumbuh", _("Tumbuh (growing)")
    BERKEMBANG = "berkembang", _("Berkembang (developing)")
    MAJU = "maju", _("Maju/mandiri (advanced)")


class KubeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    GRADUATED = "graduated", _("Graduated (independent)")


class MemberRole(models.TextChoices):
    KETUA = "ketua", _("Chair (ketua)")
    SEKRETARIS = "sekretaris", _("Secretary (sekretaris)")
    BENDAHARA = "bendahara", _("Treasurer (bendahara)")
    ANGGOTA = "anggota", _("Member (anggota)")


class GrantSource(models.TextChoices):
    APBN = "apbn", _("APBN (central government)")
    APBD_PROVINCE = "apbd_province", _("APBD provinsi")
    APBD_REGENCY = "apbd_regency", _("APBD kabupaten/kota")
    CSR = "csr", _("CSR partner")
    OTHER = "other", _("Other")


class PartnerType(models.TextChoices):
    CSR = "csr", _("Company (CSR, Forum CSR)")
    UNIVERSITY = "university", _("University")
    LKS = "lks", _("Social welfare institution (LKS)")
    GOVERNMENT = "government", _("Government office")
    BANK = "bank", _("Bank or cooperative")
    OTHER = "other", _("Other")


class SupportKind(models.TextChoices):
    TRAINING = "training", _("Training")
    MARKET = "market", _("Market access")
    CAPITAL = "capital", _("Capital")
    EQUIPMENT = "equipment", _("Equipment")
    MENTORING = "mentoring", _("Mentoring")
    OTHER = "other", _("Other")


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


class BusinessType(models.Model):
    """A kind of business a KUBE runs (reference data, DOMAIN.md §2.4)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("Indonesian name"), max_length=120)
    name_en = models.CharField(_("English gloss"), max_length=120, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("business type")
        verbose_name_plural = _("business types")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class KubeRules(models.Model):
    """The rules administrators may change: group size, eligibility, reporting and stage scoring.

    One row (pk 1). The defaults, and why (none is confirmed by a public source, DOMAIN.md §2.5):

    * members 5–10 heads of family (Kalbar procedure, DOMAIN.md §2.2); age 18–59 (same source);
    * a monthly report is due by day 10 of the following month; later ones are flagged late;
    * the stage is scored on the latest 6 monthly reports (half a year of business), on five
      dimensions of 20 points each (DOMAIN.md §2.5 a–e):
        - organisation: meetings a month against a target of 1;
        - administration: share of reports with the books kept;
        - business: half for the share of profitable months, half for capital and assets against
          1.5 × the grants received (capital "clearly above the grant");
        - social: half for the share of months with IKS collected, half for IKS used at all;
        - partnership: active partners against a target of 2;
    * berkembang from 40 points with at least 3 reports; maju from 75 points with at least 6
      reports and capital at 1.5 × the grants or more.
    """

    min_members = models.PositiveSmallIntegerField(
        _("fewest members"), default=5, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    max_members = models.PositiveSmallIntegerField(
        _("most members"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    eligible_age_min = models.PositiveSmallIntegerField(
        _("youngest eligible age"), default=18, validators=[MaxValueValidator(120)]
    )
    eligible_age_max = models.PositiveSmallIntegerField(
        _("oldest eligible age"), default=59, validators=[MaxValueValidator(120)]
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("report due by day of the next month"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    score_window = models.PositiveSmallIntegerField(
        _("reports scored"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("The stage is scored on this many of the latest monthly reports."),
    )
    meetings_target = models.PositiveSmallIntegerField(
        _("meetings a month for full points"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    capital_ratio_target = models.DecimalField(
        _("capital against grants for full points"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.50"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Capital and assets divided by the grants received; 1.50 means 150%."),
    )
    partners_target = models.PositiveSmallIntegerField(
        _("active partners for full points"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    berkembang_min_score = models.PositiveSmallIntegerField(
        _("score for berkembang"), default=40, validators=[MaxValueValidator(100)]
    )
    berkembang_min_reports = models.PositiveSmallIntegerField(
        _("reports needed for berkembang"), default=3, validators=[MaxValueValidator(24)]
    )
    maju_min_score = models.PositiveSmallIntegerField(
        _("score for maju"), default=75, validators=[MaxValueValidator(100)]
    )
    maju_min_reports = models.PositiveSmallIntegerField(
        _("reports needed for maju"), default=6, validators=[MaxValueValidator(24)]
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("KUBE rules")
        verbose_name_plural = _("KUBE rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_members__lte=F("max_members")), name="kube_rules_members_range"
            ),
            models.CheckConstraint(
                condition=Q(eligible_age_min__lte=F("eligible_age_max")),
                name="kube_rules_age_range",
            ),
            models.CheckConstraint(
                condition=Q(berkembang_min_score__lte=F("maju_min_score")),
                name="kube_rules_score_order",
            ),
        ]

    def __str__(self):
        return str(_("KUBE rules"))

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.min_members > self.max_members:
            errors["max_members"] = _("The most members cannot be fewer than the fewest.")
        if self.eligible_age_min > self.eligible_age_max:
            errors["eligible_age_max"] = _("The oldest age cannot be below the youngest.")
        if self.berkembang_min_score > self.maju_min_score:
            errors["maju_min_score"] = _("Maju cannot need fewer points than berkembang.")
        if self.berkembang_min_reports > self.maju_min_reports:
            errors["maju_min_reports"] = _("Maju cannot need fewer reports than berkembang.")
        if self.maju_min_reports > self.score_window:
            errors["maju_min_reports"] = _("Maju cannot need more reports than are scored.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def current(cls) -> "KubeRules":
        """The rules in force; the defaults (unsaved) when the row is missing. Never writes."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class Kube(models.Model):
    """A KUBE: a group of 5–10 poor heads of family running one business with a group grant."""

    name = models.CharField(_("group name"), max_length=150)
    registration_number = models.CharField(
        _("registration number"),
        max_length=60,
        unique=True,
        help_text=_("Leave empty to have one given (KUBE/regency/year/number)."),
    )
    sk_number = models.CharField(_("decree (SK) number"), max_length=100, blank=True)
    sk_date = models.DateField(_("decree (SK) date"), null=True, blank=True)
    year_formed = models.PositiveSmallIntegerField(
        _("year formed"), validators=[MinValueValidator(1980), MaxValueValidator(2100)]
    )
    regency = models.ForeignKey(
        "regions.Region", verbose_name=_("regency/city"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "regions.Region",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    business_type = models.ForeignKey(
        BusinessType, verbose_name=_("business type"), on_delete=models.PROTECT, related_name="+"
    )
    business_description = models.CharField(
        _("business, in a few words"), max_length=200, blank=True
    )
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=30, blank=True)
    bank_account_name = models.CharField(_("account in the name of"), max_length=150, blank=True)
    pendamping_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("companion (portal user)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    pendamping_name = models.CharField(_("companion (name)"), max_length=150, blank=True)
    pendamping_phone = models.CharField(_("companion's phone"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=KubeStatus.choices, default=KubeStatus.ACTIVE
    )
    status_since = models.DateField(_("status since"))
    # The months for which a report is expected (DHIS2's "expected reports"): from the month the
    # group started reporting until the last month before it stopped being active.
    reporting_from = models.DateField(_("reports expected from"))
    reporting_until = models.DateField(_("reports expected until"), null=True, blank=True)
    last_report_month = models.DateField(_("latest report"), null=True, blank=True)
    computed_stage = models.CharField(
        _("computed stage"), max_length=20, choices=Stage.choices, default=Stage.TUMBUH
    )
    stage_score = models.PositiveSmallIntegerField(_("stage score"), default=0)
    stage_breakdown = models.JSONField(_("score breakdown"), default=dict, blank=True)
    stage_override = models.CharField(
        _("stage set by hand"), max_length=20, choices=Stage.choices, blank=True
    )
    stage_override_reason = models.TextField(_("why the stage was set by hand"), blank=True)
    # The stage in force: the hand-set one when there is one, else the computed one.
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.TUMBUH)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KubeQuerySet.as_manager()

    class Meta:
        verbose_name = _("KUBE")
        verbose_name_plural = _("KUBE")
        indexes = [
            models.Index(fields=["regency", "name", "id"], name="kube_regency_name"),
            models.Index(fields=["name", "id"], name="kube_name"),
            models.Index(fields=["regency", "status", "stage"], name="kube_regency_status_stage"),
            models.Index(fields=["reporting_from", "reporting_until"], name="kube_reporting"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reporting_until__isnull=True)
                | Q(reporting_until__gte=F("reporting_from")),
                name="kube_reporting_period_order",
            ),
            models.CheckConstraint(
                condition=Q(stage=F("stage_override"))
                | (Q(stage_override="") & Q(stage=F("computed_stage"))),
                name="kube_stage_is_override_or_computed",
            ),
        ]

    def __str__(self):
        return self.name

    def writable_by(self, user) -> bool:
        return access.can_write_record(user, self.regency_id)

    @property
    def is_active(self) -> bool:
        return self.status == KubeStatus.ACTIVE

    @property
    def pendamping(self) -> str:
        if self.pendamping_user_id:
            return str(self.pendamping_user)
        return self.pendamping_name

    def expects_report_for(self, month: date) -> bool:
        return self.reporting_from <= month and (
            self.reporting_until is None or month <= self.reporting_until
        )


class KubeStatusChange(models.Model):
    """Active, inactive or graduated since when, by whom and why."""

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=KubeStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=KubeStatus.choices)
    effective_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]

    def __str__(self):
        return f"{self.from_status or '-'} -> {self.to_status}"


class KubeMember(models.Model):
    """A head of family in a group: a person of the registry, with a role and dates.

    `is_current` is true while the member has not left and the group is active. The database
    holds a person to one current membership, i.e. to at most one active KUBE.
    """

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="kube_memberships",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.ANGGOTA
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("why they left"), max_length=255, blank=True)
    is_current = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("KUBE member")
        verbose_name_plural = _("KUBE members")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_current=True),
                name="kube_member_one_active_kube",
                violation_error_message=_("This person is already a member of an active KUBE."),
            ),
            models.UniqueConstraint(
                fields=["kube"],
                condition=Q(role="ketua", left_on__isnull=True),
                name="kube_member_one_ketua",
                violation_error_message=_("The group already has a chair (ketua)."),
            ),
            models.UniqueConstraint(
                fields=["kube", "person"],
                condition=Q(left_on__isnull=True),
                name="kube_member_once_per_group",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(left_on__isnull=True),
                name="kube_member_current_has_not_left",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="kube_member_left_after_joining",
            ),
        ]
        indexes = [models.Index(fields=["kube", "left_on"], name="kube_member_kube_left")]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"

    @property
    def has_left(self) -> bool:
        return self.left_on is not None


class Partner(models.Model):
    """An organisation that supports KUBE: a company (Forum CSR), a university, an LKS, ...

    The directory is province-wide: partners work across regencies, and names of organisations
    are not personal data. Links to groups (KubePartnership) belong to the group's regency.
    """

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=PartnerType.choices)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="kube_partner_unique_name",
                violation_error_message=_("A partner with this name exists already."),
            )
        ]

    def __str__(self):
        return self.name

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MANAGE_REFERENCE)


class KubePartnership(models.Model):
    """What a partner gives a group (kemitraan), from when until when."""

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="partnerships")
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="partnerships"
    )
    supports = models.JSONField(_("what they give"), default=list)
    value = models.DecimalField(_("value (Rp)"), null=True, blank=True, **MONEY)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kube", "partner"],
                condition=Q(ended_on__isnull=True),
                name="kube_partnership_once_open",
                violation_error_message=_("This partner is already linked to the group."),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="kube_partnership_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="kube_partnership_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.partner} → {self.kube}"

    def support_labels(self) -> list[str]:
        labels = dict(SupportKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.supports]

    def is_active_on(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


class KubeGrant(models.Model):
    """A grant (bantuan stimulan / UEP) to the group: a group asset, not an individual one."""

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="grants")
    source = models.CharField(_("source"), max_length=20, choices=GrantSource.choices)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("CSR partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    amount = models.DecimalField(_("amount (Rp)"), **MONEY)
    granted_on = models.DateField(_("date"))
    reference = models.CharField(_("decree or letter number"), max_length=150, blank=True)
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["granted_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="kube_grant_amount_positive")
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.amount}"


class GrantDisbursement(models.Model):
    """One stage (tahap) of a grant's payment into the group's account."""

    grant = models.ForeignKey(KubeGrant, on_delete=models.CASCADE, related_name="disbursements")
    number = models.PositiveSmallIntegerField(_("stage"))
    amount = models.DecimalField(_("amount (Rp)"), **MONEY)
    disbursed_on = models.DateField(_("paid on"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="kube_disbursement_number"),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="kube_disbursement_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.number}: {self.amount}"


REPORT_MONEY_FIELDS = ["revenue", "costs", "capital", "iks_collected", "iks_used"]
REPORT_FIELDS = [
    *REPORT_MONEY_FIELDS,
    "profit",
    "meetings_held",
    "bookkeeping_kept",
    "problems",
    "pendamping_notes",
]


class KubeReport(models.Model):
    """A group's business in one month. One per group and month; a correction keeps the old
    values in KubeReportRevision and in the audit trail."""

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(_("month"))
    revenue = models.DecimalField(_("revenue (omzet)"), **MONEY)
    costs = models.DecimalField(_("costs"), **MONEY)
    # Revenue minus costs, kept so that sums and charts need no arithmetic; negative is a loss.
    profit = models.DecimalField(_("profit"), **MONEY)
    capital = models.DecimalField(_("capital and assets"), **MONEY)
    iks_collected = models.DecimalField(_("IKS collected"), default=ZERO, **MONEY)
    iks_used = models.DecimalField(_("IKS used"), default=ZERO, **MONEY)
    meetings_held = models.PositiveSmallIntegerField(
        _("meetings held"), default=0, validators=[MaxValueValidator(31)]
    )
    bookkeeping_kept = models.BooleanField(_("books kept"), default=False)
    problems = models.TextField(_("problems"), blank=True)
    pendamping_notes = models.TextField(_("companion's notes"), blank=True)
    received_on = models.DateField(_("received on"))
    is_late = models.BooleanField(_("late"), default=False)
    version = models.PositiveIntegerField(default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["kube", "month"],
                name="kube_report_one_per_month",
                violation_error_message=_("There is a report for this month already."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 0}), name=f"kube_report_{field}_not_negative"
                )
                for field in REPORT_MONEY_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(profit=F("revenue") - F("costs")), name="kube_report_profit_sum"
            ),
        ]
        indexes = [models.Index(fields=["month", "kube"], name="kube_report_month")]

    def __str__(self):
        return f"{self.kube_id} {self.month:%Y-%m}"

    def values(self) -> dict:
        """The reported figures, as plain text and numbers (for revisions and the audit trail)."""
        return {field: _plain(getattr(self, field)) for field in REPORT_FIELDS}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


class KubeReportRevision(models.Model):
    """The values of a report before a correction, who corrected it and why."""

    report = models.ForeignKey(KubeReport, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    values = models.JSONField(_("values before the correction"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="kube_report_revision")
        ]

    def __str__(self):
        return f"{self.report} r{self.number}"


class StageChangeSource(models.TextChoices):
    COMPUTED = "computed", _("computed")
    OVERRIDE = "override", _("set by hand")
    OVERRIDE_CLEARED = "override_cleared", _("hand-set stage removed")


class KubeStageChange(models.Model):
    """Every change of a group's stage: computed from its indicators, or set by hand (with why)."""

    kube = models.ForeignKey(Kube, on_delete=models.CASCADE, related_name="stage_changes")
    source = models.CharField(max_length=20, choices=StageChangeSource.choices)
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.from_stage or '-'} -> {self.to_stage}"
