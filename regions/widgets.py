"""A village list narrowed to the chosen district in the browser (#14).

Every option names its district (`data-district`, the village code without its last part), and
the select names the district field it follows; static/js/portal.js hides the villages of other
districts when a district is chosen. The server renders the whole list, so the form works
without a script, and the forms check that the village lies in the district.
"""

from django import forms


class VillageSelect(forms.Select):
    def __init__(self, *, district_field: str = "district", attrs=None):
        super().__init__(attrs={"data-narrowed-by": district_field, **(attrs or {})})

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        code = str(getattr(value, "value", value) or "")  # ModelChoiceIteratorValue or a code
        if code.count(".") == 3:
            option["attrs"]["data-district"] = code.rsplit(".", 1)[0]
        return option
