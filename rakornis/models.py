"""Coordination meetings (Rakornis, Rakor, Rakortek) and what comes out of them (DOMAIN.md §8).

A meeting has agenda sessions, documents (materials, minutes), participants and their attendance
per day. Its recommendations (rumusan) name one or several responsible regencies, or a unit of the
provincial office; each of them gets its own follow-up, which only that regency's staff (or, for
the provincial unit, the provincial officers) update. An action item may name an indicator from
the case registry, whose value before and after is compared in outcomes.py.

Who may read or write is decided in pmks_portal/access.py: meetings and their recommendations are
province-wide records any reader sees; a follow-up belongs to its regency.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Programme
from pmks_portal import access
from pmks_portal.private_files.models import PrivateFile
from rakornis.querysets import (
    DocumentQuerySet,
    EvidenceQuerySet,
    FollowUpQuerySet,
    MeetingQuerySet,
    MeetingRecordQuerySet,
    ParticipantQuerySet,
    RecommendationQuerySet,
)

# The window before the meeting and after the due date over which an indicator is compared.
DEFAULT_WINDOW_DAYS = 90


class MeetingType(models.TextChoices):
    RAKORNIS = "rakornis", _("Rakornis (technical coordination meeting)")
    RAKOR = "rakor", _("Rakor (coordination meeting)")
    RAKORTEK = "rakortek", _("Rakortek (technical meeting)")
    OTHER = "other", _("Other meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CLOSED = "closed", _("Closed")


class Meeting(models.Model):
    """One coordination meeting, over one or several consecutive days."""

    type = models.CharField(
        _("type"), max_length=16, choices=MeetingType.choices, default=MeetingType.RAKORNIS
    )
    title = models.CharField(_("title"), max_length=255)
    theme = models.TextField(_("theme"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    edition = models.PositiveSmallIntegerField(
        _("edition"), null=True, blank=True, help_text=_("The meeting's number in its series.")
    )
    host_regency = models.ForeignKey(
        "regions.Region",
        verbose_name=_("host regency/city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the provincial office hosts it."),
    )
    venue = models.CharField(_("venue"), max_length=255)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    organiser = models.CharField(
        _("organiser"), max_length=200, help_text=_("The division (bidang) that organises it.")
    )
    opened_by = models.CharField(_("opened by"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="meeting_ends_after_it_starts",
                violation_error_message=_("The last day cannot come before the first day."),
            ),
        ]
        indexes = [models.Index(fields=["-starts_on", "-id"], name="meeting_starts")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot come before the first day.")})

    @property
    def days(self) -> list[date]:
        """Every day of the meeting, first to last."""
        return [
            self.starts_on + timedelta(days=n)
            for n in range((self.ends_on - self.starts_on).days + 1)
        ]

    def is_meeting_day(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MANAGE_MEETINGS)


class AgendaSession(models.Model):
    """One item of the agenda: when, who speaks, about what."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=255)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    speaker_institution = models.CharField(_("speaker's institution"), max_length=200, blank=True)

    objects = MeetingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda session")
        verbose_name_plural = _("agenda sessions")
        ordering = ["day", "starts_at", "id"]

    def __str__(self):
        return self.title

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MANAGE_MEETINGS)


class DocumentKind(models.TextChoices):
    MATERIAL = "material", _("Session material")
    MINUTES = "minutes", _("Minutes (notulen)")
    DECREE = "decree", _("Decree (SK)")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other document")


