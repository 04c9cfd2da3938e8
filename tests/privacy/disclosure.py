"""An attacker of a published table, written independently of privacy.suppression.

It knows only what is published (each cell's count, "< 5" or "x"), which totals a table
publishes and how they add up, and the documented meaning of the marks ("< 5": 1 to 4; "x": 5
or more). It enumerates every table of whole numbers consistent with that, by search with
propagation, and reports the small counts that take one value only: those the published
figures, through any sums and differences of them, reveal.
"""

from privacy.suppression import TOTAL


def relations(rows, columns, row_totals: bool, column_totals: bool) -> list[dict]:
    """Each published relation as {cell: coefficient}, summing to zero."""
    found = []
    lines = list(rows) + ([TOTAL] if column_totals else [])
    if row_totals:
        for r in lines:
            relation = {(r, c): 1 for c in columns}
            relation[(r, TOTAL)] = -1
            found.append(relation)
    if column_totals:
        for c in list(columns) + ([TOTAL] if row_totals else []):
            relation = {(r, c): 1 for r in rows}
            relation[(TOTAL, c)] = -1
            found.append(relation)
    return found


def pinned_small_counts(published: dict, rows, columns, row_totals, column_totals, cap: int):
    """The cells shown as "< 5" whose value the published figures determine.

    `published` maps every cell (totals included) to an int, "< 5" or "x"; `cap` bounds a
    withheld cell from above: keep it well above the true values, since a lower one
    hides solutions and makes the attacker stronger than a real one."""
    domain = {}
    for key, shown in published.items():
        if shown == "< 5":
            domain[key] = range(1, 5)
        elif shown == "x":
            domain[key] = range(5, cap + 1)
    rels = relations(rows, columns, row_totals, column_totals)
    small = [key for key, shown in published.items() if shown == "< 5"]
    seen: dict = {key: set() for key in small}
    unknown = sorted(domain, key=str)

    def consistent(values: dict) -> bool:
        for relation in rels:
            need = 0
            low = high = 0
            for key, coef in relation.items():
                if key in values:
                    need -= coef * values[key]
                elif key in domain:
                    lo, hi = domain[key][0], domain[key][-1]
                    low += coef * (lo if coef > 0 else hi)
                    high += coef * (hi if coef > 0 else lo)
                else:
                    need -= coef * published[key]
            if not low <= need <= high:
                return False
        return True

    def done() -> bool:
        return all(len(values) > 1 for values in seen.values())

    def search(values: dict) -> bool:
        if not consistent(values):
            return False
        # A relation with one unknown left decides it.
        forced = dict(values)
        changed = True
        while changed:
            changed = False
            for relation in rels:
                open_keys = [k for k in relation if k in domain and k not in forced]
                if len(open_keys) != 1:
                    continue
                key = open_keys[0]
                rest = sum(
                    coef * (forced[k] if k in forced else published[k])
                    for k, coef in relation.items()
                    if k != key
                )
                value = -rest * relation[key]
                if value not in domain[key]:
                    return False
                forced[key] = value
                changed = True
            if changed and not consistent(forced):
                return False
        left = [key for key in unknown if key not in forced]
        if not left:
            for key in small:
                seen[key].add(forced[key])
            return done()
        key = min(left, key=lambda k: len(domain[k]))
        return any(search({**forced, key: value}) for value in domain[key])

    search({})
    return [key for key, values in seen.items() if len(values) <= 1]


def pinned_in(table) -> list:
    """The small counts of a privacy.suppression.Table that its published view reveals."""
    inner = sum(v for (r, c), v in table.values.items() if TOTAL not in (r, c))
    return pinned_small_counts(
        {key: table.shown(key) for key in table.values},
        table.rows,
        table.columns,
        table.row_totals,
        table.column_totals,
        # Well above any value a withheld cell can take while a small count moves by 1 to 3.
        cap=2 * inner + 10,
    )
