from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dtsen.models import QUARTER_NAMES, ItemKind, ItemStatus
from dtsen.services import owners_for
from pmks_portal.pagination import PageSizeField
from regions.models import Level, Region


class ExtractUploadForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2025, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[(number, name) for number, name in QUARTER_NAMES.items()],
        coerce=int,
    )
    file = forms.FileField(
        label=_("DTSEN extract (CSV or XLSX)"),
        help_text=_(
            "By name and by address: NIK, No. KK, name, sex, birth date, village code, decile, "
            "status (aktif, meninggal or pindah)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1


class ItemFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Finding"), choices=[("", _("All"))] + ItemKind.choices, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Open (new or in progress)")), ("all", _("All"))] + ItemStatus.choices,
        required=False,
    )
    regency = forms.ModelChoiceField(
        label=_("Regency/city"), queryset=Region.objects.none(), required=False
    )
    village = forms.ModelChoiceField(
        label=_("Village"), queryset=Region.objects.none(), required=False
    )
    size = PageSizeField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Region.objects.visible_to(user)
        self.fields["regency"].queryset = visible.province_regencies().order_by("name")
        # A province-wide list of every village would be thousands of options: the villages of
        # the chosen (or the user's own) regency only.
        regency = self.data.get("regency") or getattr(user, "regency_id", None) or ""
        self.fields["village"].queryset = (
            visible.filter(level=Level.VILLAGE, code__startswith=f"{regency}.").order_by("name")
            if regency
            else Region.objects.none()
        )

    def apply(self, items):
        if not self.is_valid():
            return items.open()
        data = self.cleaned_data
        if data["kind"]:
            items = items.filter(kind=data["kind"])
        if not data["status"]:
            items = items.open()
        elif data["status"] != "all":
            items = items.filter(status=data["status"])
        if data["regency"]:
            items = items.filter(regency=data["regency"])
        if data["village"]:
            items = items.filter(village=data["village"])
        return items


class ItemUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    reason = forms.CharField(
        label=_("Reason or note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Needed when the item is rejected."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners_for(item.regency_id)
