"""Targets as data, the summary that dashboards and reports read, and the stored report runs.

* Targets: a national (or local) "free of ..." programme with its deadline and target value,
  the restatements that moved it (kept as history), a baseline per regency and yearly milestones.
* Summary: counts of cases by regency × month × district × category × programme × status
  (`CaseStock`, a snapshot of the registry as it stood in that month) and the month's events
  (`CaseFlow`: found, resolved, relapsed, closed, released, shackled again). Kept current by
  `reports.summary` and reconciled every night against a direct count.
* Report runs: one row per (scope, period), the source of truth for its Celery task
  (RELIABILITY.md §2.1).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import CaseStatus, Programme
from pmks_portal import access


class Indicator(models.TextChoices):
    """What a target counts. Each one is computed by reports.figures."""

    OPEN_CASES = "open_cases", _("Cases still open against the programme")
    KUBE_GROUPS = "kube_groups", _("KUBE groups registered")


# Targets that count something down to their value, and those that count up to it.
DECREASING = frozenset({Indicator.OPEN_CASES})


class Target(models.Model):
    """A target: the programme, what it counts, by when, down (or up) to which value."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    programme = models.CharField(
        _("programme"),
        max_length=32,
        choices=Programme.choices,
        blank=True,
        help_text=_("For targets that count open cases: the programme whose cases count."),
    )
    target_value = models.PositiveIntegerField(
        _("target value"), default=0, help_text=_("Zero for the 'free of' targets.")
    )
    deadline = models.DateField(_("deadline"))
    stated_on = models.DateField(_("stated on"), help_text=_("When this deadline was set."))
    basis = models.TextField(_("basis"), blank=True, help_text=_("Who set it, and where."))
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.indicator == Indicator.OPEN_CASES and not self.programme:
            raise ValidationError({"programme": _("Choose the programme whose cases count.")})
        if self.indicator != Indicator.OPEN_CASES and self.programme:
            raise ValidationError({"programme": _("Only targets on open cases have a programme.")})
        if self.deadline and self.stated_on and self.deadline <= self.stated_on:
            raise ValidationError({"deadline": _("The deadline must come after it was set.")})

    @property
    def decreasing(self) -> bool:
        return self.indicator in DECREASING


class TargetRestatement(models.Model):
    """A target moved to a new deadline or value; the old terms stay here as its history."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="restatements")
    old_deadline = models.DateField(_("old deadline"))
    old_target_value = models.PositiveIntegerField(_("old target value"))
    old_stated_on = models.DateField(_("old deadline set on"))
    new_deadline = models.DateField(_("new deadline"))
    new_target_value = models.PositiveIntegerField(_("new target value"))
    restated_on = models.DateField(_("restated on"))
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("target restatement")
        verbose_name_plural = _("target restatements")
        ordering = ["target", "restated_on", "id"]

    def __str__(self):
        return f"{self.target_id}: {self.old_deadline} -> {self.new_deadline}"


class TargetBaseline(models.Model):
    """Where a regency started: the count on a date, and where the figure comes from.

    Keyed by the regency's Kemendagri code rather than a foreign key, so that the national
    targets (a data migration) load before the region list does.
    """

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="baselines")
    regency_code = models.CharField(_("regency/city code"), max_length=13)
    value = models.PositiveIntegerField(_("baseline value"))
    on = models.DateField(_("baseline date"))
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["target", "regency_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "regency_code"], name="reports_baseline_one_per_regency"
            )
        ]

    def __str__(self):
        return f"{self.target_id} {self.regency_code}: {self.value} ({self.on})"


class TargetMilestone(models.Model):
    """How far along the way from baseline to target a regency should be at the end of a year."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("year"))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        help_text=_("Share of the way from the baseline to the target value by 31 December."),
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["target", "year"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year"], name="reports_milestone_one_a_year"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reports_milestone_progress_percent"
            ),
        ]

    def __str__(self):
        return f"{self.target_id} {self.year}: {self.progress}%"


# ---------------------------------------------------------------------------------------------
# The summary


class CaseStock(models.Model):
    """How many cases stood in each status in a month (the registry as at that month's end)."""

    month = models.DateField()  # the first day of the month
    regency = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    district = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, null=True, related_name="+", db_index=False
    )
    category = models.ForeignKey(
        "cases.Category", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    programme = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=20, choices=CaseStatus.choices)
    open_against_target = models.BooleanField()
    cases = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["month", "regency"], name="reports_stock_month_regency"),
            # The target series of the dashboards read only the rows of a programme.
            models.Index(
                fields=["month", "regency"],
                condition=~models.Q(programme=""),
                name="reports_stock_programmes",
            ),
        ]

    def __str__(self):
        return (
            f"{self.month:%Y-%m} {self.regency_id} {self.category_id} {self.status}: {self.cases}"
        )


class CaseFlow(models.Model):
    """What happened in a month: cases found, resolved, relapsed, closed; pasung releases."""

    month = models.DateField()
    regency = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    district = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, null=True, related_name="+", db_index=False
    )
    category = models.ForeignKey(
        "cases.Category", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    programme = models.CharField(max_length=32, blank=True)
    found = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    relapsed = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    released = models.PositiveIntegerField(default=0)
    reshackled = models.PositiveIntegerField(default=0)
    # Closures that took a case off its target's open count (for pasung: of a person still
    # restrained); the `closed` of the targets tables (reports.history).
    target_closed = models.PositiveIntegerField(default=0)
    # Timeliness (reports.history): cases registered in the month, and how many days after
    # they were found, as {days: cases} (366 and more counted as 366).
    registered = models.PositiveIntegerField(default=0)
    registered_delays = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["regency", "month"], name="reports_flow_regency_month"),
            models.Index(
                fields=["month", "regency"],
                condition=~models.Q(programme=""),
                name="reports_flow_programmes",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.regency_id} {self.category_id}: +{self.found}"


