"""A group's members (persons of the registry) and their roles."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kube.models.choices import MemberRole
from kube.models.groups import Kube


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
