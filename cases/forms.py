from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cases import workflow
from cases.attachments import CASE_FILES
from cases.models import (
    Case,
    CaseStatus,
    Category,
    CloseReason,
    Intervention,
    LegalBasis,
    PasungDetail,
    PasungEvent,
    Person,
    Programme,
    RestraintForm,
    SexWorkDetail,
    StreetChildDetail,
)
from cases.services import EDITED_CASE_FIELDS
from pmks_portal import choices_cache
from pmks_portal.pagination import PageSizeField
from regions.models import Level, Region
from regions.widgets import VillageSelect

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateInputsMixin:
    """Every date field gets the browser's date picker and ISO input."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE_INPUT


def regions_within(regency_code: str | None, level: str):
    regions = Region.objects.filter(level=level, is_active=True).order_by("name")
    if regency_code:
        regions = regions.filter(code__startswith=f"{regency_code}.")
    return regions


class VillageChoiceField(forms.ModelChoiceField):
    """Villages named with their district: many regencies have two villages of one name."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.parent.name})"


def village_field(regency_code: str | None, *, label, required: bool = False, narrowed=False):
    """The regency's villages; `narrowed`: the form has a district field the list follows."""
    villages = (
        regions_within(regency_code, Level.VILLAGE).select_related("parent")
        if regency_code
        else Region.objects.none()
    )
    return VillageChoiceField(
        villages.order_by("parent__name", "name"),
        required=required,
        label=label,
        widget=VillageSelect() if narrowed else None,
    )


def with_blank(choices: list) -> list:
    return [("", "---------"), *choices]


def active_category_choices() -> list[tuple[str, str]]:
    return choices_cache.cached_choices(
        "categories",
        lambda: [(str(c.pk), str(c)) for c in Category.objects.filter(is_active=True)],
    )


def regency_choices(province_code: str) -> list[tuple[str, str]]:
    regencies = Region.objects.regencies().in_province(province_code).order_by("name")
    return choices_cache.cached_choices(
        f"regencies:{province_code}", lambda: [(r.code, r.name) for r in regencies]
    )


def region_choices(regency_code: str | None, level: str) -> list[tuple[str, str]]:
    """Active regions of a level (in a regency, when given), as regions_within() lists them."""
    return choices_cache.cached_choices(
        f"regions:{level}:{regency_code}",
        lambda: [(r.code, r.name) for r in regions_within(regency_code, level)],
    )


def chosen_regency(data, province_code: str) -> str | None:
    """The regency a provincial user's filter names, if it is one (it narrows the lists)."""
    code = data.get("regency")
    return code if code in dict(regency_choices(province_code)) else None


def village_choices(regency_code: str | None) -> list[tuple[str, str]]:
    """A regency's villages labelled as VillageChoiceField labels them; none without one."""
    if not regency_code:
        return []

    def load():
        field = village_field(regency_code, label="")
        return [(v.code, field.label_from_instance(v)) for v in field.queryset]

    return choices_cache.cached_choices(f"villages:{regency_code}", load)


