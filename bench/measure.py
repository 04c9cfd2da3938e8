"""What the in-process benchmarks share: a timed line of requests, the report, bench users.

Import it after django.setup() (bench/run.py does). Each line records, per request, the wall
time, the CPU time of this process (Python, templates, the driver: what a page costs the web
worker, whatever the database does) and, for a few requests, the number of SQL statements; and
the load average when it ended, since six other jobs may share the machine.
"""

import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from accounts import services as account_services
from accounts.models import User
from regions.models import Region

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", 200))
WARMUP = 10
# A line stops early once it has taken this long and has at least MIN_SAMPLES requests, so
# that a slow page (seconds per request) does not hold the run for an hour.
LINE_SECONDS = float(os.environ.get("BENCH_LINE_SECONDS", 90))
MIN_SAMPLES = 30
REGENCY = "64.72"  # Kota Samarinda, the largest city: the heaviest regency-scoped lists
P95_GOAL_MS = 150.0
# Issue #13: name search p95 ≤ 100 ms at a million, for staff and for the province.
SEARCH_GOAL_MS = 100.0
# Issue #13: ≤ 25 ms of CPU for a list page of 25 rows.
LIST_CPU_GOAL_MS = 25.0
# PERFORMANCE.md G3: query budgets, whatever the page size.
QUERY_BUDGET = {"list": 5, "search": 5, "detail": 8, "dashboard": 6}


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


@dataclass
class Line:
    label: str
    kind: str  # list, search, detail, dashboard: which goal applies
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    note: str = ""
    load: str = ""

    def p95(self) -> float:
        return percentile(self.times_ms, 95)

    def row(self) -> str:
        if self.note:
            return f"{self.label:<52} {self.note}"
        p95 = self.p95()
        queries = (
            f"{min(self.queries)}"
            if min(self.queries) == max(self.queries)
            else f"{min(self.queries)}-{max(self.queries)}"
        )
        goal = {"list": P95_GOAL_MS, "search": SEARCH_GOAL_MS}.get(self.kind)
        budget = QUERY_BUDGET.get(self.kind)
        verdicts = []
        if goal is not None:
            verdicts.append("ok" if p95 <= goal else "MISSED")
        if budget is not None:
            verdicts.append("q ok" if max(self.queries) <= budget else "q over")
        goal_text = f"≤{goal:.0f} ms" if goal else "-"
        return (
            f"{self.label:<52} {len(self.times_ms):>5} {percentile(self.times_ms, 50):>8.1f} "
            f"{p95:>8.1f} {percentile(self.times_ms, 99):>8.1f} "
            f"{percentile(self.cpu_ms, 50):>7.1f} {queries:>7} "
            f"{goal_text:>8} {(budget or '-'):>6}  {' '.join(verdicts):<12} {self.load}"
        )


HEADER = (
    f"{'line':<52} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'cpu ms':>7} "
    f"{'queries':>7} {'p95 goal':>8} {'q max':>6}  {'verdict':<12} load (1, 5, 15 min)"
)


class Report:
    def __init__(self, name: str = "latest.txt"):
        self.name = name
        self.lines: list[str] = []

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def save(self) -> Path:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / self.name
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        return path


def url_or_none(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def url_exists(name: str) -> bool:
    """Whether a URL name resolves, with or without a pk."""
    return url_or_none(name) is not None or url_or_none(name, pk=1) is not None


def bench_user(username: str, role: str, regency: Region | None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(
            actor=None,
            username=username,
            role=role,
            regency=regency,
            first_name=username.replace("_", " ").title(),
        )
    return user


def signed_in(user: User) -> Client:
    """A client signed in as `user`, with the second factor verified for the roles that need
    one (the test suite's helper, so that both sign in alike)."""
    from tests.helpers import sign_in

    return sign_in(Client(), user)


def run_timed(line: Line, requests: list) -> None:
    """ITERATIONS timed requests, taken in turn, or fewer when the line runs out of time."""
    started = time.perf_counter()
    for i in range(ITERATIONS):
        wall, cpu = time.perf_counter(), time.process_time()
        requests[i % len(requests)]()
        line.times_ms.append((time.perf_counter() - wall) * 1000)
        line.cpu_ms.append((time.process_time() - cpu) * 1000)
        if len(line.times_ms) >= MIN_SAMPLES and time.perf_counter() - started > LINE_SECONDS:
            break
    line.load = load()


def counted(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        request()
    return len(captured.captured_queries)


def getter(client: Client, url: str):
    def request():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{urlsplit(url).path} answered {response.status_code}")

    return request


def measure_get(line: Line, client: Client, urls: list[str]) -> Line:
    """GET each URL in turn; the first requests warm caches and are not counted."""
    for i in range(WARMUP):
        getter(client, urls[i % len(urls)])()
    run_timed(line, [getter(client, url) for url in urls])
    for url in urls[:3]:
        line.queries.append(counted(getter(client, url)))
    return line


def measure_search(line: Line, client: Client, texts: list[str]) -> Line:
    """POST the text to the search, then GET the list it redirects to: both are timed."""
    search_url = reverse("cases:search")

    def search(text):
        def request():
            response = client.post(search_url, {"q": text})
            if response.status_code != 302:
                raise RuntimeError(f"search for {text!r} answered {response.status_code}")
            listed = client.get(response["Location"])
            if listed.status_code != 200:
                raise RuntimeError(f"search list answered {listed.status_code}")

        return request

    for i in range(WARMUP):
        search(texts[i % len(texts)])()
    run_timed(line, [search(text) for text in texts])
    for text in texts[:3]:  # the queries of the result list (the POST only stores the text)
        location = client.post(search_url, {"q": text})["Location"]
        line.queries.append(counted(lambda location=location: client.get(location)))
    return line
