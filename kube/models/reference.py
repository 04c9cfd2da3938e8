"""KUBE reference data: business types and the province's KUBE rules."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


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