class CaseFilterForm(DateInputsMixin, forms.Form):
    """The case list's filters. Their reference lists come from choices_cache, not a query per
    list each request; a choice is cleaned to its key (category id, region code)."""

    SORTS = {
        "newest": ("registered_on", True),
        "oldest": ("registered_on", False),
        "found": ("found_on", True),
    }

    category = forms.ChoiceField(required=False, label=_("Category"))
    status = forms.ChoiceField(
        choices=[("", "---------")] + CaseStatus.choices, required=False, label=_("Status")
    )
    programme = forms.ChoiceField(
        choices=[("", "---------")] + Programme.choices, required=False, label=_("Target programme")
    )
    open_against_target = forms.BooleanField(
        required=False, label=_("Only still open against a target")
    )
    regency = forms.ChoiceField(required=False, label=_("Regency/city"))
    district = forms.ChoiceField(required=False, label=_("District"))
    village = forms.ChoiceField(required=False, label=_("Village"), widget=VillageSelect())
    registered_from = forms.DateField(required=False, label=_("Registered from"))
    registered_to = forms.DateField(required=False, label=_("Registered to"))
    sort = forms.ChoiceField(
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("found", _("Date found")),
        ],
        required=False,
        label=_("Sort"),
    )
    size = PageSizeField()

    def __init__(self, *args, regency_limit: str | None, province_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = with_blank(active_category_choices())
        if regency_limit:
            del self.fields["regency"]
        else:
            self.fields["regency"].choices = with_blank(regency_choices(province_code))
        chosen = regency_limit or chosen_regency(self.data, province_code)
        self.fields["district"].choices = with_blank(region_choices(chosen, Level.DISTRICT))
        self.fields["village"].choices = with_blank(village_choices(chosen))

    def apply(self, cases):
        """The cases that match the valid filters, and the (field, descending) to sort by."""
        data = self.cleaned_data
        exact = {
            "category": "category",
            "status": "status",
            "programme": "programme",
            "regency": "regency",
            "district": "district",
            "village": "village",
        }
        for key, field in exact.items():
            if data.get(key):
                cases = cases.filter(**{field: data[key]})
        if data.get("registered_from"):
            cases = cases.filter(registered_on__gte=data["registered_from"])
        if data.get("registered_to"):
            cases = cases.filter(registered_on__lte=data["registered_to"])
        if data.get("open_against_target"):
            cases = cases.open_against_target(data.get("programme") or None)
        return cases, self.SORTS[data.get("sort") or "newest"]


class SearchForm(forms.Form):
    """Name or NIK: sent by POST so that neither lands in a URL or an access log."""

    q = forms.CharField(label=_("Name or NIK"), max_length=150, min_length=2)


class PersonForm(DateInputsMixin, forms.ModelForm):
    estimated_age = forms.IntegerField(
        label=_("Estimated age (years)"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("When the date of birth is unknown."),
    )
    confirm = forms.BooleanField(
        label=_("I have checked the warnings above and want to save anyway"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = [
            "nik",
            "kk_number",
            "name",
            "sex",
            "birth_place",
            "birth_date",
            "address",
            "village",
            "phone",
            "guardian_name",
            "guardian_relation",
            "guardian_phone",
            "disability",
            "notes",
        ]
        help_texts = {"nik": _("16 digits. Leave empty if the person has no NIK.")}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, regency_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"] = village_field(regency_code, label=_("Village"))
        self.fields["nik"].max_length = 32  # spaces and dots are removed before the check
        self.fields["kk_number"].max_length = 32
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if self.instance.birth_date_is_estimate:
                self.initial["birth_date"] = None

    def validate_constraints(self):
        """The service decides on a duplicate NIK, and on what it may reveal about it."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("birth_date") and cleaned.get("estimated_age") is not None:
            self.add_error("estimated_age", _("Give either the date of birth or an age, not both."))
        return cleaned

    def person_data(self, estimate_birth_date) -> dict:
        data = {field: self.cleaned_data.get(field) for field in self.Meta.fields}
        age = self.cleaned_data.get("estimated_age")
        data["birth_date_is_estimate"] = age is not None
        if age is not None:
            data["birth_date"] = estimate_birth_date(age)
        return data


class CaseForm(DateInputsMixin, forms.ModelForm):
    is_pasung = forms.BooleanField(
        label=_("The person is or was shackled (pasung)"),
        required=False,
        help_text=_("Counts the case against the free-of-pasung target."),
    )
    restraint_form = forms.ChoiceField(
        label=_("Form of restraint"), choices=RestraintForm.choices, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Case
        fields = EDITED_CASE_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, regency_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["district"].queryset = regions_within(regency_code, Level.DISTRICT)
        self.fields["village"] = village_field(regency_code, label=_("Village"), narrowed=True)
        # --- privacy (#17): a form (or import) that does not say is under the public task.
        self.fields["legal_basis"].required = False
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["is_pasung"], self.fields["restraint_form"]

    def clean_legal_basis(self):
        return self.cleaned_data.get("legal_basis") or LegalBasis.PUBLIC_TASK

    def clean(self):
        cleaned = super().clean()
        district, village = cleaned.get("district"), cleaned.get("village")
        if district and village and village.parent_id != district.code:
            self.add_error("village", _("This village is not in the chosen district."))
        return cleaned

    def case_data(self) -> dict:
        data = {field: self.cleaned_data.get(field) for field in self.Meta.fields}
        if data["village"] and not data["district"]:
            data["district"] = data["village"].parent
        return data


class TransitionForm(DateInputsMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    effective_on = forms.DateField(label=_("Date"))
    close_reason = forms.ChoiceField(
        label=_("Why closed"), required=False, choices=[("", "---------")] + CloseReason.choices
    )
    reason = forms.CharField(
        label=_("Reason or note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, current_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (status, workflow.ACTION_LABELS.get(status, CaseStatus(status).label))
            if not workflow.is_relapse(current_status, status)
            else (status, _("Reopen as relapse"))
            for status in workflow.next_statuses(current_status)
        ]


class InterventionForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ["date", "type", "provider", "outcome", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class PasungDetailForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = PasungDetail
        fields = [
            "pasung_status",
            "restraint_form",
            "restrained_since",
            "released_on",
            "release_team",
            "facility",
            "admitted_on",
            "discharged_on",
            "health_cover",
            "returned_to_family_on",
        ]


class PasungEventForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = PasungEvent
        fields = ["kind", "date", "takes_medication", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class StreetChildDetailForm(forms.ModelForm):
    class Meta:
        model = StreetChildDetail
        fields = [
            "location_found",
            "activity",
            "hours_per_day",
            "school_status",
            "family_status",
            "handling",
            "encounter_count",
        ]


class SexWorkDetailForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = SexWorkDetail
        fields = [
            "location_found",
            "first_contact",
            "former_lokalisasi",
            "shelter",
            "sheltered_on",
            "exit_programme",
            "training",
            "uep_grant",
            "home_region",
            "returned_home_on",
        ]


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(label=_("Number of the duplicate person record"))
    reason = forms.CharField(label=_("Why these are the same person"), max_length=500)


# Programme-specific details: the form and the related name on Case, per programme.
DETAIL_FORMS = {
    Programme.PASUNG: (PasungDetailForm, "pasung"),
    Programme.STREET_CHILDREN: (StreetChildDetailForm, "street_child"),
    Programme.PROSTITUTION: (SexWorkDetailForm, "sex_work"),
}


class AttachmentForm(forms.Form):
    """A photo or document for a case; the checks on its content are in cases/attachments.py."""

    file = forms.FileField(
        label=_("Photo or document"),
        widget=forms.FileInput(attrs={"accept": CASE_FILES.accept_attribute}),
    )
    description = forms.CharField(label=_("Description"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "JPEG, PNG, WebP or PDF, up to %(limit)s. Location and camera data are removed from "
            "photos."
        ) % {"limit": filesizeformat(CASE_FILES.size_limit())}