class MeetingDocument(PrivateFile):
    """A file of a meeting: a session's material, the minutes, a decree, a photo.

    Stored under MEDIA_ROOT with a random name and served only through a scoped view.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    session = models.ForeignKey(
        AgendaSession,
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    file = models.FileField(upload_to="rakornis/%Y/%m/")

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["kind", "-uploaded_at", "-id"]

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MANAGE_MEETINGS)


class InstitutionType(models.TextChoices):
    REGENCY_DINSOS = "regency_dinsos", _("Social service (Dinsos) of a regency/city")
    PROVINCIAL_OFFICE = "provincial_office", _("Provincial social service (Dinsos Provinsi)")
    GOVERNMENT = "government", _("Other government office (OPD, ministry)")
    CSR_FORUM = "csr_forum", _("CSR forum or company")
    UNIVERSITY = "university", _("University")
    LKS = "lks", _("Social welfare institution (LKS)")
    OTHER = "other", _("Other")


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    SPEAKER = "speaker", _("Speaker")
    MODERATOR = "moderator", _("Moderator")
    COMMITTEE = "committee", _("Committee (panitia)")
    GUEST = "guest", _("Guest")


def name_key(text: str) -> str:
    """A name or institution as compared for duplicates: case and spacing ignored."""
    return " ".join(str(text or "").casefold().split())


class Participant(models.Model):
    """Someone invited to (or walking into) a meeting; present on the days with an attendance."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    institution = models.CharField(_("institution"), max_length=200)
    institution_type = models.CharField(
        _("type of institution"), max_length=24, choices=InstitutionType.choices
    )
    regency = models.ForeignKey(
        "regions.Region",
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the province and for institutions of no one regency."),
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=ParticipantRole.choices,
        default=ParticipantRole.PARTICIPANT,
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    invited = models.BooleanField(
        _("invited"), default=True, help_text=_("Off for someone registered at the door.")
    )
    # Name and institution as compared for duplicates (name_key), kept unique per meeting.
    dedupe_key = models.CharField(max_length=360, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "dedupe_key"],
                name="participant_once_per_meeting",
                violation_error_message=_(
                    "This person of this institution is already a participant."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.dedupe_key = self.key_for(self.name, self.institution)
        super().save(*args, **kwargs)

    @staticmethod
    def key_for(name: str, institution: str) -> str:
        return f"{name_key(name)}|{name_key(institution)}"[:360]

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MANAGE_MEETINGS)


class AttendanceSource(models.TextChoices):
    DOOR = "door", _("At the door")
    LIST = "list", _("From the list")
    IMPORT = "import", _("Imported")


class Attendance(models.Model):
    """A participant was present on one day of the meeting."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendances"
    )
    day = models.DateField(_("day"))
    source = models.CharField(
        _("recorded"), max_length=8, choices=AttendanceSource.choices, default=AttendanceSource.LIST
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "day"], name="attendance_once_a_day"),
        ]

    def __str__(self):
        return f"{self.participant} {self.day}"


class RecommendationCategory(models.TextChoices):
    PMKS = "pmks", _("PMKS (general)")
    STREET_CHILDREN = "street_children", _("Street children (anjal)")
    PASUNG = "pasung", _("Shackling (pasung)")
    PROSTITUTION = "prostitution", _("Prostitution (lokalisasi)")
    KUBE = "kube", _("KUBE")
    DATA = "data", _("Data")
    OTHER = "other", _("Other")


class Indicator(models.TextChoices):
    """What an action item should move, counted from the case registry (outcomes.py)."""

    NEW_CASES = "new_cases", _("New cases found")
    RESOLVED = "resolved", _("Cases resolved (pasung: persons released)")
    OPEN_AGAINST_TARGET = "open_against_target", _("Cases still open against the target")


class Direction(models.TextChoices):
    INCREASE = "increase", _("should go up")
    DECREASE = "decrease", _("should go down")


# The direction each indicator is expected to move when a decision works.
NATURAL_DIRECTION = {
    Indicator.NEW_CASES: Direction.INCREASE,  # outreach finds the people not yet registered
    Indicator.RESOLVED: Direction.INCREASE,
    Indicator.OPEN_AGAINST_TARGET: Direction.DECREASE,
}


class Recommendation(models.Model):
    """One formulated conclusion (rumusan) of a meeting: an action item with a due date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("recommendation"))
    category = models.CharField(
        _("category"), max_length=16, choices=RecommendationCategory.choices
    )
    due_on = models.DateField(_("due date"))
    provincial_unit = models.CharField(
        _("responsible unit of the provincial office"),
        max_length=200,
        blank=True,
        help_text=_("A division of the provincial office that must act too (gets a follow-up)."),
    )
    indicator = models.CharField(
        _("indicator it should move"), max_length=24, choices=Indicator.choices, blank=True
    )
    indicator_programme = models.CharField(
        _("for the target"),
        max_length=32,
        choices=Programme.choices,
        blank=True,
        help_text=_("Empty: cases of every PMKS category."),
    )
    direction = models.CharField(
        _("a success means the indicator"),
        max_length=8,
        choices=Direction.choices,
        blank=True,
        help_text=_("Empty: the usual direction for the indicator."),
    )
    window_before_days = models.PositiveSmallIntegerField(
        _("days before the meeting to compare"), default=DEFAULT_WINDOW_DAYS
    )
    window_after_days = models.PositiveSmallIntegerField(
        _("days after the due date to compare"), default=DEFAULT_WINDOW_DAYS
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["meeting", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="recommendation_number_per_meeting"
            ),
            models.CheckConstraint(
                condition=Q(window_before_days__gte=1, window_before_days__lte=730)
                & Q(window_after_days__gte=1, window_after_days__lte=730),
                name="recommendation_windows_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"

    @property
    def indicator_label(self) -> str:
        """The indicator and its target, as a line of text ("" without an indicator)."""
        if not self.indicator:
            return ""
        target = (
            self.get_indicator_programme_display()
            if self.indicator_programme
            else _("all PMKS categories")
        )
        return f"{self.get_indicator_display()} · {target}"

    @property
    def effective_direction(self) -> str:
        return self.direction or NATURAL_DIRECTION.get(self.indicator, Direction.INCREASE)

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MANAGE_MEETINGS)


class FollowUpStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_FOLLOW_UP = (FollowUpStatus.NOT_STARTED, FollowUpStatus.IN_PROGRESS)


class FollowUp(models.Model):
    """What one responsible regency (or the provincial unit, regency empty) does about one item."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="follow_ups"
    )
    regency = models.ForeignKey(
        "regions.Region",
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the responsible unit of the provincial office."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.NOT_STARTED,
    )
    # The recommendation's due date, copied so that lists sort and filter on an indexed column.
    due_on = models.DateField(_("due date"))
    summary = models.TextField(_("what was done"), blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    last_update_on = models.DateField(_("last update"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "regency"],
                condition=Q(regency__isnull=False),
                name="follow_up_once_per_regency",
            ),
            models.UniqueConstraint(
                fields=["recommendation"],
                condition=Q(regency__isnull=True),
                name="follow_up_once_for_the_province",
            ),
        ]
        indexes = [
            models.Index(fields=["regency", "status", "due_on"], name="follow_up_regency_due"),
            models.Index(fields=["status", "due_on"], name="follow_up_status_due"),
            # The follow-up list's keyset pages, earliest due first: "open" is two statuses,
            # which the indexes above cannot return in due order without sorting.
            models.Index(fields=["regency", "due_on", "id"], name="follow_up_regency_due_id"),
            models.Index(fields=["due_on", "id"], name="follow_up_due_id"),
        ]

    def __str__(self):
        return f"{self.recommendation} · {self.responsible_name}"

    @property
    def responsible_name(self) -> str:
        if self.regency_id:
            return self.regency.name
        return self.recommendation.provincial_unit or str(_("Provincial office"))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_FOLLOW_UP

    def is_overdue(self, on: date | None = None) -> bool:
        return self.is_open and self.due_on < (on or timezone.localdate())

    def writable_by(self, user) -> bool:
        # A regency's follow-up is its staff's to update; the provincial unit's is the province's.
        if self.regency_id:
            return access.can_write_record(user, self.regency_id)
        return access.can(user, access.Capability.MANAGE_MEETINGS)


class FollowUpUpdate(models.Model):
    """One report on a follow-up: the status it reached, what was done, on which date."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=16, choices=FollowUpStatus.choices)
    previous_status = models.CharField(max_length=16, choices=FollowUpStatus.choices)
    note = models.TextField(_("what was done"))
    happened_on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up update")
        verbose_name_plural = _("follow-up updates")
        ordering = ["-happened_on", "-id"]
        indexes = [
            models.Index(fields=["follow_up", "happened_on", "id"], name="follow_up_update_date")
        ]

    def __str__(self):
        return f"{self.get_status_display()} {self.happened_on}"


class Evidence(PrivateFile):
    """A file that shows what was done (a report, a photo, a decree), kept privately."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="evidence")
    update = models.ForeignKey(
        FollowUpUpdate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
    )
    file = models.FileField(upload_to="rakornis/evidence/%Y/%m/")
    # What the evidence shows is told by the update it comes with.
    description = None

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-uploaded_at", "-id"]

    @property
    def regency_id(self) -> str | None:
        """The regency that owns the file: its follow-up's (not a column of its own)."""
        return self.follow_up.regency_id

    def writable_by(self, user) -> bool:
        return self.follow_up.writable_by(user)


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due within 7 days")
    OVERDUE = "overdue", _("Overdue")


class ReminderLog(models.Model):
    """A reminder sent about a follow-up: at most one of each kind per follow-up and day."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "sent_on", "kind"], name="reminder_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.sent_on}"
