"""{% form_fields form %}…{% endform_fields %}: the block's HTML rendered once per state of the
form (pmks_portal/form_fragments.py says why and what the key holds).

The block may use the form and static text only: anything else it showed (the user, the page's
rows) would be served to the next request with the same form.
"""

from django import template

from pmks_portal import form_fragments

register = template.Library()


class FormFieldsNode(template.Node):
    def __init__(self, nodelist, form, variant):
        self.nodelist, self.form, self.variant = nodelist, form, variant

    def render(self, context):
        form = self.form.resolve(context)
        # The template's name is part of the key: two blocks for one form differ.
        variant = f"{context.template_name}:{self.variant}"
        key = form_fragments.fingerprint(form, variant)
        return form_fragments.rendered(key, lambda: self.nodelist.render(context))


@register.tag
def form_fields(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% form_fields form %} takes the form, only")
    nodelist = parser.parse(("endform_fields",))
    parser.delete_first_token()
    return FormFieldsNode(nodelist, parser.compile_filter(bits[1]), token.lineno)
