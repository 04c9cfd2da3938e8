"""The access matrix: every URL of the project, for anonymous users and every persona.

Nothing here lists views by hand. The URL patterns are walked from the root URLconf; what each
persona should get is derived from the view's declared policy (public / authenticated /
requires:<capability>), the role's capabilities (access.CAPABILITIES) and, for URLs that name
an object, whether the object is within the persona's scope. A view added tomorrow is checked
the day it is added; one that declares no policy, or that forgets to scope its objects, fails.

URLs with parameters need sample values, kept in SAMPLES (tests/access_samples.py) by URL
name. Each sample names the object it points at, so that the test knows whose it is: Kota
Balikpapan's objects must be a 404 for Samarinda's staff, never a 200. A new URL with parameters
fails the suite until it has samples: give it one object of Balikpapan and one of Samarinda. The
REST API's URLs (access.API_POLICY) are not walked here: the API answers 401/400 of its own, and
tests/api/test_access.py walks it.

Every request is made with GET and with an empty POST. Besides the expected outcome, a request
that is refused (login, 403, 404, 405) must change no row of any table, and a GET may only
append to the audit trail (reading personal records is logged).

Every body is read too (pages, CSV, the XML inside an XLSX, a PDF's text: tests/bodies.py).
Each regency-owned sample carries a marker unique to it in its text fields (`marker()`); no
response to a persona may show a marker of a regency it does not see, so a list, export or
dashboard that forgets its scope fails as surely as a detail view. Lists and exports are read
again with filters, in each file format (QUERY_VARIANTS) and after a name search. URLs that
join a parent with a child id are also sampled with the child of another parent (`crossed`):
always refused. `test_the_matrix_reports_a_list_whose_scoping_is_removed` proves the body
check sees a list that shows every regency's rows.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.db import connection, models
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path, reverse

from accounts.models import User
from accounts.roles import REGENCY_ROLES
from pmks_portal import access
from pmks_portal import urls as project_urls
from pmks_portal.access import CAPABILITIES, Capability
from regions.models import Region

# Context, SAMPLES, samples_for, QUERY_VARIANTS, _case and _kube are imported from here by other
# tests too (the UI, spreadsheet, fuzz and identifier-masking tests).
from tests.access_sample_objects import MARKER, Context
from tests.access_sample_objects import _case as _case
from tests.access_sample_objects import _kube as _kube
from tests.access_samples import QUERY_VARIANTS, SAMPLES, is_api, needs_samples, samples_for
from tests.bodies import readable_text
from tests.conftest import PERSONAS
from tests.helpers import Route, client_for, project_routes

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"

# What a request can come to.
LOGIN = "redirect to login"
FORBIDDEN = "403 forbidden"
HIDDEN = "404 not found"
ALLOWED = "allowed"
WRONG_METHOD = "405 method not allowed"

# Rows that a request may change however it ends: the session, and axes' sign-in log.
NOT_FINGERPRINTED = {"sessions.session", "axes.accesslog", "axes.accessattempt"}


# ---------------------------------------------------------------------------------------------
# What should happen, from the policy, the role's capabilities and the object's scope.


def has_capability(user, capability: Capability) -> bool:
    if not user.is_active or (user.role in REGENCY_ROLES and user.regency_id is None):
        return False
    return capability in CAPABILITIES.get(user.role, frozenset())


def in_scope(user, target: models.Model) -> bool:
    manager = type(target)._default_manager
    assert hasattr(manager.all(), "visible_to"), (
        f"{type(target).__name__} has no visible_to(user): scope its queryset in pmks_portal.access"
    )
    return manager.all().visible_to(user).filter(pk=target.pk).exists()


def expected_outcome(policy: str, user, target) -> str:
    if policy == "public":
        return ALLOWED
    if user is None:
        return LOGIN
    if policy.startswith("requires:"):
        if not has_capability(user, Capability(policy.removeprefix("requires:"))):
            return FORBIDDEN
    elif policy != "authenticated":
        raise AssertionError(f"Unknown access policy {policy!r}")
    if target is not None and not in_scope(user, target):
        return HIDDEN
    return ALLOWED


def observed_outcome(response) -> str:
    status = response.status_code
    if status == 302 and _is_login_redirect(response["Location"]):
        return LOGIN
    if status in (200, 204, 301, 302, 303):
        return ALLOWED
    return {403: FORBIDDEN, 404: HIDDEN, 405: WRONG_METHOD}.get(status, f"status {status}")


def _is_login_redirect(location: str) -> bool:
    # A sign-in page that is asked to come back afterwards: the login-required redirect (and not
    # the redirect to the sign-in page that follows a logout).
    parts = urlsplit(location)
    return parts.path == reverse("login") and "next" in parse_qs(parts.query)


def acceptable(expected: str, observed: str, user, target) -> bool:
    if observed == expected:
        return True
    # A 405 reveals nothing about the object and changes nothing; anonymous users must still be
    # sent to sign in first.
    if observed == WRONG_METHOD and expected != LOGIN:
        return True
    # In scope without the right to change it is a 403 (access.get_object_for_user).
    return (
        expected == ALLOWED
        and observed == FORBIDDEN
        and target is not None
        and not target.writable_by(user)
    )


def regency_of(target: models.Model) -> str | None:
    """The regency that owns an object: its code for regions, its regency for the rest."""
    if isinstance(target, Region):
        return target.regency_code
    return getattr(target, "regency_id", None)


def database_fingerprint() -> dict:
    """Every row of every table the portal owns (sessions and the sign-in log aside)."""
    fingerprint = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models():
            meta = model._meta
            if meta.label_lower in NOT_FINGERPRINTED or meta.proxy or not meta.managed:
                continue
            # Plain SQL: the ORM's row objects would make the matrix several times slower.
            columns = ", ".join(
                quote(field.column)
                for field in meta.concrete_fields
                if field.column != "last_login"
            )
            order = ", ".join(quote(field.column) for field in meta.pk_fields)  # composite too
            cursor.execute(
                f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608 - names from models
                f"ORDER BY {order}"
            )
            fingerprint[meta.label_lower] = cursor.fetchall()
    return fingerprint


AUDIT_TRAIL = "audit.auditevent"


def changed_tables(before: dict, after: dict, *, audit_may_grow: bool) -> list[str]:
    """Tables whose rows differ. Reading personal records may append to the audit trail."""
    changed = []
    for label, rows in before.items():
        if label == AUDIT_TRAIL and audit_may_grow:
            if after[label][: len(rows)] != rows:
                changed.append(label)
        elif after[label] != rows:
            changed.append(label)
    return changed


def problems_with(method, url, where, expected, response, user, target, before) -> list[str]:
    """What is wrong with one response, given what the persona should have got."""
    problems = []
    observed = observed_outcome(response)
    if not acceptable(expected, observed, user, target):
        problems.append(f"{where}: expected {expected}, got {observed}")
    if (
        user is not None
        and user.role in REGENCY_ROLES
        and target is not None
        and regency_of(target) != user.regency_id
        and observed == ALLOWED
    ):
        problems.append(f"{where}: LEAK, an object outside {user.regency_id} was served")
    if response.status_code == 200:
        shown = foreign_markers(readable_text(response), user)
        if shown:
            problems.append(f"{where}: LEAK, the body shows {', '.join(shown)}")
    if observed != ALLOWED or method == "get":
        # Refused requests change nothing at all; a GET changes nothing but the audit trail.
        changed = changed_tables(before, database_fingerprint(), audit_may_grow=observed == ALLOWED)
        if changed:
            why = "a GET" if observed == ALLOWED else f"a request refused with {observed}"
            problems.append(f"{where}: {why} changed {', '.join(changed)}")
    return problems


def foreign_markers(text: str, user) -> list[str]:
    """The markers in a body that the user may not see: the province's readers may see every
    regency's, a regency role its own, anyone else none."""
    if user is not None and has_capability(user, Capability.READ_RECORDS):
        if user.role not in REGENCY_ROLES:
            return []
        own = user.regency_id.replace(".", "")
    else:
        own = None
    return sorted({match[0] for match in MARKER.finditer(text) if match[1] != own})


