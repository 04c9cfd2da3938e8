from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Programme
from pmks_portal import access
from regions.models import Region
from reports import availability
from reports.maps import geojson
from reports.models import Indicator, Target
from reports.periods import parse_period, period_choices, previous_month

PROVINCE = "province"


class MonthForm(forms.Form):
    """The month a dashboard shows (?month=2026-10); the current month when absent or wrong."""

    month = forms.CharField(required=False)

    def chosen(self):
        if not self.is_valid() or not self.cleaned_data["month"]:
            return None
        try:
            period = parse_period(self.cleaned_data["month"], today=timezone.localdate())
        except ValidationError:
            return None
        return period.start if period.kind == "month" else None

    def problem(self, regency: Region | None) -> str | None:
        """Why the month asked for is not shown (the current month is), or None."""
        if not self.is_valid() or not self.cleaned_data["month"]:
            return None
        try:
            period = parse_period(self.cleaned_data["month"], today=timezone.localdate())
        except ValidationError as error:
            return " ".join(error.messages)
        if period.kind != "month":
            return str(_("Choose a month (2026-10)."))
        return availability.period_problem(
            regency.code if regency else None, period, regency.name if regency else ""
        )


class ReportRequestForm(forms.Form):
    """Which report: a regency (within scope) or the province roll-up, and a period."""

    scope = forms.ChoiceField(label=_("Regency/city"))
    # Chosen from lists; any period parse_period reads (2026-10, 2026-Q4, 2026, "November
    # 2026") is accepted as sent, so links and scripts that send one keep working.
    period = forms.CharField(
        label=_("Period"),
        max_length=20,
        help_text=_("A month, a quarter or a year."),
        widget=forms.Select,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regencies = Region.objects.visible_to(user).province_regencies().order_by("name")
        choices = [(r.code, r.name) for r in regencies]
        if access.may_request_report(user, None):
            choices.insert(0, (PROVINCE, _("Province roll-up")))
        self.fields["scope"].choices = choices
        today = timezone.localdate()
        self.fields["period"].widget.choices = period_choices(today)
        # Last month is the report most often asked for.
        self.fields["period"].initial = previous_month(today).code
        # A read-only role reads the reports but is not offered the form (the service refuses it).
        self.can_ask = any(
            access.may_request_report(user, None if code == PROVINCE else code)
            for code, _name in choices
        )
        self.regencies = {r.code: r for r in regencies}

    def clean_period(self):
        return parse_period(self.cleaned_data["period"], today=timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        if "period" in cleaned and cleaned.get("scope"):
            regency = self.regency()
            problem = availability.period_problem(
                regency.code if regency else None,
                cleaned["period"],
                regency.name if regency else "",
            )
            if problem:
                self.add_error("period", problem)
        return cleaned

    def regency(self) -> Region | None:
        scope = self.cleaned_data["scope"]
        return None if scope == PROVINCE else self.regencies[scope]


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = [
            "code",
            "name",
            "indicator",
            "programme",
            "target_value",
            "deadline",
            "stated_on",
            "basis",
            "is_active",
            "sort_order",
        ]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}),
            "stated_on": forms.DateInput(attrs={"type": "date"}),
            "basis": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = Indicator.choices
        self.fields["programme"].choices = [("", "---------"), *Programme.choices]
        if self.instance.pk:
            # Changed only by a restatement, which keeps the old terms.
            for name in ("deadline", "target_value", "stated_on"):
                self.fields[name].disabled = True


class RestateForm(forms.Form):
    deadline = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    target_value = forms.IntegerField(label=_("New target value"), min_value=0)
    restated_on = forms.DateField(
        label=_("Restated on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Who restated it, and why"), widget=forms.Textarea(attrs={"rows": 3})
    )


class BaselineForm(forms.Form):
    regency = forms.ModelChoiceField(Region.objects.none(), label=_("Regency/city"))
    value = forms.IntegerField(
        label=_("Baseline value"),
        min_value=0,
        required=False,
        help_text=_("Leave empty to remove the baseline (it is then taken from the data)."),
    )
    on = forms.DateField(
        label=_("Baseline date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(label=_("Source"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = Region.objects.province_regencies().order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("value") is not None and not data.get("on"):
            self.add_error("on", _("Give the date of the baseline."))
        return data


class MilestoneForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Leave empty to remove the milestone."),
    )


class OutlineUploadForm(forms.Form):
    """A GeoJSON file of the regencies' boundaries, and the property that names each one."""

    file = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_(
            "A FeatureCollection of Polygons or MultiPolygons in longitude and latitude (WGS 84), "
            "one feature per regency or city of the province, at most 5 MB."
        ),
    )
    code_property = forms.CharField(
        label=_("Property holding the regency code"),
        initial="code",
        max_length=64,
        help_text=_("Its value is the Kemendagri code (64.72) or the BPS code (6472)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        geojson.check_size(upload.size)  # before the file is read
        return upload