class SummaryState(models.Model):
    """How fresh the summary of one regency is: shown as "data as of" on every page."""

    regency = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    month = models.DateField(_("month of the current snapshot"))
    refreshed_at = models.DateTimeField(_("data as of"))
    reconciled_at = models.DateTimeField(_("last reconciled"), null=True, blank=True)
    mismatches = models.PositiveIntegerField(
        _("rows corrected at the last reconciliation"), default=0
    )
    # The months (YYYY-MM) whose stock was counted for this regency: a month absent here has no
    # snapshot (its remaining is estimated), a month present without rows counted zero cases.
    snapshot_months = models.JSONField(default=list)
    # Whether the stock was replayed from the recorded history (reports.history): then every
    # month is counted, from the first month of the regency's records (the first of
    # snapshot_months) on, and every month before it had no case.
    replayed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("summary state")
        verbose_name_plural = _("summary states")
        ordering = ["regency"]

    def __str__(self):
        return f"{self.regency_id} @ {self.refreshed_at:%Y-%m-%d %H:%M}"


class SummaryRun(models.Model):
    """One refresh or reconciliation of the summary: when, which regencies, what it corrected."""

    class Kind(models.TextChoices):
        REFRESH = "refresh", _("Refresh")
        RECONCILE = "reconcile", _("Reconciliation")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    regencies = models.JSONField(default=list)
    rows_changed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "-started_at"], name="reports_summaryrun_kind")]

    def __str__(self):
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------------------------------------
# Report runs


class ReportRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Runs of the regencies the user reads; province roll-ups only for province-wide users."""
        return access.scope_records(self, user, "regency")


class ReportRun(models.Model):
    """A report of one regency (or the province) for a period: its parameters, state and files."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being built")
        RETRYING = "retrying", _("Waiting to try again")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    regency = models.ForeignKey(
        "regions.Region",
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the province roll-up."),
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period = models.CharField(_("period"), max_length=10)  # 2026-10, 2026-Q4, 2026
    period_start = models.DateField()
    period_end = models.DateField()
    idempotency_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    builds = models.PositiveIntegerField(_("completed builds"), default=0)
    error = models.TextField(_("why it failed"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_via = models.CharField(
        _("requested through"),
        max_length=10,
        choices=[
            ("schedule", _("the monthly schedule")),
            ("user", _("a user")),
            ("command", _("the build_report command")),
        ],
        default="user",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    data_as_of = models.DateTimeField(_("data as of"), null=True, blank=True)
    pdf_file = models.CharField(max_length=255, blank=True)
    xlsx_file = models.CharField(max_length=255, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    content_sha256 = models.CharField(_("content hash"), max_length=64, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="reports_run_status"),
            models.Index(fields=["regency", "-requested_at"], name="reports_run_regency"),
        ]

    def __str__(self):
        return f"{self.regency_id or 'province'} {self.period}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_province(self) -> bool:
        return self.regency_id is None

    def writable_by(self, user) -> bool:
        """Whether the user may build this report again (the same rule as asking for it)."""
        from pmks_portal import access

        return access.may_request_report(user, self.regency_id)


class ReportVersion(models.Model):
    """An issued version of a report: its figures, files and hashes as they were issued, who
    asked for it, and what changed since the version before (reports.versions). Never changed
    once written; a rebuild whose figures changed issues the next version."""

    run = models.ForeignKey(ReportRun, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    issued_at = models.DateTimeField(_("issued at"))
    requested_via = models.CharField(_("requested through"), max_length=10)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    data_as_of = models.DateTimeField(_("data as of"), null=True, blank=True)
    content_sha256 = models.CharField(_("content hash"), max_length=64)
    pdf_file = models.CharField(max_length=255)
    xlsx_file = models.CharField(max_length=255)
    pdf_sha256 = models.CharField(max_length=64)
    xlsx_sha256 = models.CharField(max_length=64)
    figures = models.JSONField(default=dict)
    # [{"target", "figure", "before", "after"}] against the version before (empty for v1).
    changes = models.JSONField(default=list)
    # What the audit trail says was written since the version before, dated into the period.
    reasons = models.JSONField(default=list)

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["run", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="reports_version_unique")
        ]

    def __str__(self):
        return f"{self.run} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("An issued report version is never modified.")
        super().save(*args, **kwargs)


class RegencyOutline(models.Model):
    """A regency's boundary as the province map draws it: SVG path data, projected and
    simplified from an uploaded GeoJSON file (reports.maps). One upload replaces them all; the
    frame (width, height) is the upload's, shared by its outlines."""

    regency = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    path = models.TextField()
    label_x = models.FloatField()
    label_y = models.FloatField()
    frame_width = models.FloatField()
    frame_height = models.FloatField()
    source_name = models.CharField(_("file"), max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("regency outline")
        verbose_name_plural = _("regency outlines")
        ordering = ["regency"]

    def __str__(self):
        return f"{self.regency_id} ({self.source_name})"
