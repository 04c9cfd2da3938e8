"""The page lines of `make bench`: keyset lists at 1%, 50% and 99% of their depth, name and NIK
search for staff and the province, details and dashboards; CPU per request beside each.

A deep page is reached by building its cursor at that depth (the row at that offset, signed as
the list signs it), not by following "next": fifty pages from the top all fall on one
registration date and would hide a condition that cannot seek past the rows before it.
"""

import random
from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import QuerySet
from django.test import Client

from accounts.roles import Role
from bench.measure import (
    HEADER,
    LIST_CPU_GOAL_MS,
    REGENCY,
    Line,
    Report,
    bench_user,
    measure_get,
    measure_search,
    percentile,
    signed_in,
    url_exists,
    url_or_none,
)
from cases.forms import CaseFilterForm
from cases.models import Case, Person
from kube.forms import KubeFilterForm
from kube.models import Kube
from pmks_portal import pagination
from rakornis.models import FollowUp, Meeting
from regions.models import Region

DEPTHS = (0.01, 0.50, 0.99)
# Issue #13: a deep page costs at most 1.5 times the first.
DEPTH_RATIO_GOAL = 1.5
# Fewer rows than this and a list has no depth worth measuring (its plan is still tested:
# tests/foundation/test_pagination.py).
MIN_DEPTH_ROWS = 2_000


def typo(name: str, rng: random.Random) -> str:
    """A spelling slip: two neighbouring letters swapped, or one doubled or dropped."""
    i = rng.randrange(1, max(len(name) - 2, 2))
    kind = rng.random()
    if kind < 0.4:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind < 0.7:
        return name[:i] + name[i] + name[i:]
    return name[:i] + name[i + 1 :]


def sample_persons(regency: str, count: int, rng: random.Random) -> list[Person]:
    """Persons of a regency at random ids (an index lookup, not ORDER BY random())."""
    bounds = Person.objects.order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    picked: list[Person] = []
    while len(picked) < count:
        ids = [rng.randint(low, high) for _ in range(count * 4)]
        picked += list(
            Person.objects.filter(pk__in=ids, regency_id=regency).only("pk", "name", "nik")
        )
    return picked[:count]


def name_queries(persons: list[Person], rng: random.Random) -> list[str]:
    """A third full names, a third one word of a name, a third with a spelling slip."""
    texts = []
    for i, person in enumerate(persons):
        if i % 3 == 0:
            texts.append(person.name)
        elif i % 3 == 1:
            texts.append(max(person.name.split(), key=len))
        else:
            texts.append(typo(person.name, rng))
    return texts


@dataclass
class KeysetList:
    """A list page and the rows it pages through, ordered as its view orders them."""

    label: str
    client: Client
    url: str  # with its filters, without a cursor
    rows: QuerySet
    field: str
    descending: bool

    def depth_url(self, total: int, fraction: float) -> str:
        prefix = "-" if self.descending else ""
        ordered = self.rows.order_by(f"{prefix}{self.field}", f"{prefix}pk")
        value, pk = ordered.values_list(self.field, "pk")[int(total * fraction)]
        # As the first page would have signed it: with its capped count.
        cursor = pagination.cursor_for(
            value,
            pk,
            count=min(total, pagination.COUNT_CAP),
            count_capped=total > pagination.COUNT_CAP,
        )
        joiner = "&" if "?" in self.url else "?"
        return f"{self.url}{joiner}after={quote(cursor)}"


def keyset_lists(staff_user, province_user) -> list[KeysetList]:
    staff, province = signed_in(staff_user), signed_in(province_user)
    cases_url, kube_url = url_or_none("cases:list"), url_or_none("kube:list")
    newest, found = CaseFilterForm.SORTS["newest"], CaseFilterForm.SORTS["found"]
    kube_name = KubeFilterForm.SORTS["name"]
    return [
        KeysetList(
            "cases, Samarinda staff",
            staff,
            cases_url,
            Case.objects.visible_to(staff_user),
            *newest,
        ),
        KeysetList(
            "cases, provincial officer",
            province,
            cases_url,
            Case.objects.visible_to(province_user),
            *newest,
        ),
        KeysetList(
            "cases, Samarinda staff, sort=found",
            staff,
            f"{cases_url}?sort=found",
            Case.objects.visible_to(staff_user),
            *found,
        ),
        KeysetList(
            "persons (API), provincial officer",
            province,
            url_or_none("api:persons"),
            Person.objects.visible_to(province_user).current(),
            "created_at",
            True,
        ),
        KeysetList(
            "KUBE, provincial officer",
            province,
            kube_url,
            Kube.objects.visible_to(province_user),
            *kube_name,
        ),
        KeysetList(
            "Rakornis meetings, provincial officer",
            province,
            url_or_none("rakornis:list"),
            Meeting.objects.visible_to(province_user),
            "starts_on",
            True,
        ),
        KeysetList(
            "follow-ups, provincial officer",
            province,
            url_or_none("rakornis:follow-ups"),
            FollowUp.objects.visible_to(province_user).open(),
            "due_on",
            False,
        ),
    ]


