"""Demo data: writing the batches (COPY on PostgreSQL, bulk_create elsewhere) and seed_cases."""

import io
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime
from queue import Queue
from threading import Thread

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone

from audit.models import AuditEvent
from cases.demo.catalogue import Catalogue
from cases.demo.generator import BATCH_SIZE, DEFAULT_SEED, SEED_REASON, Batch, Generator
from cases.models import (
    Case,
    CaseTransition,
    Intervention,
    PasungDetail,
    PasungEvent,
    Person,
    SexWorkDetail,
    StreetChildDetail,
)

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class Writer:
    """Inserts rows of one model and returns the new ids (when asked for)."""

    def __init__(self):
        self.now = timezone.now()
        self._columns: dict[type[models.Model], list[tuple[str, str, object]]] = {}

    def columns(self, model):
        """(attname, column, default) of the concrete fields, the primary key first."""
        if model not in self._columns:
            columns = [(model._meta.pk.attname, model._meta.pk.column, None)]
            for model_field in model._meta.concrete_fields:
                if model_field.primary_key:
                    continue
                if getattr(model_field, "auto_now", False) or getattr(
                    model_field, "auto_now_add", False
                ):
                    default = self.now
                else:
                    default = model_field.get_default()
                columns.append((model_field.attname, model_field.column, default))
            self._columns[model] = columns
        return self._columns[model]

    def insert(self, model, rows: list[dict], *, ids: bool) -> list[int]:
        raise NotImplementedError

    def flush(self) -> None:
        """Writes what `insert` left pending, in the current thread's connection."""


class OrmWriter(Writer):
    """bulk_create, for SQLite and any other database."""

    def insert(self, model, rows, *, ids):
        if not rows:
            return []
        objects = model.objects.bulk_create(
            [model(**row) for row in rows], batch_size=BATCH_SIZE if ids else 1000
        )
        return [obj.pk for obj in objects] if ids else []


class CopyWriter(Writer):
    """COPY FROM STDIN on PostgreSQL: about ten times faster than INSERT for many rows.

    `insert` takes the ids from the sequences at once and prepares the COPY text; `flush` sends
    it, possibly from another thread (see _write_alongside).
    """

    def __init__(self):
        super().__init__()
        self._sequences: dict[str, str] = {}
        self.pending: list[tuple[str, str]] = []

    def allocate(self, cursor, table: str, count: int) -> list[int]:
        if table not in self._sequences:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            self._sequences[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)", [self._sequences[table], count]
        )
        return [row[0] for row in cursor.fetchall()]

    def insert(self, model, rows, *, ids):
        if not rows:
            return []
        table = model._meta.db_table
        columns = self.columns(model)
        buffer = io.StringIO()
        write = buffer.write
        if ids:
            with connection.cursor() as cursor:
                new_ids = self.allocate(cursor, table, len(rows))
            for pk, row in zip(new_ids, rows, strict=True):
                get = row.get
                write(str(pk))
                for attname, _column, default in columns[1:]:
                    write("\t")
                    write(_copy_text(get(attname, default)))
                write("\n")
        else:
            new_ids = []
            columns = columns[1:]  # the identity column fills itself
            for row in rows:
                get = row.get
                write(
                    "\t".join(
                        _copy_text(get(attname, default)) for attname, _column, default in columns
                    )
                )
                write("\n")
        names = ", ".join(connection.ops.quote_name(column) for _, column, _ in columns)
        self.pending.append(
            (f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN", buffer.getvalue())
        )
        return new_ids

    def take(self) -> list[tuple[str, str]]:
        pending, self.pending = self.pending, []
        return pending

    def flush(self, statements: list[tuple[str, str]] | None = None) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for sql, text in self.take() if statements is None else statements:
                if hasattr(raw, "copy_expert"):  # psycopg2
                    raw.copy_expert(sql, io.StringIO(text))
                else:  # psycopg 3
                    with raw.copy(sql) as copy:
                        copy.write(text)


def _resolve(rows: list[dict], key: str, target: str, ids: list[int]) -> list[dict]:
    for row in rows:
        row[target] = ids[row.pop(key)]
    return rows


@dataclass
class SeedResult:
    cases: int = 0
    persons: int = 0
    transitions: int = 0
    interventions: int = 0
    pasung: int = 0
    street_children: int = 0
    sex_work: int = 0
    without_nik: int = 0
    seconds: float = 0.0

    def add(self, other: "SeedResult") -> None:
        for counter in fields(self):
            if counter.name != "seconds":
                setattr(
                    self, counter.name, getattr(self, counter.name) + getattr(other, counter.name)
                )

    @property
    def rows_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0


def write_batch(writer: Writer, batch: Batch) -> SeedResult:
    """Inserts a batch (COPY: prepares it, for `flush`); returns what it holds."""
    person_ids = writer.insert(Person, batch.persons, ids=True)
    case_ids = writer.insert(
        Case, _resolve(batch.cases, "_person", "person_id", person_ids), ids=True
    )
    writer.insert(
        CaseTransition, _resolve(batch.transitions, "_case", "case_id", case_ids), ids=False
    )
    writer.insert(
        Intervention, _resolve(batch.interventions, "_case", "case_id", case_ids), ids=False
    )
    detail_ids = writer.insert(
        PasungDetail, _resolve(batch.pasung, "_case", "case_id", case_ids), ids=True
    )
    writer.insert(
        PasungEvent, _resolve(batch.pasung_events, "_detail", "detail_id", detail_ids), ids=False
    )
    writer.insert(
        StreetChildDetail, _resolve(batch.street_children, "_case", "case_id", case_ids), ids=False
    )
    writer.insert(SexWorkDetail, _resolve(batch.sex_work, "_case", "case_id", case_ids), ids=False)
    return SeedResult(
        cases=len(batch.cases),
        persons=len(batch.persons),
        transitions=len(batch.transitions),
        interventions=len(batch.interventions),
        pasung=len(batch.pasung),
        street_children=len(batch.street_children),
        sex_work=len(batch.sex_work),
        without_nik=sum(1 for person in batch.persons if not person.get("nik")),
    )


def seeded_before() -> int:
    """How many synthetic cases earlier runs added (their audit events say so)."""
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, target_type=Case._meta.label_lower, reason=SEED_REASON
    )
    return sum(event.changes.get("demo_seed", {}).get("cases", 0) for event in events)


