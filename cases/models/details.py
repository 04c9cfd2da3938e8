"""The programme-specific side of a case (DOMAIN.md §3.2-3.4): pasung, street children and the
'free of prostitution' programme, each a one-to-one record beside the case."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.records import Case


class RestraintForm(models.TextChoices):
    CHAIN = "chain", _("Chained")
    STOCKS = "stocks", _("Wooden stocks (balok)")
    LOCKED_ROOM = "locked_room", _("Locked room or cage")
    OTHER = "other", _("Other")


class PasungStatus(models.TextChoices):
    RESTRAINED = "restrained", _("Still restrained")
    IN_TREATMENT = "in_treatment", _("In treatment")
    RELEASED = "released", _("Released")
    DIED = "died", _("Died")


class HealthCover(models.TextChoices):
    NONE = "none", _("None")
    BPJS_PBI = "bpjs_pbi", _("BPJS PBI")
    KIS = "kis", _("KIS")
    BPJS_OTHER = "bpjs_other", _("BPJS (other)")


class PasungDetail(models.Model):
    """The shackling (pasung) side of a case (DOMAIN.md §3.2)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="pasung")
    pasung_status = models.CharField(
        _("pasung status"),
        max_length=20,
        choices=PasungStatus.choices,
        default=PasungStatus.RESTRAINED,
    )
    restraint_form = models.CharField(
        _("form of restraint"), max_length=20, choices=RestraintForm.choices
    )
    restrained_since = models.DateField(_("restrained since"), null=True, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    release_team = models.CharField(_("release team"), max_length=150, blank=True)
    facility = models.CharField(_("treatment facility"), max_length=150, blank=True)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    health_cover = models.CharField(
        _("BPJS/KIS"), max_length=20, choices=HealthCover.choices, default=HealthCover.NONE
    )
    returned_to_family_on = models.DateField(_("returned to family on"), null=True, blank=True)

    class Meta:
        verbose_name = _("pasung details")
        verbose_name_plural = _("pasung details")

    def __str__(self):
        return self.get_pasung_status_display()


class PasungEvent(models.Model):
    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("Follow-up visit")
        RESHACKLED = "reshackled", _("Shackled again")

    detail = models.ForeignKey(PasungDetail, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    takes_medication = models.BooleanField(_("takes medication"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"


class StreetActivity(models.TextChoices):
    VENDING = "vending", _("Street vending (asongan)")
    BUSKING = "busking", _("Busking (pengamen)")
    BEGGING = "begging", _("Begging")
    SHOE_SHINE = "shoe_shine", _("Shoe shine")
    SCAVENGING = "scavenging", _("Scavenging")
    PARKING = "parking", _("Informal parking")
    OTHER = "other", _("Other")


class SchoolStatus(models.TextChoices):
    IN_SCHOOL = "in_school", _("In school")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    NEVER = "never", _("Never in school")
    UNKNOWN = "unknown", _("Unknown")


class FamilyStatus(models.TextChoices):
    BOTH_PARENTS = "both_parents", _("Lives with both parents")
    ONE_PARENT = "one_parent", _("Lives with one parent")
    RELATIVES = "relatives", _("Lives with relatives")
    NO_FAMILY = "no_family", _("No family contact")
    UNKNOWN = "unknown", _("Unknown")


class StreetHandling(models.TextChoices):
    OUTREACH = "outreach", _("Outreach only")
    RUMAH_SINGGAH = "rumah_singgah", _("Rumah singgah (shelter)")
    REUNIFIED = "reunified", _("Reunified with family")
    BACK_TO_SCHOOL = "back_to_school", _("Back to school")
    LKSA = "lksa", _("LKSA placement")


class StreetChildDetail(models.Model):
    """The street-child side of a case (DOMAIN.md §3.3)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="street_child")
    location_found = models.CharField(_("where found"), max_length=200)
    activity = models.CharField(_("activity"), max_length=20, choices=StreetActivity.choices)
    hours_per_day = models.PositiveSmallIntegerField(
        _("hours a day on the street"), null=True, blank=True
    )
    school_status = models.CharField(
        _("school"), max_length=20, choices=SchoolStatus.choices, default=SchoolStatus.UNKNOWN
    )
    family_status = models.CharField(
        _("family"), max_length=20, choices=FamilyStatus.choices, default=FamilyStatus.UNKNOWN
    )
    handling = models.CharField(
        _("handling"),
        max_length=20,
        choices=StreetHandling.choices,
        default=StreetHandling.OUTREACH,
    )
    encounter_count = models.PositiveSmallIntegerField(_("times encountered"), default=1)

    class Meta:
        verbose_name = _("street-child details")
        verbose_name_plural = _("street-child details")

    def __str__(self):
        return self.get_handling_display()


class FirstContact(models.TextChoices):
    """How a person of the 'free of prostitution' programme first met the social service."""

    OUTREACH = "outreach", _("Outreach by social workers")
    OWN_REQUEST = "own_request", _("Asked for help themselves")
    REFERRAL = "referral", _("Referred by another agency or a family")
    JOINT_OPERATION = "joint_operation", _("Joint operation with Satpol PP")
    OTHER = "other", _("Other")


class SexWorkDetail(models.Model):
    """The 'free of prostitution' side of a case (DOMAIN.md §3.4): how the person was met, the
    shelter and skills programme that support them, and their return to their family. The
    words are about the support given, never a label put on the person."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="sex_work")
    location_found = models.CharField(_("where met"), max_length=200, blank=True)
    first_contact = models.CharField(
        _("first contact"), max_length=20, choices=FirstContact.choices, blank=True
    )
    former_lokalisasi = models.CharField(_("former lokalisasi area"), max_length=150, blank=True)
    shelter = models.CharField(_("shelter (panti or safe house)"), max_length=150, blank=True)
    sheltered_on = models.DateField(_("in the shelter since"), null=True, blank=True)
    exit_programme = models.CharField(_("support programme"), max_length=150, blank=True)
    training = models.CharField(_("skills programme"), max_length=150, blank=True)
    uep_grant = models.DecimalField(
        _("UEP grant (Rp)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    home_region = models.CharField(_("family's home region"), max_length=150, blank=True)
    returned_home_on = models.DateField(_("returned to the family on"), null=True, blank=True)

    class Meta:
        verbose_name = _("support details (free of prostitution)")
        verbose_name_plural = _("support details (free of prostitution)")

    def __str__(self):
        return self.shelter or self.former_lokalisasi or str(self.case_id)
