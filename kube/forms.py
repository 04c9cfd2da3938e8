"""Forms of the KUBE pages. They parse and check input; the rules that need the database are
in kube/services/, which the views call with `cleaned_data`."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import REGENCY_ROLES
from cases.forms import (
    DateInputsMixin,
    chosen_regency,
    regency_choices,
    region_choices,
    regions_within,
    with_blank,
)
from cases.models import Sex
from kube.models import (
    BusinessType,
    GrantSource,
    KubeRules,
    KubeStatus,
    MemberRole,
    Partner,
    PartnerType,
    Stage,
    SupportKind,
)
from kube.services import (
    BUSINESS_TYPE_FIELDS,
    KUBE_FIELDS,
    PARTNER_FIELDS,
    RULES_FIELDS,
    STATUS_MOVES,
)
from pmks_portal import choices_cache
from pmks_portal.pagination import PageSizeField
from regions.models import Level, Region
from regions.widgets import VillageSelect

EMPTY = [("", "---------")]

# Rupiah as people type it: 20000000, 20.000.000, 20,000,000, Rp 20.000.000, 1.500,50 ...
_INDONESIAN = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?$")
_ENGLISH = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?$")
_PLAIN = re.compile(r"^\d+(?:[.,]\d{1,2})?$")


def parse_rupiah(text: str) -> Decimal:
    """An amount typed the Indonesian or the English way; ValueError when it is neither."""
    cleaned = re.sub(r"\s", "", str(text)).removeprefix("Rp").removeprefix("rp")
    cleaned = cleaned.removeprefix("Rp.").removeprefix(".")
    sign = -1 if cleaned.startswith("-") else 1
    cleaned = cleaned.lstrip("-")
    if _INDONESIAN.match(cleaned):
        number = cleaned.replace(".", "").replace(",", ".")
    elif _ENGLISH.match(cleaned):
        number = cleaned.replace(",", "")
    elif _PLAIN.match(cleaned):
        number = cleaned.replace(",", ".")
    else:
        raise ValueError(text)
    try:
        return sign * Decimal(number)
    except InvalidOperation:
        raise ValueError(text) from None


class RupiahField(forms.Field):
    """An amount in Rupiah: thousands with dots (Indonesian) or commas, never negative."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Type an amount in Rupiah, such as 20.000.000."),
        "negative": _("%(field)s cannot be negative."),
        "too_large": _("This amount is too large."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_rupiah(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < 0:
            raise forms.ValidationError(
                self.error_messages["negative"],
                code="negative",
                params={"field": capfirst(self.label or "")},
            )
        if value >= Decimal("1e13"):
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            whole = int(value)
            text = f"{whole:,}".replace(",", ".")
            cents = value - whole
            return text + ("," + f"{cents:.2f}"[2:] if cents else "")
        return value


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month (the browser's month picker, YYYY-MM), as its first day."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d", "%m/%Y"]
    default_error_messages = {"invalid": _("Choose a month, such as 2026-03.")}

    def to_python(self, value):
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value.replace(day=1)
        parsed = super().to_python(value)
        return parsed.replace(day=1) if parsed else parsed


def _regency_users(regency_code: str):
    return User.objects.filter(
        regency_id=regency_code, role__in=sorted(REGENCY_ROLES), is_active=True
    ).order_by("first_name", "username")


# --- List, export, completeness --------------------------------------------------------------


def business_type_choices() -> list[tuple[str, str]]:
    return choices_cache.cached_choices(
        "business-types", lambda: [(str(t.pk), str(t)) for t in BusinessType.objects.all()]
    )


class KubeFilterForm(forms.Form):
    SORTS = {
        "name": ("name", False),
        "newest": ("created_at", True),
        "stage": ("stage_score", True),
    }

    q = forms.CharField(label=_("Name or registration number"), required=False, max_length=100)
    regency = forms.ChoiceField(required=False, label=_("Regency/city"))
    district = forms.ChoiceField(required=False, label=_("District"))
    status = forms.ChoiceField(
        choices=EMPTY + KubeStatus.choices, required=False, label=_("Status")
    )
    stage = forms.ChoiceField(choices=EMPTY + Stage.choices, required=False, label=_("Stage"))
    business_type = forms.ChoiceField(required=False, label=_("Business type"))
    year_formed = forms.IntegerField(
        required=False, min_value=1980, max_value=2100, label=_("Year formed")
    )
    overdue = forms.BooleanField(required=False, label=_("Only groups with a report overdue"))
    sort = forms.ChoiceField(
        choices=[
            ("name", _("Name")),
            ("newest", _("Newest first")),
            ("stage", _("Highest score first")),
        ],
        required=False,
        label=_("Sort"),
    )
    size = PageSizeField()

    def __init__(self, *args, regency_limit: str | None, **kwargs):
        """The reference lists come from choices_cache, as the case list's do."""
        super().__init__(*args, **kwargs)
        province = settings.PMKS_PROVINCE_CODE
        if regency_limit:
            del self.fields["regency"]
        else:
            self.fields["regency"].choices = with_blank(regency_choices(province))
        chosen = regency_limit or chosen_regency(self.data, province)
        districts = region_choices(chosen, Level.DISTRICT) if chosen else []
        self.fields["district"].choices = with_blank(districts)
        self.fields["business_type"].choices = with_blank(business_type_choices())

    def apply(self, groups, *, last_due_month: date):
        """The groups matching the valid filters, and the (field, descending) to sort by."""
        data = self.cleaned_data
        if data.get("q"):
            groups = groups.matching(data["q"])
        for key in ("regency", "district", "status", "stage", "business_type", "year_formed"):
            if data.get(key):
                groups = groups.filter(**{key: data[key]})
        if data.get("overdue"):
            groups = groups.filter(status=KubeStatus.ACTIVE).expecting_report_for(last_due_month)
            groups = groups.exclude(last_report_month__gte=last_due_month)
        return groups, self.SORTS[data.get("sort") or "name"]


class CompletenessForm(forms.Form):
    until = MonthField(label=_("Up to the month"), required=False)


# --- Groups ----------------------------------------------------------------------------------


class KubeForm(DateInputsMixin, forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=150)
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=60,
        required=False,
        help_text=_("Leave empty to have one given (KUBE/regency/year/number)."),
    )
    sk_number = forms.CharField(label=_("Decree (SK) number"), max_length=100, required=False)
    sk_date = forms.DateField(label=_("Decree (SK) date"), required=False)
    year_formed = forms.IntegerField(label=_("Year formed"), min_value=1980, max_value=2100)
    district = forms.ModelChoiceField(Region.objects.none(), label=_("District"), required=False)
    village = forms.ModelChoiceField(
        Region.objects.none(), label=_("Village"), required=False, widget=VillageSelect()
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    business_type = forms.ModelChoiceField(
        BusinessType.objects.filter(is_active=True), label=_("Business type")
    )
    business_description = forms.CharField(
        label=_("Business, in a few words"),
        max_length=200,
        required=False,
        help_text=_("For example: laying hens, grocery stall, catfish ponds."),
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=100, required=False)
    bank_account_number = forms.CharField(
        label=_("Account number"),
        max_length=40,
        required=False,
        help_text=_("The group's own account; shown masked on every page."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    bank_account_name = forms.CharField(
        label=_("Account in the name of"), max_length=150, required=False
    )
    pendamping_user = forms.ModelChoiceField(
        User.objects.none(), label=_("Companion (portal user)"), required=False
    )
    pendamping_name = forms.CharField(
        label=_("Companion (name)"),
        max_length=150,
        required=False,
        help_text=_("When the companion has no portal account."),
    )
    pendamping_phone = forms.CharField(label=_("Companion's phone"), max_length=32, required=False)
    reporting_from = MonthField(
        label=_("Monthly reports expected from"),
        required=False,
        help_text=_("Empty: from this month."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, regency_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = regions_within(regency_code, Level.DISTRICT)
        self.fields["village"].queryset = regions_within(regency_code, Level.VILLAGE)
        self.fields["pendamping_user"].queryset = _regency_users(regency_code)
        # DateInputsMixin gave every date field a day picker; this one is a month.
        self.fields["reporting_from"].widget = MonthInput()

    @classmethod
    def initial_for(cls, kube) -> dict:
        initial = {field: getattr(kube, field) for field in KUBE_FIELDS}
        initial["version"] = kube.version
        return initial


class StatusForm(DateInputsMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    effective_on = forms.DateField(label=_("From"))
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, current_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        moves = STATUS_MOVES.get(current_status, set())
        self.fields["to_status"].choices = [
            (value, label) for value, label in KubeStatus.choices if value in moves
        ]


class StageOverrideForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("As computed from the indicators"))] + Stage.choices,
    )
    reason = forms.CharField(
        label=_("Why"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- Members ---------------------------------------------------------------------------------


class MemberLookupForm(forms.Form):
    """Finding a person of the registry: sent by POST, so that no NIK lands in a URL."""

    lookup = forms.CharField(
        label=_("NIK or registry number of the person"),
        max_length=32,
        help_text=_("The 16-digit NIK, or the number of the person's page in the registry."),
    )


class MembershipFields(DateInputsMixin, forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=MemberRole.choices, initial=MemberRole.ANGGOTA
    )
    joined_on = forms.DateField(label=_("Joined on"), required=False)
    confirm = forms.BooleanField(
        label=_("I have checked the warnings above and want to add the member anyway"),
        required=False,
    )


class MemberExistingForm(MembershipFields):
    person = forms.IntegerField(widget=forms.HiddenInput)


class MemberNewForm(MembershipFields):
    nik = forms.CharField(label=_("NIK"), max_length=32)
    kk_number = forms.CharField(label=_("KK number"), max_length=32, required=False)
    name = forms.CharField(label=_("Name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    village = forms.ModelChoiceField(Region.objects.none(), label=_("Village"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    PERSON_FIELDS = [
        "nik",
        "kk_number",
        "name",
        "sex",
        "birth_place",
        "birth_date",
        "address",
        "village",
        "phone",
    ]

    def __init__(self, *args, regency_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = regions_within(regency_code, Level.VILLAGE)
        # The fields of membership after the person's.
        order = [*self.PERSON_FIELDS, "role", "joined_on", "confirm"]
        self.order_fields(order)

    def person_data(self) -> dict:
        return {field: self.cleaned_data.get(field) or "" for field in self.PERSON_FIELDS} | {
            "birth_date": self.cleaned_data.get("birth_date"),
            "village": self.cleaned_data.get("village"),
            "birth_date_is_estimate": False,
        }


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)
    hand_over = forms.BooleanField(
        label=_("Hand the chair over (the present chair becomes a member)"), required=False
    )


class MemberLeaveForm(DateInputsMixin, forms.Form):
    left_on = forms.DateField(label=_("Left on"))
    reason = forms.CharField(label=_("Why"), max_length=255, required=False)


# --- Grants ----------------------------------------------------------------------------------


class GrantForm(DateInputsMixin, forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=GrantSource.choices)
    partner = forms.ModelChoiceField(
        Partner.objects.filter(is_active=True),
        label=_("CSR partner"),
        required=False,
        help_text=_("For a grant from a company's CSR."),
    )
    amount = RupiahField(label=_("Amount (Rp)"))
    granted_on = forms.DateField(label=_("Date of the grant"))
    reference = forms.CharField(label=_("Decree or letter number"), max_length=150, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=255, required=False)
    first_amount = RupiahField(
        label=_("First stage paid (Rp)"),
        required=False,
        help_text=_("Leave empty when nothing is paid yet; add the stages later."),
    )
    first_paid_on = forms.DateField(label=_("First stage paid on"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == GrantSource.CSR and not cleaned.get("partner"):
            self.add_error("partner", _("Choose the company that gave the grant."))
        if cleaned.get("first_paid_on") and cleaned.get("first_amount") is None:
            self.add_error("first_amount", _("How much was paid on that day?"))
        return cleaned


class DisbursementForm(DateInputsMixin, forms.Form):
    amount = RupiahField(label=_("Amount (Rp)"))
    disbursed_on = forms.DateField(label=_("Paid on"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


# --- Monthly reports -------------------------------------------------------------------------


class ReportValuesForm(forms.Form):
    revenue = RupiahField(label=_("Revenue (omzet)"))
    costs = RupiahField(label=_("Costs"))
    capital = RupiahField(
        label=_("Capital and assets"),
        help_text=_("Cash, stock and equipment of the group at the end of the month."),
    )
    iks_collected = RupiahField(label=_("IKS collected"), required=False)
    iks_used = RupiahField(label=_("IKS used"), required=False)
    meetings_held = forms.IntegerField(
        label=_("Meetings held"), min_value=0, max_value=31, initial=0
    )
    bookkeeping_kept = forms.BooleanField(label=_("The books are kept"), required=False)
    problems = forms.CharField(
        label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    pendamping_notes = forms.CharField(
        label=_("Companion's notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def report_data(self) -> dict:
        data = dict(self.cleaned_data)
        for field in ("iks_collected", "iks_used"):
            data[field] = data.get(field) or Decimal(0)
        return data


class ReportForm(ReportValuesForm):
    month = MonthField(label=_("Month"))

    field_order = ["month"]


class ReportCorrectionForm(ReportValuesForm):
    reason = forms.CharField(
        label=_("Why is the report corrected?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- Partners --------------------------------------------------------------------------------


class PartnerLinkForm(DateInputsMixin, forms.Form):
    partner = forms.ModelChoiceField(
        Partner.objects.filter(is_active=True), label=_("Partner"), required=False
    )
    new_partner_name = forms.CharField(
        label=_("Or a new partner's name"), max_length=200, required=False
    )
    new_partner_type = forms.ChoiceField(
        label=_("New partner's type"), choices=PartnerType.choices, required=False
    )
    supports = forms.MultipleChoiceField(
        label=_("What they give"),
        choices=SupportKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    value = RupiahField(label=_("Value (Rp)"), required=False)
    started_on = forms.DateField(label=_("From"))
    notes = forms.CharField(label=_("Notes"), max_length=255, required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("partner") and not (cleaned.get("new_partner_name") or "").strip():
            self.add_error("partner", _("Choose a partner or type the name of a new one."))
        return cleaned


class PartnershipEndForm(DateInputsMixin, forms.Form):
    ended_on = forms.DateField(label=_("Ended on"))


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = PARTNER_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class BusinessTypeForm(forms.ModelForm):
    class Meta:
        model = BusinessType
        fields = BUSINESS_TYPE_FIELDS


class RulesForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = KubeRules
        fields = RULES_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def validate_constraints(self):
        """The service checks the ranges (KubeRules.clean) with clear messages."""
