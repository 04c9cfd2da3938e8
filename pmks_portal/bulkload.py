"""Many rows of one model written at once, inside the caller's transaction.

    loader = BulkInserter(Person, ["nik", "name", ...])
    ids = loader.insert([(nik, name, ...), ...], returning=True)

Rows are plain tuples in the order of the given columns; every other concrete field takes its
default (auto_now fields the loader's `now`), so a column added to a model later gets its
default here too. Django's bulk_create prepares each value of each object through its field,
which is most of the time when a batch writes a few records per row; here each column's
conversion is chosen once.

On PostgreSQL the rows go by COPY FROM STDIN in CSV format (several times faster than
multi-row INSERT for tens of thousands of rows; triggers, constraints and statement-level
triggers with transition tables behave as for INSERT), with the new ids taken from the table's
sequence beforehand when the caller needs them. Elsewhere: multi-row INSERT ... RETURNING, or
bulk_create where the database cannot return ids from a bulk insert. COPY is not seen by
Django's query logging (CaptureQueriesContext); the id allocation is.
"""

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db import connection
from django.utils import timezone

# Multi-row INSERT: rows per statement (within the database's parameter limit).
INSERT_ROWS = 500


class BulkInserter:
    """Inserts rows of plain values into one model's table; their new ids when asked."""

    def __init__(self, model, given: list[str], now: datetime | None = None):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.given = given
        now = now or timezone.now()
        defaults = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.attname] = now
            elif f.attname not in given:
                defaults[f.attname] = f.get_default()
        self.copy = connection.vendor == "postgresql"
        if self.copy:
            # The same default on every row: written as COPY reads it once, not per row.
            defaults = {
                name: json.dumps(value) if isinstance(value, dict | list) else value
                for name, value in defaults.items()
            }
            defaults = {
                name: value if value is None or isinstance(value, str) else str(value)
                for name, value in defaults.items()
            }
        self.defaults = defaults
        self.order = [
            (given.index(f.attname) if f.attname in given else None, f) for f in self.fields
        ]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in self.fields)
        self.pk_column = quote(model._meta.pk.column)
        self.adapters = []
        for position, f in enumerate(self.fields):
            kind = f.get_internal_type()
            if kind == "JSONField":
                if self.copy:
                    self.adapters.append((position, lambda v, f=f: json.dumps(v, cls=f.encoder)))
                else:
                    self.adapters.append(
                        (position, lambda v, f=f: f.get_db_prep_save(v, connection))
                    )
            elif self.copy:
                continue  # str() of a date or an aware datetime is what COPY reads
            elif kind == "DateField":
                self.adapters.append((position, connection.ops.adapt_datefield_value))
            elif kind == "DateTimeField":
                self.adapters.append((position, connection.ops.adapt_datetimefield_value))
        self._sequence: str | None = None
        limit = connection.features.max_query_params or 65535
        self.per_statement = max(1, min(INSERT_ROWS, limit // len(self.fields)))

    def _values(self, row: tuple) -> list:
        values = [
            row[position] if position is not None else self.defaults[f.attname]
            for position, f in self.order
        ]
        for position, adapt in self.adapters:
            if values[position] is not None:
                values[position] = adapt(values[position])
        return values

    def insert(self, rows: Iterable[tuple], *, returning: bool = False) -> list[int]:
        """Inserts rows (values in the order of `given`); their new ids when `returning`.

        Without `returning`, `rows` may be a generator: on PostgreSQL it is read while COPY
        sends, so the database stores rows while Python still makes the next ones.
        """
        if self.copy and not returning:
            self._copy_stream(rows)
            return []
        rows = list(rows)
        if not rows:
            return []
        if self.copy:
            return self._copy(rows)
        if returning and not connection.features.can_return_rows_from_bulk_insert:
            objects = [self.model(**dict(zip(self.given, row, strict=True))) for row in rows]
            self.model.objects.bulk_create(objects, batch_size=self.per_statement)
            return [obj.pk for obj in objects]
        return self._insert(rows, returning)

    def _insert(self, rows: list[tuple], returning: bool) -> list[int]:
        # Table and column names come from the model, quoted; values are always parameters.
        head = f"INSERT INTO {self.table} ({self.columns}) VALUES "  # noqa: S608
        placeholder = "(%s)" % ", ".join(["%s"] * len(self.fields))
        ids: list[int] = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.per_statement):
                part = rows[start : start + self.per_statement]
                params = [value for row in part for value in self._values(row)]
                sql = head + ", ".join([placeholder] * len(part))
                if returning:
                    cursor.execute(f"{sql} RETURNING {self.pk_column}", params)
                    ids.extend(row[0] for row in cursor.fetchall())
                else:
                    cursor.execute(sql, params)
        return ids

    def _copy_statement(self, with_ids: bool) -> str:
        columns = f"{self.pk_column}, {self.columns}" if with_ids else self.columns
        return f"COPY {self.table} ({columns}) FROM STDIN WITH (FORMAT csv)"

    def _copy(self, rows: list[tuple]) -> list[int]:
        """The rows with ids taken from the table's sequence first, in one COPY."""
        buffer = io.StringIO()
        with connection.cursor() as cursor:
            if self._sequence is None:
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)",
                    [self.model._meta.db_table, self.model._meta.pk.column],
                )
                self._sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)", [self._sequence, len(rows)]
            )
            ids = [pk for (pk,) in cursor.fetchall()]
            _csv_writer(buffer).writerows(
                [pk, *self._values(row)] for pk, row in zip(ids, rows, strict=True)
            )
            buffer.seek(0)
            cursor.cursor.copy_expert(self._copy_statement(True), buffer)
        return ids

    def _copy_stream(self, rows: Iterable[tuple]) -> None:
        stream = _CsvStream(self._values(row) for row in rows)
        with connection.cursor() as cursor:
            try:
                cursor.cursor.copy_expert(self._copy_statement(False), stream)
            except Exception:
                # psycopg2 reports a failing read() as QueryCanceled: the caller gets the cause.
                if stream.error is not None:
                    raise stream.error from None
                raise


def _csv_writer(buffer):
    # COPY's CSV format, written by the csv module (C code): every value quoted but None,
    # which stays unquoted and empty, and so is NULL (an empty string is "").
    return csv.writer(buffer, quoting=csv.QUOTE_NOTNULL, lineterminator="\n")


class _CsvStream:
    """A file COPY reads: CSV lines made from the rows as it asks for more."""

    ROWS_PER_READ = 500

    def __init__(self, rows: Iterator[list]):
        self.rows = iter(rows)
        self.buffer = io.StringIO()
        self.out = _csv_writer(self.buffer)
        self.error: Exception | None = None

    def read(self, size: int = -1) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        try:
            self.out.writerows(itertools.islice(self.rows, self.ROWS_PER_READ))
        except Exception as error:
            self.error = error
            raise
        return self.buffer.getvalue()

    def readline(self, size: int = -1) -> str:
        return self.read(size)
