"""`make bench`: the case registry at a million cases on PostgreSQL, against the goals.

Server time is measured in-process with Django's test client (middleware, views, queries,
templates; no network, no web server), over many requests per line, with the number of SQL
queries of each request. Run with:

    PMKS_DEMO=1 DJANGO_SETTINGS_MODULE=pmks_portal.settings \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pmks_bench .venv/bin/python bench/run.py

Steps: migrate, load the regions, seed up to BENCH_CASES synthetic cases (once: what is there
already counts), VACUUM ANALYZE, then time the pages and the import of a CSV and an XLSX
file. Figures are printed and written to bench-results/latest.txt.

Environment: BENCH_CASES (default 1,000,000), BENCH_ITERATIONS (timed requests per line,
default 200; a line stops after BENCH_LINE_SECONDS, default 90, once it has 30), BENCH_IMPORT_ROWS
(default 100,000).
"""

import csv
import importlib.util
import io
import os
import platform
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmks_portal.settings")

import django  # noqa: E402
import openpyxl  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files import File  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from cases import demo  # noqa: E402
from cases.models import Case, ImportBatch, Person  # noqa: E402
from regions.models import Region  # noqa: E402

CASES = int(os.environ.get("BENCH_CASES", 1_000_000))
ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", 200))
WARMUP = 10
# A line stops early once it has taken this long and has at least MIN_SAMPLES requests, so
# that a slow page (seconds per request) does not hold the run for an hour.
LINE_SECONDS = float(os.environ.get("BENCH_LINE_SECONDS", 90))
MIN_SAMPLES = 30
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 100_000))
RESULTS = ROOT / "bench-results"
REGENCY = "64.72"  # Kota Samarinda, the largest city: the heaviest regency-scoped lists
P95_GOAL_MS = 150.0
IMPORT_GOAL = 2_000  # rows/s
# PERFORMANCE.md G3: query budgets, whatever the page size.
QUERY_BUDGET = {"list": 5, "search": 5, "detail": 8}
MODEL_BACKEND = "accounts.backends.UserWithRegencyBackend"
NEXT_CURSOR = re.compile(r"[?&](?:amp;)?after=([^\"&]+)")


@dataclass
class Line:
    label: str
    kind: str  # list, search, detail: which goal applies
    times_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    note: str = ""

    def percentile(self, p: int) -> float:
        if len(self.times_ms) < 2:
            return self.times_ms[0] if self.times_ms else float("nan")
        return statistics.quantiles(self.times_ms, n=100, method="inclusive")[p - 1]

    def row(self) -> str:
        if self.note:
            return f"{self.label:<52} {self.note}"
        p95 = self.percentile(95)
        queries = (
            f"{min(self.queries)}"
            if min(self.queries) == max(self.queries)
            else f"{min(self.queries)}-{max(self.queries)}"
        )
        goal = P95_GOAL_MS if self.kind in ("list", "search") else None
        budget = QUERY_BUDGET.get(self.kind)
        verdicts = []
        if goal is not None:
            verdicts.append("ok" if p95 < goal else "MISSED")
        if budget is not None:
            verdicts.append("q ok" if max(self.queries) <= budget else "q over")
        goal_text = f"<{goal:.0f} ms" if goal else "-"
        return (
            f"{self.label:<52} {len(self.times_ms):>5} {self.percentile(50):>8.1f} "
            f"{p95:>8.1f} {self.percentile(99):>8.1f} {queries:>7} "
            f"{goal_text:>8} {(budget or '-'):>6}  {' '.join(verdicts)}"
        )


HEADER = (
    f"{'line':<52} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'queries':>7} "
    f"{'p95 goal':>8} {'q max':>6}  verdict"
)


