"""Small-count suppression of the open-data tables, so that no published figure, nor any sum or
difference of published figures, tells a count of 1 to 4 exactly (docs/OPEN-DATA.md).

A table is rows × columns of counts with the totals it publishes: a total per row, a total per
column (the province row), or both (and then the grand total). Every cell, totals included, is
shown as its count, as "< 5" (a count of 1 to 4: primary suppression), or as "x" (a count of 5
or more withheld so that a "< 5" cannot be worked out: complementary suppression). Zeros are
shown: they say only that nobody is counted there.

What a reader can work out from such a table is exactly what the additive relations allow: the
cells of a row add up to its total, the cells of a column to the column's total. Those relations
are the flow-conservation rules of a graph with one node per published total and one edge per
cell (the classic view of a two-way table), so one hidden cell can take another value, with
every published figure unchanged, exactly when it lies on a cycle of hidden cells along which
adding and removing one keeps every hidden cell within what its mark says (1–4, or 5 and more).
A difference of two feasible tables decomposes into such cycles, so that test is exact: a cell
not on any such cycle is pinned by the published figures; a cell on one is not.

The complements are chosen, for each small count that is not yet safe, along the cheapest such
cycle: hidden cells cost nothing, a withheld cell costs its count, and a total a great deal
more (totals are the most used figures), so that as little as possible is withheld.
"""

import heapq
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

TOTAL = "total"
SMALL_MAX = 4
SHOWN, SMALL, WITHHELD = "shown", "small", "withheld"
# Withholding a total costs more than any number of inner cells (no table reaches this count).
TOTAL_COST = 10**9

Key = tuple[Hashable, Hashable]


@dataclass
class Table:
    """Counts by (row, column); TOTAL as a row or column key names a published total."""

    rows: list
    columns: list
    row_totals: bool
    column_totals: bool
    values: dict[Key, int]
    marks: dict[Key, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        rows: Iterable,
        columns: Iterable,
        counts: dict[Key, int],
        *,
        row_totals: bool,
        column_totals: bool,
    ) -> "Table":
        """The table of `counts` (missing cells are zeros) with the totals it publishes."""
        rows, columns = list(rows), list(columns)
        values = {(r, c): int(counts.get((r, c), 0)) for r in rows for c in columns}
        if row_totals:
            for r in rows:
                values[(r, TOTAL)] = sum(values[(r, c)] for c in columns)
        if column_totals:
            for c in columns:
                values[(TOTAL, c)] = sum(values[(r, c)] for r in rows)
        if row_totals and column_totals:
            values[(TOTAL, TOTAL)] = sum(values[(r, TOTAL)] for r in rows)
        return cls(rows, columns, row_totals, column_totals, values)

    def shown(self, key: Key) -> int | str:
        """What is published in the cell: its count, "< 5" or "x"."""
        mark = self.marks.get(key, SHOWN)
        if mark == SMALL:
            return f"< {SMALL_MAX + 1}"
        if mark == WITHHELD:
            return "x"
        return self.values[key]

    @property
    def hidden(self) -> set[Key]:
        return {key for key, mark in self.marks.items() if mark != SHOWN}

    # -- the graph of the published relations -------------------------------------------------

    def _row_node(self, r) -> Hashable:
        # A row is a node when its total is published (the total row: when the grand total is).
        if self.row_totals and (r != TOTAL or self.column_totals):
            return ("row", r)
        return "free"

    def _column_node(self, c) -> Hashable:
        if self.column_totals and (c != TOTAL or self.row_totals):
            return ("column", c)
        return "free"

    def edge(self, key: Key) -> tuple[Hashable, Hashable]:
        """The cell as an edge: adding one to it carries one unit from the first node to the
        second. A total enters its relation with the opposite sign of its parts."""
        r, c = key
        if r != TOTAL and c != TOTAL:
            return self._row_node(r), self._column_node(c)
        if r == TOTAL and c != TOTAL:
            return self._column_node(c), self._row_node(TOTAL)
        if r != TOTAL and c == TOTAL:
            return self._column_node(TOTAL), self._row_node(r)
        return self._row_node(TOTAL), self._column_node(TOTAL)


