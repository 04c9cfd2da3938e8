"""Records of the data-protection duties (UU 27/2022): retention, legal holds, what the
nightly pseudonymisation did."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