class Report:
    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def save(self) -> Path:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / "latest.txt"
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        return path


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def url_or_none(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


# --- Preparing the database ------------------------------------------------------------------


def prepare(report: Report) -> None:
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL (see the Makefile).")
    if not connection.settings_dict["NAME"].startswith("pmks_bench"):
        sys.exit("Refusing to seed a million cases into a database not named pmks_bench*.")
    if not settings.DEMO_MODE:
        sys.exit("The benchmark seeds synthetic data: run it in demo mode (PMKS_DEMO=1).")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_regions", verbosity=0, stdout=io.StringIO())
    # Pages render {% static %} through the manifest, as in production.
    call_command("collectstatic", interactive=False, verbosity=0)
    existing = Case.objects.count()
    if existing >= CASES:
        report(f"Seed: {existing:,} cases present already; none added.")
    else:
        missing = CASES - existing
        print(f"Seeding {missing:,} synthetic cases (once; later runs reuse them)...", flush=True)

        def progress(result):
            if result.cases % 100_000 < demo.BATCH_SIZE or result.cases == missing:
                print(
                    f"  {result.cases:>10,} cases {result.seconds:7.1f} s "
                    f"{result.rows_per_second:8,.0f} cases/s",
                    flush=True,
                )

        result = demo.seed_cases(missing, progress=progress)
        report(
            f"Seed: added {result.cases:,} cases ({result.persons:,} persons, "
            f"{result.transitions:,} status changes, {result.interventions:,} interventions) "
            f"in {result.seconds:.1f} s = {result.rows_per_second:,.0f} cases/s."
        )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    report(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s.")


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
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


# --- Measuring -------------------------------------------------------------------------------


def timed(request) -> float:
    started = time.perf_counter()
    request()
    return (time.perf_counter() - started) * 1000


def run_timed(line: Line, requests: list) -> None:
    """ITERATIONS timed requests, taken in turn, or fewer when the line runs out of time."""
    started = time.perf_counter()
    for i in range(ITERATIONS):
        line.times_ms.append(timed(requests[i % len(requests)]))
        if len(line.times_ms) >= MIN_SAMPLES and time.perf_counter() - started > LINE_SECONDS:
            break


def counted(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        request()
    return len(captured.captured_queries)


def measure_get(line: Line, client: Client, urls: list[str]) -> Line:
    """GET each URL in turn; the first requests warm caches and are not counted."""

    def get(url):
        def request():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")

        return request

    for i in range(WARMUP):
        get(urls[i % len(urls)])()
    run_timed(line, [get(url) for url in urls])
    for url in urls[:3]:
        line.queries.append(counted(get(url)))
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


def deep_list_url(client: Client, list_url: str, pages: int) -> str | None:
    """The URL of page `pages` + 1, reached by following the next-page links (keyset)."""
    url = list_url
    for _ in range(pages):
        html = client.get(url).content.decode()
        found = NEXT_CURSOR.search(html)
        if not found:
            return None
        url = f"{list_url}?after={unescape(found.group(1))}"
    return url


def bench_pages(report: Report) -> None:
    samarinda = Region.objects.get(code=REGENCY)
    staff = signed_in(bench_user("bench_samarinda", Role.REGENCY_STAFF, samarinda))
    province = signed_in(bench_user("bench_provinsi", Role.PROVINCIAL_OFFICER, None))
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

    def deep_list(line):
        deep = deep_list_url(staff, list_url, 20)
        if deep is None:
            line.note = "fewer than 21 pages, or no next-page link"
            return line
        return measure_get(line, staff, [deep])

    def search(client, texts):
        return lambda line: measure_search(line, client, texts)

    def details(name, urls_of):
        return lambda line: measure_get(line, staff, [url_or_none(name, pk=pk) for pk in urls_of])

    # (label, goal kind, URL names it needs, how to measure)
    specs = [
        ("case list, Samarinda staff, page 1", "list", ["cases:list"], lists(staff, "")),
        ("case list, Samarinda staff, page 21 (keyset)", "list", ["cases:list"], deep_list),
        (
            "case list, Samarinda staff, status=in_handling",
            "list",
            ["cases:list"],
            lists(staff, "?status=in_handling"),
        ),
        ("case list, provincial officer, page 1", "list", ["cases:list"], lists(province, "")),
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
    ]
    report(HEADER)
    report("-" * len(HEADER))
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


def url_exists(name: str) -> bool:
    """Whether a URL name resolves, with or without a pk."""
    return url_or_none(name) is not None or url_or_none(name, pk=1) is not None


# --- Import ----------------------------------------------------------------------------------

IMPORT_HEADERS = [
    "nik",
    "nama",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "kategori",
    "kode_wilayah",
    "alamat",
    "tanggal_ditemukan",
    "status",
]


def import_rows(rows: int):
    """A spreadsheet as Samarinda staff keep one: new people with unique NIKs, in their city."""
    catalogue = demo.Catalogue.load(random.Random("bench:places"))
    catalogue.places = {REGENCY: catalogue.places[REGENCY]}
    generator = demo.Generator(catalogue, seed="bench:import", used_niks=demo.existing_niks())
    generator.regencies = demo.Weighted([(REGENCY, 1)])
    codes = {pk: code for code, pk in catalogue.categories.items()}
    yield IMPORT_HEADERS
    written = 0
    while written < rows:
        batch = generator.batch(min(5_000, rows - written))
        for case in batch.cases:
            person = batch.persons[case["_person"]]
            birth = person.get("birth_date")
            yield [
                person.get("nik", ""),
                person["name"],
                person["sex"],
                person.get("birth_place", ""),
                birth.strftime("%d/%m/%Y") if birth else "",
                codes[case["category_id"]],
                case["village_id"] or case["district_id"],
                person.get("address", ""),
                case["found_on"].isoformat(),
                "",
            ]
            written += 1


def write_import_file(path: Path, rows: int) -> None:
    """The rows of import_rows() as CSV, or as XLSX (text cells, as a sheet formatted as text)."""
    if path.suffix == ".xlsx":
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        for line in import_rows(rows):
            sheet.append(line)
        workbook.save(path)
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(import_rows(rows))


def bench_import(report: Report, fmt: str) -> None:
    """Check then commit a CSV or XLSX file, as an upload goes (the services the Celery tasks
    call), rolled back afterwards so that the data set keeps its size. CSV: bench/import_bench.py
    (100,000 and 500,000 rows, with memory and load averages, BENCH_IMPORT_SIZES)."""
    if fmt == "csv":
        import import_bench  # bench/ is this script's directory, first on sys.path

        import_bench.run(report)
        return
    label = f"import, {IMPORT_ROWS:,} rows ({fmt.upper()}): check + commit"
    if importlib.util.find_spec("cases.importing") is None:
        report(f"{label:<52} not available yet (cases/importing.py does not exist)")
        return
    from cases import importing

    needed = [
        "import_batch_create",
        "import_batch_check",
        "import_batch_commit_request",
        "import_batch_commit",
    ]
    missing = [name for name in needed if not callable(getattr(importing, name, None))]
    if missing:
        report(f"{label:<52} not available yet (cases.importing lacks {', '.join(missing)})")
        return
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"import-{IMPORT_ROWS}.{fmt}"
    # Written afresh each time: its NIKs must be new to the database as it is now.
    write_import_file(path, IMPORT_ROWS)
    regency = Region.objects.get(code=REGENCY)
    staff = bench_user("bench_samarinda", Role.REGENCY_STAFF, regency)
    stored = []
    try:
        with transaction.atomic():
            with path.open("rb") as handle:
                batch = importing.import_batch_create(
                    actor=staff,
                    regency=regency,
                    upload=File(handle, name=path.name),
                    name=path.name,
                    queue=False,
                )
            started = time.perf_counter()
            batch = importing.import_batch_check(batch.pk)
            checked = time.perf_counter()
            stored = [batch.file.name, *batch.summary.get("files", {}).values()]
            if batch.status != ImportBatch.Status.CHECKED:
                raise RuntimeError(f"the check failed: {batch.failure}")
            importing.import_batch_commit_request(
                actor=staff, batch=batch, warnings_confirmed=True, queue=False
            )
            batch = importing.import_batch_commit(batch.pk)
            done = time.perf_counter()
            stored += list(batch.summary.get("files", {}).values())
            if batch.status != ImportBatch.Status.COMMITTED:
                raise RuntimeError(f"the commit failed: {batch.failure}")
            transaction.set_rollback(True)
    except Exception as error:
        report(f"{label:<52} failed: {type(error).__name__}: {error}"[:200])
        return
    finally:
        for name in set(filter(None, stored)):
            default_storage.delete(name)
    total = done - started
    rate = IMPORT_ROWS / total
    report(
        f"{label:<52} {total:.1f} s = {rate:,.0f} rows/s "
        f"(check {checked - started:.1f} s = {IMPORT_ROWS / (checked - started):,.0f} rows/s, "
        f"commit {done - checked:.1f} s = {IMPORT_ROWS / (done - checked):,.0f} rows/s); "
        f"{batch.committed_rows:,} saved, {batch.error_rows:,} errors, "
        f"{batch.duplicate_rows:,} duplicates; goal ≥ {IMPORT_GOAL:,} rows/s: "
        f"{'ok' if rate >= IMPORT_GOAL else 'MISSED'} (rolled back)"
    )


def main() -> None:
    report = Report()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    report(f"PMKS portal benchmark, {datetime.now():%Y-%m-%d %H:%M}")
    report(
        f"{server}; Python {platform.python_version()}; {os.cpu_count()} CPUs; "
        f"{platform.processor() or platform.machine()}"
    )
    prepare(report)
    cases, persons = Case.objects.count(), Person.objects.count()
    report(
        f"Data: {cases:,} cases, {persons:,} persons. Server time in-process (test client), "
        f"{ITERATIONS} timed requests per line after {WARMUP} warm-up requests."
    )
    report(
        f"Goals: p95 < {P95_GOAL_MS:.0f} ms for list and search; import ≥ {IMPORT_GOAL:,} "
        "rows/s; query budgets list ≤ 5, detail ≤ 8 (PERFORMANCE.md G3)."
    )
    report(
        "queries: every statement of one request (search: of its result list), as "
        "assertNumQueries counts them, session and user included (the session is saved at most "
        "once a minute, so not in these requests)."
    )
    report(
        f"Load average before the measurements: {load()} (other work on the machine skews "
        "the figures: compare runs at a similar load)."
    )
    report()
    bench_pages(report)
    bench_import(report, "csv")
    bench_import(report, "xlsx")
    report(f"Load average after: {load()}.")
    print(f"\nWritten to {report.save().relative_to(ROOT)}")


if __name__ == "__main__":
    main()
