"""Pairs of person records that may be one person, waiting for an administrator's decision."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pmks_portal import access


class Rule(models.TextChoices):
    """Why a pair is suspected (issue #14, point 6)."""

    NIK_ONE_DIGIT = "nik_one_digit", _("NIKs one digit apart, same date of birth")
    SAME_KK = "same_kk", _("Same family card (KK), similar name")
    NAME_BIRTH_VILLAGE = "name_birth_village", _("Similar name, same date of birth and village")


class PairStatus(models.TextChoices):
    OPEN = "open", _("To be decided")
    MERGED = "merged", _("Merged")
    NOT_DUPLICATE = "not_duplicate", _("Not a duplicate")


class PairQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Those who may merge persons see the pairs both of whose persons they may read."""
        if not access.can(user, access.Capability.MERGE_PERSONS):
            return self.none()
        regency = access.regency_limit(user)
        if regency is None:
            return self
        return self.filter(first__regency_id=regency, second__regency_id=regency)

    def waiting(self):
        """Open pairs of two current records: a pair whose person was merged meanwhile (in
        another pair, or by number) has nothing left to decide."""
        return self.filter(
            status=PairStatus.OPEN,
            first__merged_into__isnull=True,
            second__merged_into__isnull=True,
        )

    def for_list(self):
        return self.select_related("first__regency", "second__regency")


class SuspectedPair(models.Model):
    """Two persons that may be one. Stored once per pair (`first` has the smaller id), so a
    pair decided "not a duplicate" is never suggested again."""

    first = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    rules = models.JSONField(_("why suspected"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=PairStatus.choices, default=PairStatus.OPEN
    )
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspected duplicate")
        verbose_name_plural = _("suspected duplicates")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="suspected_pair_once"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="suspected_pair_order"),
        ]
        indexes = [models.Index(fields=["status", "-found_at"], name="suspected_pair_status")]

    def __str__(self):
        return f"{self.first_id} ~ {self.second_id}"

    @property
    def regency_id(self) -> str:
        """The regency the pair is filed under (the first record's), as regency-owned records
        name theirs."""
        return self.first.regency_id

    @property
    def rule_labels(self) -> list[str]:
        return [Rule(rule).label for rule in self.rules if rule in Rule.values]

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MERGE_PERSONS)
