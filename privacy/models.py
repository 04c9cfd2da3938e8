"""Records of the data-protection duties (UU 27/2022): retention, legal holds, what the
nightly pseudonymisation did."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmks_portal import access


class RetentionRule(models.Model):
    """How long after its cases end a person of this category is kept identifiable.

    A category without a rule keeps the default of privacy/retention_defaults.py."""

    category = models.OneToOneField(
        "cases.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="retention_rule",
    )
    years = models.PositiveSmallIntegerField(_("years after the case ends"))
    reason = models.TextField(_("reason"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self):
        return f"{self.category_id}: {self.years}"


class LegalHoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """A person (or one of their cases) that must be kept as it is: a court case, an
    investigation, an audit. While active, retention does not touch the person."""

    person = models.ForeignKey(
        "cases.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at", "-id"]

    def __str__(self):
        return f"hold {self.pk} on person {self.person_id}"


class RetentionRun(models.Model):
    """One pass of the retention job: what it found and what it changed (ids and counts only)."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField(_("judged on"))
    dry_run = models.BooleanField(default=False)
    persons = models.PositiveIntegerField(_("persons pseudonymised"), default=0)
    held = models.PositiveIntegerField(_("persons kept under a legal hold"), default=0)
    attachments = models.PositiveIntegerField(_("attachments deleted"), default=0)
    audit_events = models.PositiveIntegerField(_("audit events rewritten"), default=0)
    person_ids = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"retention {self.as_of}"


class Pseudonymised(models.Model):
    """A person whose identifying data retention replaced: never processed twice."""

    person = models.OneToOneField(
        "cases.Person", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pseudonymised person")
        verbose_name_plural = _("pseudonymised persons")

    def __str__(self):
        return str(self.person_id)


# ---------------------------------------------------------------------------------------------
# Data subjects' requests (UU 27/2022 arts. 32-33: access and the processing history within
# 3 × 24 hours; correction)

ANSWER_WITHIN = timedelta(hours=72)


class SubjectRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not access.can(user, access.Capability.HANDLE_SUBJECT_REQUESTS):
            return self.none()
        return access.scope_records(self, user, "regency")

    def open(self):
        return self.filter(answered_at__isnull=True)


class SubjectRequest(models.Model):
    """A person asked what the portal holds about them (or to correct it); answered within
    3 × 24 hours of the request."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access to the data and its history")
        CORRECTION = "correction", _("Correction")

    person = models.ForeignKey(
        "cases.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    # The person's regency when the request came: whose staff may answer it.
    regency = models.ForeignKey(
        "regions.Region", verbose_name=_("regency/city"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("request"), max_length=16, choices=Kind.choices, default=Kind.ACCESS)
    requested_at = models.DateTimeField(_("asked at"))
    notes = models.TextField(_("how it came, what was asked"), blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    logged_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SubjectRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("subject request")
        verbose_name_plural = _("subject requests")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["regency", "-requested_at"], name="subject_request_regency")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def deadline(self):
        return self.requested_at + ANSWER_WITHIN

    def writable_by(self, user) -> bool:
        return access.can_handle_subject_request(user, self.regency_id)


class SubjectExport(models.Model):
    """One production of a subject's file: who made it, when, in what form, how long it took."""

    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=8)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(_("seconds to produce"))
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.format} {self.at}"


class SubjectCorrection(models.Model):
    """A field of a person changed because the subject asked: the old and new value, by whom."""

    request = models.ForeignKey(
        SubjectRequest, on_delete=models.PROTECT, related_name="corrections"
    )
    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(_("field"), max_length=40)
    old_value = models.TextField(_("was"), blank=True)
    new_value = models.TextField(_("now"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return self.field


# ---------------------------------------------------------------------------------------------
# Breaches (art. 46: written notice to the subjects and the authority within 3 × 24 hours)


class BreachQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not access.can(user, access.Capability.MANAGE_PRIVACY):
            return self.none()
        return self


class Breach(models.Model):
    """A suspected or confirmed failure of personal data protection."""

    found_at = models.DateTimeField(_("found at"))
    description = models.TextField(_("what happened"))
    subjects_affected = models.PositiveIntegerField(_("subjects affected (estimate)"))
    data_categories = models.TextField(_("categories of data"))
    handling = models.TextField(_("handling and recovery"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = BreachQuerySet.as_manager()

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        ordering = ["-found_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.found_at:%Y-%m-%d}"

    @property
    def deadline(self):
        return self.found_at + ANSWER_WITHIN

    def notified_at(self, recipient: str):
        """When the first notice to the recipient went out (from prefetched notifications)."""
        return min(
            (n.sent_at for n in self.notifications.all() if n.recipient == recipient),
            default=None,
        )

    @property
    def authority_notified_at(self):
        return self.notified_at(BreachNotification.Recipient.AUTHORITY)

    @property
    def subjects_notified_at(self):
        return self.notified_at(BreachNotification.Recipient.SUBJECTS)

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MANAGE_PRIVACY)


class BreachNotification(models.Model):
    class Recipient(models.TextChoices):
        AUTHORITY = "authority", _("The personal data protection authority")
        SUBJECTS = "subjects", _("The data subjects")
        PUBLIC = "public", _("The public")

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.CharField(_("to"), max_length=16, choices=Recipient.choices)
    sent_at = models.DateTimeField(_("sent at"))
    means = models.CharField(_("how (letter, e-mail...)"), max_length=150)
    content = models.TextField(_("what it said"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self):
        return f"{self.get_recipient_display()} {self.sent_at}"


# ---------------------------------------------------------------------------------------------
# The register of processing activities (art. 31)


class ProcessingActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not access.can(user, access.Capability.MANAGE_PRIVACY):
            return self.none()
        return self


class ProcessingActivity(models.Model):
    name = models.CharField(_("activity"), max_length=150)
    purpose = models.TextField(_("purpose"))
    legal_basis = models.TextField(_("legal basis"))
    data_categories = models.TextField(_("categories of personal data"))
    subject_categories = models.TextField(_("categories of data subjects"))
    recipients = models.TextField(_("recipients"), blank=True)
    retention = models.TextField(_("retention"))
    safeguards = models.TextField(_("security measures"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProcessingActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MANAGE_PRIVACY)


# ---------------------------------------------------------------------------------------------
# Referrals to other agencies: what was shared with whom


class Referral(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    agency = models.CharField(_("agency"), max_length=200)
    shared = models.TextField(_("data shared"))
    purpose = models.CharField(_("purpose"), max_length=255)
    shared_on = models.DateField(_("shared on"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-shared_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self):
        return self.agency