# ---------------------------------------------------------------------------------------------
# The tests.


def test_every_view_declares_an_access_policy():
    missing = [
        f"{route.route} ({route.name or 'unnamed'})"
        for route in project_routes()
        if access.policy_of(route.view) is None
    ]
    assert not missing, (
        "These views declare no access policy, so AccessPolicyMiddleware refuses them. Decorate "
        "each with access.public, access.authenticated or access.requires(...): "
        + ", ".join(missing)
    )


def test_every_policy_is_known_and_names_a_real_capability():
    known = {"public", "authenticated", access.API_POLICY} | {f"requires:{c}" for c in Capability}
    unknown = {
        route.name: access.policy_of(route.view)
        for route in project_routes()
        if access.policy_of(route.view) not in known
    }
    assert not unknown, f"Access policies that the matrix cannot interpret: {unknown}"


def test_every_url_pattern_has_a_name():
    unnamed = [route.route for route in project_routes() if not route.name]
    assert not unnamed, (
        f"Give these URL patterns a name so that the access matrix can reach them: {unnamed}"
    )


def test_every_url_with_parameters_has_sample_values():
    missing = [
        f"{route.name} ({route.route}, parameters: {', '.join(route.kwarg_names) or 'positional'})"
        for route in project_routes()
        if needs_samples(route) and route.name not in SAMPLES
    ]
    assert not missing, (
        "The access matrix cannot request these URLs: add sample values for them to SAMPLES in "
        "tests/access_samples.py (an object of Balikpapan and one of Samarinda, so that "
        "scoping is checked): " + "; ".join(missing)
    )


