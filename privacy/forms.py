from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Category
from privacy.models import (
    Breach,
    BreachNotification,
    LegalHold,
    ProcessingActivity,
    Referral,
    SubjectRequest,
)
from privacy.subjects import CORRECTABLE


class SubjectRequestForm(forms.ModelForm):
    class Meta:
        model = SubjectRequest
        fields = ["kind", "requested_at", "notes"]
        widgets = {"requested_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}
        help_texts = {
            "requested_at": _("When the person asked (WITA): the 3 × 24 h run from then.")
        }


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), choices=[(f, f) for f in CORRECTABLE])
    value = forms.CharField(label=_("Correct value"), max_length=255, required=False)


class BreachForm(forms.ModelForm):
    class Meta:
        model = Breach
        fields = ["found_at", "description", "subjects_affected", "data_categories", "handling"]
        widgets = {"found_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}


class NotificationForm(forms.ModelForm):
    class Meta:
        model = BreachNotification
        fields = ["recipient", "sent_at", "means", "content"]
        widgets = {"sent_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}


class ProcessingActivityForm(forms.ModelForm):
    class Meta:
        model = ProcessingActivity
        fields = [
            "name",
            "purpose",
            "legal_basis",
            "data_categories",
            "subject_categories",
            "recipients",
            "retention",
            "safeguards",
        ]


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["agency", "shared", "purpose", "shared_on"]
        widgets = {"shared_on": forms.DateInput(attrs={"type": "date"})}


class RetentionRuleForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    years = forms.IntegerField(label=_("Years after the case ends"), min_value=0, max_value=100)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class LegalHoldForm(forms.Form):
    person = forms.IntegerField(label=_("Person number"), min_value=1)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class LiftHoldForm(forms.Form):
    hold = forms.ModelChoiceField(queryset=LegalHold.objects.active())
