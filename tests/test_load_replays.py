"""The load test's replays (bench/locustfile.py) against the real views: a page's form, parsed
as the replay parses it and posted back as it posts it, saves, and its redirect is the one the
load test counts as a save (bench/load.py saved_locations). A replay answered otherwise is a
Locust failure, so each of these failing would show as errors in `make bench`, not as figures.
"""

import random
import re
from urllib.parse import urlencode

from django.urls import reverse

from bench.forms import parse_form, report_choice, with_values
from bench.load import saved_locations
from cases.models import Case, Person
from reports.models import ReportRun
from tests.cases.conftest import register
from tests.helpers import client_for

FORM_ENCODED = "application/x-www-form-urlencoded"


def replay(client, page_path: str, *, action: str | None = None, choose=None):
    """As Signed.replay in bench/locustfile.py: GET the page, POST its form back."""
    page = client.get(page_path)
    assert page.status_code == 200
    form = parse_form(page.content.decode(), action or page_path, page_path)
    fields = with_values(form.fields, choose(form) if choose else {})
    assert "csrfmiddlewaretoken" in dict(fields)
    return client.post(action or page_path, data=urlencode(fields), content_type=FORM_ENCODED)


def saved(response, name: str) -> bool:
    return response.status_code == 302 and bool(
        re.fullmatch(saved_locations()[name], response["Location"])
    )


def test_a_case_edit_replayed_from_its_page_saves_a_new_version(samarinda_staff):
    case = register(samarinda_staff, name="Rudi Hartono")
    path = reverse("cases:edit", kwargs={"pk": case.pk})
    response = replay(client_for(samarinda_staff), path, choose=lambda form: {"notes": "Kunjungan"})
    assert saved(response, "case edit"), response.status_code
    case.refresh_from_db()
    assert (case.notes, case.version) == ("Kunjungan", 2)


def test_a_record_with_no_creator_can_be_edited(samarinda_staff):
    # The synthetic million (and a registry imported before the portal) records cases and
    # persons with no creator: the edit never sets one, so it must not refuse the save. Before,
    # every such edit answered 200, the form again with "This field cannot be empty" above it.
    case = register(samarinda_staff, name="Rudi Hartono")
    Case.objects.filter(pk=case.pk).update(created_by=None)
    Person.objects.filter(pk=case.person_id).update(created_by=None)
    client = client_for(samarinda_staff)
    edited = replay(
        client,
        reverse("cases:edit", kwargs={"pk": case.pk}),
        choose=lambda form: {"notes": "Kunjungan"},
    )
    assert saved(edited, "case edit"), edited.status_code
    person_edit = reverse("cases:person-edit", kwargs={"pk": case.person_id})
    renamed = replay(client, person_edit, choose=lambda form: {"name": "Rudi Hartanto"})
    assert renamed.status_code == 302
    assert Person.objects.get(pk=case.person_id).name == "Rudi Hartanto"
    assert Case.objects.get(pk=case.pk).notes == "Kunjungan"


def test_a_search_replayed_from_the_case_list_is_stored(samarinda_staff):
    register(samarinda_staff, name="Rudi Hartono")
    response = replay(
        client_for(samarinda_staff),
        reverse("cases:list"),
        action=reverse("cases:search"),
        choose=lambda form: {"q": "Rudi"},
    )
    assert saved(response, "search"), (response.status_code, response.get("Location"))


def test_a_report_request_replayed_with_the_load_tests_choice_queues_a_run(provincial_officer):
    client = client_for(provincial_officer)
    rng = random.Random(13)
    for _ in range(3):
        response = replay(
            client, reverse("reports:runs"), choose=lambda form: report_choice(form, rng)
        )
        assert saved(response, "report request"), response.status_code
    assert ReportRun.objects.filter(requested_by=provincial_officer).exists()


def test_the_report_choice_is_a_month_or_quarter_and_a_scope_the_form_offers(provincial_officer):
    page = client_for(provincial_officer).get(reverse("reports:runs"))
    form = parse_form(page.content.decode(), reverse("reports:runs"), reverse("reports:runs"))
    assert len(form.options["scope"]) > 1 and len(form.options["period"]) > 1
    choice = report_choice(form, random.Random(1))
    assert choice["scope"] in form.options["scope"]
    assert choice["period"] in form.options["period"]
    assert re.fullmatch(r"\d{4}-(\d{2}|Q\d)", choice["period"])