def bench_depths(report: Report, lists: list[KeysetList]) -> None:
    """Page 1 and the pages at each depth of every keyset list, and the deep/first ratio."""
    for keyset in lists:
        total = keyset.rows.count()
        first = Line(f"{keyset.label}, page 1", "list")
        if total < MIN_DEPTH_ROWS:
            first.note = f"{total:,} rows only: depth not measured (the plan test covers it)"
            report(first.row())
            continue
        report(measure_get(first, keyset.client, [keyset.url]).row())
        deepest = 0.0
        for fraction in DEPTHS:
            line = Line(f"{keyset.label}, at {fraction:.0%} of {total:,}", "list")
            measure_get(line, keyset.client, [keyset.depth_url(total, fraction)])
            deepest = max(deepest, line.p95())
            report(line.row())
        ratio = deepest / first.p95()
        verdict = "ok" if ratio <= DEPTH_RATIO_GOAL else "MISSED"
        report(
            f"{keyset.label + ', deepest p95 / page 1 p95':<52} {ratio:.2f}× "
            f"(goal ≤ {DEPTH_RATIO_GOAL}×) {verdict}"
        )


def bench_pages(report: Report) -> None:
    samarinda = Region.objects.get(code=REGENCY)
    staff_user = bench_user("bench_samarinda", Role.REGENCY_STAFF, samarinda)
    province_user = bench_user("bench_provinsi", Role.PROVINCIAL_OFFICER, None)
    staff, province = signed_in(staff_user), signed_in(province_user)
    rng = random.Random(2016)
    persons = sample_persons(REGENCY, 100, rng)
    case_ids = list(
        Case.objects.filter(person__in=[p.pk for p in persons]).values_list("pk", flat=True)
    )
    rng.shuffle(case_ids)
    names = name_queries(persons, rng)
    niks = [p.nik for p in persons if p.nik]
    list_url = url_or_none("cases:list")

    def lists(client, *queries):
        return lambda line: measure_get(line, client, [f"{list_url}{q}" for q in queries])

    def search(client, texts):
        return lambda line: measure_search(line, client, texts)

    def details(name, urls_of):
        return lambda line: measure_get(line, staff, [url_or_none(name, pk=pk) for pk in urls_of])

    def dashboard(client):
        return lambda line: measure_get(line, client, [url_or_none("reports:dashboard")])

    # (label, goal kind, URL names it needs, how to measure)
    specs = [
        (
            "case list, Samarinda staff, status=in_handling",
            "list",
            ["cases:list"],
            lists(staff, "?status=in_handling"),
        ),
        (
            "case list, provincial officer, regency=64.11",
            "list",
            ["cases:list"],
            lists(province, "?regency=64.11"),
        ),
        (
            "name search, Samarinda staff (POST + list)",
            "search",
            ["cases:search", "cases:list"],
            search(staff, names),
        ),
        (
            "name search, provincial officer (POST + list)",
            "search",
            ["cases:search", "cases:list"],
            search(province, names),
        ),
        (
            "NIK search, Samarinda staff (POST + list)",
            "search",
            ["cases:search", "cases:list"],
            search(staff, niks),
        ),
        (
            "case detail, Samarinda staff",
            "detail",
            ["cases:detail"],
            details("cases:detail", case_ids),
        ),
        (
            "person detail, Samarinda staff",
            "detail",
            ["cases:person-detail"],
            details("cases:person-detail", [p.pk for p in persons]),
        ),
        ("dashboard, Samarinda staff", "dashboard", ["reports:dashboard"], dashboard(staff)),
        ("dashboard, provincial officer", "dashboard", ["reports:dashboard"], dashboard(province)),
    ]
    report(HEADER)
    report("-" * len(HEADER))
    bench_depths(report, keyset_lists(staff_user, province_user))
    for label, kind, needs, measure in specs:
        line = Line(label, kind)
        missing = [name for name in needs if not url_exists(name)]
        if missing:
            line.note = f"not available yet (no URL {', '.join(missing)})"
        else:
            try:
                line = measure(line)
            except Exception as error:  # one broken page must not hide the others' figures
                line = Line(label, kind, note=f"failed: {type(error).__name__}: {error}"[:160])
        report(line.row())
    cpu_line(report, staff)


def cpu_line(report: Report, staff: Client) -> None:
    """Issue #13's page cost: CPU of this process for a 25-row list page, its median."""
    line = measure_get(
        Line("CPU of a 25-row case list page", "cpu"), staff, [url_or_none("cases:list")]
    )
    cpu = percentile(line.cpu_ms, 50)
    verdict = "ok" if cpu <= LIST_CPU_GOAL_MS else "MISSED"
    report(
        f"{line.label:<52} p50 {cpu:.1f} ms, p95 {percentile(line.cpu_ms, 95):.1f} ms of CPU "
        f"(goal ≤ {LIST_CPU_GOAL_MS:.0f} ms) {verdict}; "
        f"wall p50 {percentile(line.times_ms, 50):.1f} ms; "
        f"load {line.load}"
    )
