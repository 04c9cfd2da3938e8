"""Forms of the Rakornis pages. They shape input; the rules that need the database are in the
services, whose ValidationErrors the views attach to these forms."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from rakornis import files
from rakornis.models import (
    AgendaSession,
    DocumentKind,
    FollowUpStatus,
    Meeting,
    MeetingStatus,
    MeetingType,
    Participant,
    Recommendation,
    RecommendationCategory,
)
from rakornis.services import MEETING_FIELDS, PARTICIPANT_FIELDS, SESSION_FIELDS
from regions.models import Region

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def regencies():
    return Region.objects.province_regencies().order_by("code")


class _Dates:
    """Date fields get the browser's date picker; time fields its time picker."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE_INPUT
            elif isinstance(field, forms.TimeField):
                field.widget = TIME_INPUT


def day_choices(meeting: Meeting) -> list[tuple[str, str]]:
    from django.utils.formats import date_format

    return [
        (
            day.isoformat(),
            _("Day %(number)s · %(date)s")
            % {"number": number, "date": date_format(day, "DATE_FORMAT")},
        )
        for number, day in enumerate(meeting.days, start=1)
    ]


class DayField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=date.fromisoformat, **kwargs)


class MeetingFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", "---------"), *MeetingType.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "---------"), *MeetingStatus.choices], required=False
    )

    def apply(self, meetings):
        data = self.cleaned_data
        if data.get("year"):
            meetings = meetings.filter(year=data["year"])
        if data.get("type"):
            meetings = meetings.filter(type=data["type"])
        if data.get("status"):
            meetings = meetings.filter(status=data["status"])
        return meetings


class MeetingForm(_Dates, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = MEETING_FIELDS
        widgets = {"theme": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_regency"].queryset = regencies()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class SessionForm(_Dates, forms.ModelForm):
    day = DayField(label=_("Day"))

    class Meta:
        model = AgendaSession
        fields = SESSION_FIELDS

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = day_choices(meeting)
        if self.instance.pk:
            self.initial["day"] = self.instance.day.isoformat()

    def _post_clean(self):
        # The service checks the session against its meeting; the model has no more to say.
        pass


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    session = forms.ModelChoiceField(
        AgendaSession.objects.none(),
        label=_("Session (for a material)"),
        required=False,
    )
    file = forms.FileField(
        label=_("File"), widget=forms.FileInput(attrs={"accept": files.ACCEPT_ATTRIBUTE})
    )
    description = forms.CharField(label=_("Description"), max_length=255, required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = meeting.sessions.all()
        self.fields["file"].help_text = files.accepted_help()


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = PARTICIPANT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = regencies()

    def _post_clean(self):
        # Duplicates within the meeting are the service's to find (it knows the meeting).
        pass


class WalkInForm(forms.ModelForm):
    """Someone who was not on the list, registered and marked present at the door."""

    class Meta:
        model = Participant
        fields = ["name", "institution", "institution_type", "regency", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = regencies()

    def _post_clean(self):
        pass


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Participant list (CSV or XLSX)"),
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet"
            }
        ),
    )


class AttendanceDayForm(forms.Form):
    day = DayField(label=_("Day"), widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = day_choices(meeting)


class DoorMarkForm(forms.Form):
    participant = forms.IntegerField(min_value=1)
    day = forms.DateField()
    present = forms.BooleanField(required=False)


class RecommendationForm(_Dates, forms.ModelForm):
    regencies = forms.ModelMultipleChoiceField(
        Region.objects.none(),
        label=_("Responsible regencies/cities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each gets its own follow-up, which its staff update."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Recommendation
        fields = [
            "text",
            "category",
            "due_on",
            "regencies",
            "provincial_unit",
            "indicator",
            "indicator_programme",
            "direction",
            "window_before_days",
            "window_after_days",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regencies"].queryset = regencies()
        self.fields["category"].choices = RecommendationCategory.choices
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.initial["regencies"] = [
                f.regency_id for f in self.instance.follow_ups.all() if f.regency_id
            ]

    def _post_clean(self):
        # Checked by the service against the meeting (due date, responsible regencies).
        pass

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "regencies")}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files at once (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": files.ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class FollowUpUpdateForm(_Dates, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpStatus.choices)
    happened_on = forms.DateField(label=_("Date"))
    note = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("What your office did, with numbers where you have them; or why it stopped."),
    )
    evidence = MultipleFileField(label=_("Evidence"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = files.accepted_help()

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence") or []
        if len(evidence) > 10:
            raise forms.ValidationError(_("Attach at most 10 files at a time."))
        return evidence


FOLLOW_UP_STATES = [
    ("open", _("Open (not started or in progress)")),
    ("overdue", _("Overdue")),
    ("done", _("Done")),
    ("cancelled", _("Cancelled")),
    ("all", _("All")),
]


class FollowUpFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Show"), choices=FOLLOW_UP_STATES, required=False)
    regency = forms.ModelChoiceField(Region.objects.none(), label=_("Regency/city"), required=False)
    meeting = forms.ModelChoiceField(Meeting.objects.none(), label=_("Meeting"), required=False)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", "---------"), *RecommendationCategory.choices],
        required=False,
    )

    def __init__(self, *args, regency_limit: str | None, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        if regency_limit:
            del self.fields["regency"]
        else:
            self.fields["regency"].queryset = regencies()

    def apply(self, follow_ups, today: date):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        state = data.get("state") or "open"
        if state == "open":
            follow_ups = follow_ups.open()
        elif state == "overdue":
            follow_ups = follow_ups.overdue(today)
        elif state in (FollowUpStatus.DONE, FollowUpStatus.CANCELLED):
            follow_ups = follow_ups.filter(status=state)
        if data.get("regency"):
            follow_ups = follow_ups.filter(regency=data["regency"])
        if data.get("meeting"):
            follow_ups = follow_ups.filter(recommendation__meeting=data["meeting"])
        if data.get("category"):
            follow_ups = follow_ups.filter(recommendation__category=data["category"])
        return follow_ups