def bounds(value: int, mark: str) -> tuple[int, float]:
    """What a reader knows of a hidden cell from its mark."""
    if mark == SMALL:
        return 1, SMALL_MAX
    return SMALL_MAX + 1, float("inf")


def _moves(table: Table, key: Key, mark: str):
    """The ways one unit can cross the cell within its bounds: (from node, to node)."""
    low, high = bounds(table.values[key], mark)
    head, tail = table.edge(key)
    value = table.values[key]
    if value + 1 <= high:
        yield head, tail
    if value - 1 >= low:
        yield tail, head


def _cheapest_path(table: Table, start, goal, exclude: Key, candidates: bool):
    """The cheapest chain of cells carrying one unit from `start` to `goal` (Dijkstra), through
    hidden cells (free) and, when `candidates`, shown counts of 5 or more (at their cost).
    Returns (cost, cells) or None."""
    graph: dict[Hashable, list[tuple[Hashable, Key, int]]] = {}
    for key, value in table.values.items():
        if key == exclude:
            continue
        mark = table.marks.get(key, SHOWN)
        if mark == SHOWN:
            if not candidates or value <= SMALL_MAX:
                continue
            cost = value + (TOTAL_COST if TOTAL in key else 0)
            mark = WITHHELD
        else:
            cost = 0
        for a, b in _moves(table, key, mark):
            graph.setdefault(a, []).append((b, key, cost))
    best = {start: 0}
    came: dict[Hashable, tuple[Hashable, Key]] = {}
    queue = [(0, 0, start)]
    order = 0
    while queue:
        cost, _n, node = heapq.heappop(queue)
        if node == goal:
            cells = []
            while node != start:
                node, key = came[node]
                cells.append(key)
            return cost, cells
        if cost > best.get(node, float("inf")):
            continue
        for nxt, key, step in graph.get(node, ()):
            if cost + step < best.get(nxt, float("inf")):
                best[nxt] = cost + step
                came[nxt] = (node, key)
                order += 1
                heapq.heappush(queue, (cost + step, order, nxt))
    return None


def is_protected(table: Table, key: Key) -> bool:
    """Whether the hidden cell can take another value with every published figure unchanged."""
    mark = table.marks[key]
    for a, b in _moves(table, key, mark):
        # The unit crosses the cell from a to b; it must come back from b to a.
        if _cheapest_path(table, b, a, key, candidates=False) is not None:
            return True
    return False


def suppress(table: Table) -> Table:
    """Marks the table's cells (in place, and returns it): small counts, then their complements.

    Deterministic: the same counts give the same marks, so a year's table, which is its last
    month's, is marked exactly as that month's.
    """
    table.marks = {
        key: SMALL if 1 <= value <= SMALL_MAX else SHOWN for key, value in table.values.items()
    }
    for key in sorted((k for k, m in table.marks.items() if m == SMALL), key=_order):
        if is_protected(table, key):
            continue
        options = []
        for a, b in _moves(table, key, SMALL):
            found = _cheapest_path(table, b, a, key, candidates=True)
            if found:
                options.append(found)
        if not options:
            return _withhold_all(table)
        _cost, cells = min(options, key=lambda option: (option[0], sorted(map(_order, option[1]))))
        for cell in cells:
            if table.marks[cell] == SHOWN:
                table.marks[cell] = WITHHELD
    return table


def _withhold_all(table: Table) -> Table:
    # No cycle at all: nothing short of withholding every count keeps the small one safe.
    table.marks = {
        key: (SMALL if 1 <= value <= SMALL_MAX else WITHHELD) if value else SHOWN
        for key, value in table.values.items()
    }
    return table


def _order(key: Key) -> tuple:
    return tuple((part == TOTAL, str(part)) for part in key)


def unprotected(table: Table) -> list[Key]:
    """The small counts that the published figures would pin (none, after `suppress`)."""
    return [
        key for key, mark in table.marks.items() if mark == SMALL and not is_protected(table, key)
    ]
