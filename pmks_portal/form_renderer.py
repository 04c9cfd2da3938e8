"""The forms' renderer: Django's templates, with the select lists written in Python.

Django renders a select through a template and, for every option, an included template with
an included attributes template: the case form's four lists (about 230 villages, districts,
categories and statuses) cost more than a third of the page's CPU (#13). A select and its
options are written here instead, to the very characters Django's templates give (attributes,
escaping, optgroups, the line breaks): tests/foundation/test_form_renderer.py renders the
same widgets both ways. Everything else, and any select whose templates a widget changes,
goes through the templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _text(value) -> str:
    # {{ value|stringformat:'s' }}: str(), escaped unless already safe.
    return conditional_escape(value if isinstance(value, str) else str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: dict) -> str:
    """django/forms/widgets/select_option.html, with the line break the file ends with."""
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>\n"
    )


def render_select(widget: dict) -> str:
    """django/forms/widgets/select.html for a widget's context (context["widget"])."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append("\n  ")
            parts.append(_option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        if widget is not None and all(
            option.get("template_name") == OPTION
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            return mark_safe(render_select(widget))  # noqa: S308 (every value escaped above)
        return super().render(template_name, context, request)
