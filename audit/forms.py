from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from audit.history import READ_ACTIONS
from pmks_portal.pagination import PageSizeField

# The record types whose reads are logged (a page or file of personal data).
RECORD_TYPES = [
    ("cases.case", _("Case")),
    ("cases.person", _("Person")),
    ("cases.importbatch", _("Import")),
    ("kube.kube", _("KUBE group")),
]


class AccessLogFilterForm(forms.Form):
    """The administrators' access log: who read which record, narrowed by these."""

    actor = forms.CharField(label=_("Username"), max_length=150, required=False)
    target_type = forms.ChoiceField(
        label=_("Record type"), choices=[("", _("All"))] + RECORD_TYPES, required=False
    )
    target_id = forms.IntegerField(label=_("Record number"), min_value=1, required=False)
    action = forms.ChoiceField(
        label=_("Access"),
        choices=[("", _("All reads"))] + [(a.value, a.label) for a in READ_ACTIONS],
        required=False,
    )
    regency = forms.ModelChoiceField(label=_("Regency/city"), queryset=None, required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    size = PageSizeField()

    def __init__(self, *args, province_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        # By name, as AuditEvent.regency points at it: the audit app imports no app's code.
        regions = apps.get_model("regions", "Region").objects
        self.fields["regency"].queryset = (
            regions.regencies().in_province(province_code).order_by("name")
        )

    def apply(self, events):
        data = self.cleaned_data
        events = events.filter(action__in=[data["action"]] if data["action"] else READ_ACTIONS)
        if data["actor"]:
            events = events.filter(actor__username=data["actor"])
        if data["target_type"]:
            events = events.filter(target_type=data["target_type"])
        if data["target_id"]:
            events = events.filter(target_id=str(data["target_id"]))
        if data["regency"]:
            events = events.filter(regency=data["regency"])
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
        return events