def test_every_sample_belongs_to_a_url_that_still_exists():
    names = {route.name for route in project_routes()}
    stale = sorted(set(SAMPLES) - names)
    assert not stale, f"SAMPLES has entries for URLs that no longer exist: {stale}"


@pytest.fixture
def superuser_without_role(kaltim):
    """Django's superuser flag grants nothing in the portal: only roles do."""
    return User.objects.create_superuser("root_tanpa_peran", "root@example.invalid", "x" * 20)


def matrix_problems(user, ctx: Context, routes: list[Route]) -> tuple[int, list[str]]:
    """(requests made, problems) of every sample URL of the routes, with GET and an empty POST,
    then the lists and exports again with filters (QUERY_VARIANTS) and after a name search."""
    failures = []
    requests_made = 0

    def check(method: str, url: str, where: str, expected: str, target, client=None):
        nonlocal requests_made
        # A fresh sign-in for every request: a POST to logout must not end the others.
        client = client or client_for(user)
        before = database_fingerprint()
        try:
            response = getattr(client, method)(url)
        except Exception as error:  # noqa: BLE001 - reported with the others below
            failures.append(f"{where}: raised {error!r}")
            return
        requests_made += 1
        failures.extend(problems_with(method, url, where, expected, response, user, target, before))

    for route in routes:
        policy = access.policy_of(route.view)
        assert policy is not None, f"{route.name} declares no access policy"
        for sample in samples_for(route):
            obj = sample.target(ctx)
            url = reverse(route.name, kwargs=sample.kwargs(obj, ctx))
            target = obj if sample.scoped else None
            expected = expected_outcome(policy, user, target)
            if sample.crossed and expected == ALLOWED:
                expected = HIDDEN
            for method in ("get", "post"):
                where = f"{method.upper()} {url} ({route.name}, {policy}) {sample.label}".strip()
                check(method, url, where, expected, target)
            for query in QUERY_VARIANTS.get(route.name, []):
                check(
                    "get", f"{url}?{query}", f"GET {url}?{query} ({route.name})", expected, target
                )
    names = {route.name for route in routes}
    if {"cases:list", "cases:export"} & names and user is not None:
        # A name search shared by both regencies' persons ("Orang ..."), kept in the session.
        client = client_for(user)
        found = client.post(reverse("cases:search"), {"q": "Orang"})
        token = parse_qs(urlsplit(found.get("Location", "")).query).get("s", [""])[0]
        expected = expected_outcome(f"requires:{Capability.READ_RECORDS}", user, None)
        for name, query in (("cases:list", ""), ("cases:export", "&format=xlsx")):
            if name in names:
                url = f"{reverse(name)}?s={token}{query}"
                check("get", url, f"GET {url} ({name}, a name search)", expected, None, client)
    return requests_made, failures


