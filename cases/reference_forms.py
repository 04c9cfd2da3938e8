from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Category, CategoryAlias
from cases.reference import parse_aliases


class CategoryForm(forms.ModelForm):
    aliases = forms.CharField(
        label=_("Legacy codes and other names"),
        required=False,
        help_text=_("Comma-separated, e.g. WRSE, KFM: used when importing old spreadsheets."),
    )

    class Meta:
        model = Category
        fields = ["code", "name", "name_en", "cluster", "programme", "sort_order", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["aliases"] = ", ".join(
                self.instance.aliases.values_list("alias", flat=True)
            )

    def clean_aliases(self):
        aliases = parse_aliases(self.cleaned_data["aliases"])
        taken = CategoryAlias.objects.filter(alias__in=aliases)
        if self.instance.pk:
            taken = taken.exclude(category=self.instance)
        if taken.exists():
            raise forms.ValidationError(
                _("Already used by another category: %(aliases)s")
                % {"aliases": ", ".join(taken.values_list("alias", flat=True))}
            )
        return aliases
