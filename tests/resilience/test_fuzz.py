"""Fuzz: every URL pattern with bad values in each path parameter, query parameter and form
field, GET and POST, as each role: no answer is a 500 and no request raises.

The URLs and their good sample values come from the access matrix (tests/test_access_matrix.py).
Bad values: year 0, a number past every integer column, a negative, letters, 10,000 characters,
an emoji, a right-to-left override and a NUL.

The size of the walk is kept to what CI can run twice (it prints how many requests it made):

* path: each parameter of each pattern gets each bad value. A URL that matches no pattern ends
  in the resolver's 404, the same for every method, so it is asked once (GET), by the roles in
  turn; a URL that still matches (a large id) reaches its view, and is asked GET and POST by
  every role.
* query and form: every field name the portal's forms declare, plus the raw query parameters
  the views read, is sent at once with a bad value, GET (query) and POST (body), each bad value
  once per pattern, by the roles in turn, so that every role meets every pattern.
"""

import re
from urllib.parse import quote, urlencode

import pytest
from django import forms
from django.apps import apps
from django.urls import Resolver404, resolve

from tests.helpers import client_for, project_routes
from tests.test_access_matrix import Context, samples_for

# Committed, not one rolled-back transaction: a request whose query fails on PostgreSQL must
# not break the requests after it.
pytestmark = pytest.mark.django_db(transaction=True)

BAD_VALUES = [
    "0000",  # year 0
    "0",
    "9999999999",
    "99999999999999999999999",  # past bigint
    "-1",
    "abc",
    "x" * 10_000,
    "\U0001f600",  # emoji
    "\u202e6202",  # right-to-left override
    "a\x00b",  # NUL
]
ROLES = ["admin", "provincial_officer", "samarinda_staff", "samarinda_viewer"]
# Query parameters views read without a form (request.GET.get(...)).
RAW_QUERY_PARAMETERS = ["after", "s", "format", "what", "role", "day", "q", "month", "next"]
PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")


def form_field_names() -> list[str]:
    """The field names of every form class of the portal's apps."""
    names = set(RAW_QUERY_PARAMETERS)
    pending = [forms.BaseForm]
    local = {app.name for app in apps.get_app_configs() if not app.name.startswith("django")}
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in local:
            names.update(getattr(cls, "base_fields", {}))
    return sorted(names)


def path_with(route: str, values: dict) -> str:
    return "/" + PARAMETER.sub(lambda m: quote(str(values[m["name"]]), safe=""), route)


class Walk:
    def __init__(self, users: dict):
        self.clients = {name: client_for(user) for name, user in users.items()}
        self.users = users
        self.requests = 0
        self.failures: list[str] = []

    def ask(self, role: str, method: str, url: str, data: dict | None = None, where: str = ""):
        client = self.clients[role]
        try:
            if method == "get":
                response = client.get(url + ("?" + urlencode(data) if data else ""))
            else:
                response = client.post(url, data or {})
        except Exception as error:  # noqa: BLE001 - reported with the others
            self.failures.append(f"{role} {method.upper()} {where} {url[:120]}: {error!r}")
            return
        finally:
            self.requests += 1
        if response.status_code >= 500:
            self.failures.append(
                f"{role} {method.upper()} {where} {url[:120]}: {response.status_code}"
            )
        if "logout" in where:  # a POST there ends the session: sign in again
            self.clients[role] = client_for(self.users[role])


def _placeholder(route: str, name: str) -> str:
    if f"<uuidstr:{name}>" in route or f"<uuid:{name}>" in route:
        return "00000000-0000-4000-8000-000000000000"
    return "pdf" if name == "kind" else "1"


@pytest.fixture
def users(personas):
    return {name: personas[name] for name in ROLES}


def test_no_url_answers_500_to_bad_values(users, personas, settings, tmp_path):
    from cases.categories_data import load_default_categories
    from cases.models import Category, CategoryAlias

    load_default_categories(Category, CategoryAlias)  # the samples' cases need a category
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path
    walk = Walk(users)
    ctx = Context(personas)
    fields = form_field_names()
    turn = 0
    for route in project_routes():
        samples = samples_for(route)
        if samples:
            sample = samples[0]
            good = sample.kwargs(sample.target(ctx), ctx) if route.kwarg_names else {}
        else:  # an API route: its access is walked by tests/api; here values of the right shape
            good = {name: _placeholder(route.route, name) for name in route.kwarg_names}
        url = path_with(route.route, good)
        where = route.name or route.route
        for name in good:
            for bad in BAD_VALUES:
                fuzzed = path_with(route.route, {**good, name: bad})
                try:
                    resolve(fuzzed.split("?")[0])
                except Resolver404:
                    walk.ask(ROLES[turn % len(ROLES)], "get", fuzzed, where=where)
                    turn += 1
                    continue
                for role in ROLES:
                    walk.ask(role, "get", fuzzed, where=where)
                    walk.ask(role, "post", fuzzed, where=where)
        for bad in BAD_VALUES:
            role = ROLES[turn % len(ROLES)]
            turn += 1
            data = dict.fromkeys(fields, bad)
            walk.ask(role, "get", url, data, where=where)
            walk.ask(role, "post", url, data, where=where)
    print(
        f"\nfuzz: {walk.requests} requests, {len(project_routes())} URL patterns, "
        f"{len(fields)} field names, {len(BAD_VALUES)} bad values, {len(ROLES)} roles"
    )
    assert walk.requests > 1000
    assert not walk.failures, f"{len(walk.failures)} failure(s):\n" + "\n".join(walk.failures)