def existing_niks() -> set[int]:
    return {
        int(nik)
        for nik in Person.objects.filter(nik__isnull=False)
        .values_list("nik", flat=True)
        .iterator(chunk_size=50_000)
    }


@contextmanager
def _batch_transaction():
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Demo data: losing the last batches in a crash is fine, waiting is not.
                cursor.execute("SET LOCAL synchronous_commit TO off")
        yield


def _write_in_turn(writer: Writer, batches, result: SeedResult, written) -> None:
    for batch in batches:
        with _batch_transaction():
            counts = write_batch(writer, batch)
            writer.flush()
        result.add(counts)
        written()


def _write_alongside(batches, result: SeedResult, written) -> None:
    """This thread builds each batch and its COPY text; a second thread, with its own
    connection, sends it while the next is built: PostgreSQL and Python each use a core."""
    writer = CopyWriter()
    queue: Queue = Queue(maxsize=2)
    failures: list[BaseException] = []

    def send_all():
        try:
            while (item := queue.get()) is not None:
                statements, counts = item
                if not failures:
                    with _batch_transaction():
                        writer.flush(statements)
                    result.add(counts)
                    written()
        except BaseException as failure:  # handed to the main thread, which raises it
            failures.append(failure)
            while queue.get() is not None:  # let the main thread finish its put()s
                pass
        finally:
            connection.close()

    thread = Thread(target=send_all, name="seed-writer")
    thread.start()
    try:
        for batch in batches:
            if failures:
                break
            counts = write_batch(writer, batch)
            queue.put((writer.take(), counts))
    finally:
        queue.put(None)
        thread.join()
    if failures:
        raise failures[0]


def seed_cases(
    n_cases: int,
    *,
    seed=DEFAULT_SEED,
    batch_size: int = BATCH_SIZE,
    progress=None,
    showcase: bool = False,
) -> SeedResult:
    """Adds `n_cases` synthetic cases (and their persons and history). Demo mode only.

    Each batch is its own transaction, so an interrupted run leaves whole batches. `progress`,
    when given, is called with the result so far after each batch. On PostgreSQL, outside a
    transaction, batches are written by a second thread while the next one is built.
    """
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Synthetic cases exist only in demo mode (PMKS_DEMO=1).")
    started = time.perf_counter()
    existing_cases = Case.objects.count()
    # Another run on the same database continues with other people, still deterministically.
    rng_seed = f"{seed}:{existing_cases}"
    catalogue = Catalogue.load(random.Random(f"{seed}:places"))
    generator = Generator(catalogue, seed=rng_seed, used_niks=existing_niks(), showcase=showcase)
    batches = (
        generator.batch(min(batch_size, n_cases - done)) for done in range(0, n_cases, batch_size)
    )
    result = SeedResult()

    def written():
        result.seconds = time.perf_counter() - started
        if progress:
            progress(result)

    if connection.vendor != "postgresql":
        _write_in_turn(OrmWriter(), batches, result, written)
    elif connection.in_atomic_block:  # another thread would not see this transaction's rows
        _write_in_turn(CopyWriter(), batches, result, written)
    else:
        _write_alongside(batches, result, written)
    result.seconds = time.perf_counter() - started
    AuditEvent.objects.create(
        action=AuditEvent.Action.CREATE,
        target_type=Case._meta.label_lower,
        target_id="*",
        reason=SEED_REASON,
        changes={
            "demo_seed": {
                "seed": str(seed),
                "cases": result.cases,
                "persons": result.persons,
                "transitions": result.transitions,
                "interventions": result.interventions,
                "seconds": round(result.seconds, 1),
            }
        },
    )
    return result
