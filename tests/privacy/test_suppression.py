"""Small-count suppression: no sum or difference of published figures tells a count below 5.

Checked by an attacker written apart from the suppression (disclosure.py), which enumerates
every table consistent with what is published.
"""

import random

import pytest

from privacy.suppression import SMALL, TOTAL, Table, suppress, unprotected
from tests.privacy.disclosure import pinned_in


def _published(table: Table) -> dict:
    return {key: table.shown(key) for key in table.values}


def _random_tables(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        rows, columns = rng.randint(1, 4), rng.randint(1, 4)
        counts = {
            (r, c): rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 13])
            for r in range(rows)
            for c in range(columns)
        }
        shape = rng.choice([(True, True), (False, True), (True, False)])
        yield Table.build(
            range(rows), range(columns), counts, row_totals=shape[0], column_totals=shape[1]
        )


def test_the_attacker_finds_what_primary_suppression_alone_leaves_open():
    """Province total minus the shown regencies: with only the small count hidden, it is
    pinned (the test's attacker can fail a table)."""
    table = Table.build(
        ["a", "b", "c"],
        ["x"],
        {("a", "x"): 3, ("b", "x"): 10, ("c", "x"): 7},
        row_totals=False,
        column_totals=True,
    )
    table.marks = {key: SMALL if key == ("a", "x") else "shown" for key in table.values}
    assert pinned_in(table) == [("a", "x")]
    assert unprotected(table) == [("a", "x")]


def test_a_complement_is_withheld_in_the_same_column():
    table = suppress(
        Table.build(
            ["a", "b", "c"],
            ["x"],
            {("a", "x"): 3, ("b", "x"): 10, ("c", "x"): 7},
            row_totals=False,
            column_totals=True,
        )
    )
    assert table.shown(("a", "x")) == "< 5"
    # The smaller of the two others goes; the province total stays.
    assert table.shown(("c", "x")) == "x"
    assert table.shown(("b", "x")) == 10
    assert table.shown((TOTAL, "x")) == 20
    assert pinned_in(table) == []


def test_a_complement_of_exactly_five_cannot_leave_the_small_countpinned_in():
    # 1 + 5 = 6: a reader knowing "< 5" means 1-4 and "x" means 5 or more would pin both.
    table = suppress(
        Table.build(
            ["a", "b", "c"],
            ["x"],
            {("a", "x"): 1, ("b", "x"): 5, ("c", "x"): 40},
            row_totals=False,
            column_totals=True,
        )
    )
    assert pinned_in(table) == []
    assert table.shown(("c", "x")) == "x"


def test_two_way_tables_need_a_cycle_of_hidden_cells():
    counts = {(r, c): 8 for r in range(3) for c in range(3)}
    counts[(0, 0)] = 2
    table = suppress(Table.build(range(3), range(3), counts, row_totals=True, column_totals=True))
    assert len(table.hidden) == 4  # a rectangle: the small count and three complements
    assert pinned_in(table) == []


@pytest.mark.parametrize("seed", range(4))
def test_no_random_table_reveals_a_small_count(seed):
    for table in _random_tables(seed, 150):
        suppress(table)
        assert pinned_in(table) == [], (table.values, table.marks)


def test_totals_of_small_counts_are_small_counts_too():
    table = suppress(
        Table.build(
            ["a", "b"], ["x"], {("a", "x"): 2, ("b", "x"): 0}, row_totals=False, column_totals=True
        )
    )
    assert table.shown((TOTAL, "x")) == "< 5"
    assert table.shown(("b", "x")) == 0
    assert pinned_in(table) == []


def test_the_same_counts_are_marked_the_same_way():
    counts = {(r, c): (r * 7 + c * 3) % 9 for r in range(5) for c in range(4)}
    first = suppress(Table.build(range(5), range(4), counts, row_totals=True, column_totals=True))
    again = suppress(Table.build(range(5), range(4), counts, row_totals=True, column_totals=True))
    assert first.marks == again.marks
