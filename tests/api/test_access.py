"""Access per capability, for every operation of the schema: no token is a 401, a client
without the capability a 403, another regency's object a 404; refused requests change nothing.

OPERATIONS names each operation's capability. An endpoint added to the API and not listed here
fails test_every_operation_is_listed, so none escapes this walk.
"""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from audit.models import AuditEvent
from cases.models import Case, Intervention, Person
from kube.models import Kube, KubeReport
from rakornis.models import FollowUpUpdate, Meeting, Recommendation
from reports import services as report_services
from reports.models import ReportRun
from tests.api.conftest import ApiCaller, issue
from tests.kube.conftest import new_group
from tests.kube.conftest import reference as kube_reference  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

READ, WRITE, AGGREGATES, FOLLOW_UP = "read", "write", "aggregates", "follow-up writer"
OPERATIONS = {
    ("get", "/api/v1/cases/"): READ,
    ("post", "/api/v1/cases/"): WRITE,
    ("post", "/api/v1/cases/search/"): READ,
    ("get", "/api/v1/cases/{pk}/"): READ,
    ("post", "/api/v1/cases/{pk}/transitions/"): WRITE,
    ("get", "/api/v1/cases/{pk}/interventions/"): READ,
    ("post", "/api/v1/cases/{pk}/interventions/"): WRITE,
    ("get", "/api/v1/persons/"): READ,
    ("post", "/api/v1/persons/"): WRITE,
    ("get", "/api/v1/persons/{pk}/"): READ,
    ("get", "/api/v1/regions/"): READ,
    ("get", "/api/v1/categories/"): READ,
    ("get", "/api/v1/aggregates/"): AGGREGATES,
    ("post", "/api/v1/reports/"): READ,
    ("get", "/api/v1/reports/{pk}/"): READ,
    ("get", "/api/v1/reports/{pk}/{kind}/"): READ,
    ("get", "/api/v1/kube/"): READ,
    ("post", "/api/v1/kube/"): WRITE,
    ("get", "/api/v1/kube/{pk}/"): READ,
    ("get", "/api/v1/kube/{pk}/reports/"): READ,
    ("post", "/api/v1/kube/{pk}/reports/"): WRITE,
    ("get", "/api/v1/follow-ups/"): READ,
    ("get", "/api/v1/follow-ups/{pk}/"): READ,
    # The page's rule: whoever FollowUp.writable_by admits (its regency's writers).
    ("post", "/api/v1/follow-ups/{pk}/updates/"): FOLLOW_UP,
}
QUERY = {"/api/v1/aggregates/": {"from": "2026-10", "to": "2026-10"}}
WATCHED = [Person, Case, Intervention, Kube, KubeReport, FollowUpUpdate, ReportRun]


def test_every_operation_is_listed(kaltim):
    schema = Client().get("/api/v1/schema/").json()
    documented = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert documented == set(OPERATIONS)


@pytest.fixture
def objects(samarinda_staff, balikpapan_staff, samarinda_case, balikpapan_case, settings, tmp_path):
    """One object of each kind per city, keyed by the path's first part."""
    settings.MEDIA_ROOT = tmp_path
    meeting = Meeting.objects.create(
        title="Rakornis",
        year=2026,
        venue="Sangatta",
        organiser="Rehsos",
        starts_on=dt.date(2026, 10, 14),
        ends_on=dt.date(2026, 10, 15),
        status="held",
    )
    recommendation = Recommendation.objects.create(
        meeting=meeting, number=1, text="Contoh", category="pasung", due_on=dt.date(2026, 12, 31)
    )
    made = {}
    for city, staff, case in (
        ("64.72", samarinda_staff, samarinda_case),
        ("64.71", balikpapan_staff, balikpapan_case),
    ):
        run, _ = report_services.report_request(
            actor=staff, regency=staff.regency, period="2026-10", publish=False
        )
        run.pdf_file = default_storage.save(f"reports/{city}.pdf", ContentFile(b"%PDF-1.4"))
        run.save(update_fields=["pdf_file"])
        made[city] = {
            "cases": case.pk,
            "persons": case.person_id,
            "kube": new_group(staff, name=f"KUBE {city}").pk,
            "follow-ups": recommendation.follow_ups.create(
                regency_id=city, due_on=dt.date(2026, 12, 31)
            ).pk,
            "reports": run.pk,
        }
    return made


def url_for(path: str, objects: dict, city: str) -> str:
    kind = path.removeprefix("/api/v1/").split("/", 1)[0]
    return path.replace("{pk}", str(objects[city].get(kind, ""))).replace("{kind}", "pdf")


def call(caller, method: str, url: str, path: str):
    if method == "get":
        return caller.get(url, QUERY.get(path))
    return caller.post(url, {})


def counts():
    return [model.objects.count() for model in WATCHED]


def expected(capability: str, client: str, city: str, has_object: bool) -> set[int]:
    grants = {
        "reader": {READ},
        "writer": {READ, WRITE, FOLLOW_UP},
        "aggregator": {AGGREGATES},
    }[client]
    hidden = has_object and city != "64.72"
    if capability not in grants:
        # A follow-up's writers are found through the record: out of scope stays a 404.
        if capability == FOLLOW_UP and READ in grants:
            return {404} if hidden else {403}
        return {403}
    if hidden:
        return {404}
    return {200, 201, 202, 400, 409}


def test_every_operation_answers_each_client_as_its_capabilities_and_scope_allow(
    admin, samarinda, objects
):
    callers = {
        "reader": ApiCaller(issue(admin, regency=samarinda).token),
        "writer": ApiCaller(issue(admin, regency=samarinda, can_write=True).token),
        "aggregator": ApiCaller(
            issue(admin, regency=samarinda, can_read=False, can_aggregate=True).token
        ),
    }
    failures = []
    for (method, path), capability in OPERATIONS.items():
        has_object = "{pk}" in path
        for city in ("64.72", "64.71") if has_object else ("64.72",):
            url = url_for(path, objects, city)
            anonymous = call(ApiCaller("none"), method, url, path)
            if anonymous.status_code != 401:
                failures.append(f"{method} {url} without a token: {anonymous.status_code}")
            for name, caller in callers.items():
                before = counts()
                audit_before = AuditEvent.objects.count()
                response = call(caller, method, url, path)
                allowed = expected(capability, name, city, has_object)
                if response.status_code not in allowed:
                    failures.append(
                        f"{method} {url} as {name}: {response.status_code}, expected {allowed}"
                    )
                refused = response.status_code >= 400
                if refused and (counts() != before or AuditEvent.objects.count() != audit_before):
                    failures.append(f"{method} {url} as {name}: refused but changed rows")
    assert not failures, "\n".join(failures)
