"""What a browser sends back for a page's form: the load test's replays (bench/locustfile.py)
parse the page they were given, so a replay posts the fields, values and CSRF token the page
really rendered. Kept apart from the locustfile, which Locust imports after patching the
standard library with gevent, so that the tests can check a replay against the real views.
"""

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The fields a browser would send for the first POST form that posts to `action` (a form
    without an action posts to its page, `page`): inputs, checked boxes, selected options, text
    areas. The sign-out button of every page is a POST form too."""

    def __init__(self, action: str, page: str):
        super().__init__(convert_charrefs=True)
        self.action, self.page = action, page
        self.fields: list[tuple[str, str]] = []
        # Every option of each select, in order: a replay may choose another one.
        self.options: dict[str, list[str]] = {}
        self.state = "before"  # before, inside, done
        self.select: str | None = None
        self.select_value: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.state == "before":
            if (a.get("method") or "").lower() == "post" and (
                a.get("action") or self.page
            ).endswith(self.action):
                self.state = "inside"
            return
        if self.state != "inside" or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            self.fields.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select, self.select_value, self.first_option = a["name"], None, None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            self.options.setdefault(self.select, []).append(value)
            if self.first_option is None:
                self.first_option = value
            if "selected" in a:
                self.select_value = value
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if self.state != "inside":
            return
        if tag == "form":
            self.state = "done"
        elif tag == "select" and self.select:
            chosen = self.select_value if self.select_value is not None else self.first_option
            self.fields.append((self.select, chosen or ""))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text.strip("\n")))
            self.textarea = None


def parse_form(html: str, action: str, page: str) -> FormFields:
    parser = FormFields(action, page)
    parser.feed(html)
    return parser


def form_fields(html: str, action: str, page: str) -> list[tuple[str, str]]:
    return parse_form(html, action, page).fields


def with_values(fields: list[tuple[str, str]], values: dict[str, str]) -> list[tuple[str, str]]:
    """The fields with some of them set (or added) as a user would have typed or chosen."""
    return [(key, value) for key, value in fields if key not in values] + list(values.items())


def report_choice(form: FormFields, rng) -> dict[str, str]:
    """A scope (the province or a regency) and a month or quarter of the report form's own
    options, so that most load-test requests ask for a report nobody asked for yet (the same
    scope and period is answered with its existing run). Not the years: the oldest come before
    the first recorded case, which the form refuses, rightly."""
    periods = [code for code in form.options.get("period", []) if "-" in code]
    return {
        "scope": rng.choice(form.options.get("scope") or [""]),
        "period": rng.choice(periods or [""]),
    }