@pytest.mark.parametrize("persona", [ANONYMOUS, *PERSONAS, "superuser_without_role"])
def test_every_url_gives_each_persona_only_what_its_role_and_regency_allow(
    persona, personas, request, settings, tmp_path
):
    # /healthz is public; in eager mode it does not depend on a broker being up.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path  # sample attachments are written here
    user = None if persona == ANONYMOUS else request.getfixturevalue(persona)
    routes = project_routes()
    unreachable = [r.name for r in routes if needs_samples(r) and r.name not in SAMPLES]
    assert not unreachable, f"Add sample values to SAMPLES for: {unreachable}"

    requests_made, failures = matrix_problems(user, Context(personas), routes)

    assert requests_made >= 2 * len([route for route in routes if not is_api(route)])
    assert not failures, f"{persona}: {len(failures)} problem(s):\n" + "\n".join(failures)


@pytest.mark.parametrize(
    ("route_name", "queryset_path"),
    [
        ("kube:list", "kube.querysets.KubeQuerySet"),
        ("cases:export", "cases.querysets.CaseQuerySet"),
        ("cases:list", "cases.querysets.CaseQuerySet"),
    ],
)
def test_the_matrix_reports_a_list_whose_scoping_is_removed(
    route_name, queryset_path, personas, settings, tmp_path, monkeypatch
):
    """The body check is not blind: a list that shows every regency's rows is reported."""
    settings.MEDIA_ROOT = tmp_path
    ctx = Context(personas)
    for route in project_routes():  # every sample exists, Balikpapan's markers included
        for sample in samples_for(route):
            sample.target(ctx)
    routes = [route for route in project_routes() if route.name == route_name]
    user = personas["samarinda_staff"]
    assert matrix_problems(user, ctx, routes)[1] == []
    monkeypatch.setattr(f"{queryset_path}.visible_to", lambda queryset, user: queryset)
    leaks = [line for line in matrix_problems(user, ctx, routes)[1] if "LEAK" in line]
    assert leaks and all("Penanda6471" in line for line in leaks)


def test_the_matrix_reports_a_member_taken_from_another_group(
    personas, settings, tmp_path, monkeypatch
):
    """The crossed samples are not blind: a view that finds the member without its group
    (here by replacing the KUBE views' lookup) is reported for the other group's member."""
    from django.shortcuts import get_object_or_404

    from kube.models import KubeMember
    from kube.views import members as kube_views

    settings.MEDIA_ROOT = tmp_path
    routes = [route for route in project_routes() if route.name == "kube:member-leave"]
    user, ctx = personas["samarinda_staff"], Context(personas)
    assert matrix_problems(user, ctx, routes)[1] == []
    monkeypatch.setattr(
        kube_views, "_member", lambda kube, member_pk: get_object_or_404(KubeMember, pk=member_pk)
    )
    problems = matrix_problems(user, ctx, routes)[1]
    assert any("another KUBE of Samarinda" in line for line in problems), problems


# ---------------------------------------------------------------------------------------------
# Deny by default, proved on a URLconf with a view that declares no policy.


def view_without_policy(request):
    return HttpResponse("this view forgot its access policy")


class UrlconfWithAForgottenPolicy:
    urlpatterns = [
        path("lupa-kebijakan/", view_without_policy, name="forgotten"),
        *project_urls.urlpatterns,
    ]


def test_a_view_without_an_access_policy_is_refused_to_a_signed_in_user(admin):
    with override_settings(ROOT_URLCONF=UrlconfWithAForgottenPolicy):
        assert access.policy_of(view_without_policy) is None
        response = client_for(admin).get("/lupa-kebijakan/")
        assert response.status_code == 403
        assert b"forgot its access policy" not in response.content


def test_a_view_without_an_access_policy_sends_anonymous_users_to_sign_in(kaltim):
    with override_settings(ROOT_URLCONF=UrlconfWithAForgottenPolicy):
        response = client_for(None).get("/lupa-kebijakan/")
        assert response.status_code == 302
        assert _is_login_redirect(response["Location"])


def test_the_matrix_walk_finds_the_forgotten_view(kaltim):
    with override_settings(ROOT_URLCONF=UrlconfWithAForgottenPolicy):
        found = {route.name: route for route in project_routes()}
    assert "forgotten" in found
    assert access.policy_of(found["forgotten"].view) is None
