"""What the province map draws for one target: each regency's place (a tile of the grid, or its
uploaded outline), its status and remaining count. Plain data for the template, no query.

The grid puts Kaltim's regencies and cities roughly where they lie: Berau in the north, Mahakam
Ulu and Kutai Barat in the west, the coast from Kutai Timur and Bontang down to Samarinda,
Balikpapan and Penajam Paser Utara on its bay, Paser in the south. A regency not in the layout
(another province) takes the next free cell after them, in code order.
"""

import re
from dataclasses import dataclass

from django.utils import formats

from reports.indicators import Status

COLUMNS = 3
TILE_WIDTH, TILE_HEIGHT, GAP = 100, 60, 4

# code → (column, row)
LAYOUT = {
    "64.03": (2, 0),  # Berau
    "64.11": (0, 1),  # Mahakam Ulu
    "64.08": (2, 1),  # Kutai Timur
    "64.07": (0, 2),  # Kutai Barat
    "64.02": (1, 2),  # Kutai Kartanegara
    "64.74": (2, 2),  # Bontang
    "64.72": (1, 3),  # Samarinda
    "64.09": (0, 4),  # Penajam Paser Utara
    "64.71": (1, 4),  # Balikpapan
    "64.01": (0, 5),  # Paser
}
# The names people use for them in Kaltim, short enough for a tile.
SHORT_NAMES = {
    "64.02": "Kukar",
    "64.07": "Kubar",
    "64.08": "Kutim",
    "64.09": "PPU",
    "64.11": "Mahulu",
}


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    label: str
    status: str
    status_label: str
    remaining: int | None
    # A tile: its rectangle; an outline: its path. Labels centred on (label_x, label_y).
    x: float = 0
    y: float = 0
    path: str = ""
    label_x: float = 0
    label_y: float = 0

    @property
    def remaining_text(self) -> str:
        """The count as people read it in the active language (1.276 in Indonesian)."""
        if self.remaining is None:
            return "–"
        return formats.number_format(self.remaining, force_grouping=True)


@dataclass(frozen=True)
class ProvinceMap:
    target_code: str
    target_name: str
    width: float
    height: float
    areas: list[Area]
    outlined: bool  # drawn from uploaded boundaries (else the tile grid)
    source_name: str = ""

    @property
    def statuses(self) -> list[tuple[str, str]]:
        """The legend: every status, in the order of the scale."""
        return [(status.value, str(status.label)) for status in Status]


def short_name(code: str, name: str) -> str:
    return SHORT_NAMES.get(code) or re.sub(r"^(Kabupaten|Kota)\s+", "", name)


def province_map(overview, target, outlines: dict | None) -> ProvinceMap:
    """The map of `target` over the overview's regencies, from the outlines when every one of
    them has one, else on the grid."""

    def standing(code):
        found = overview.standing(code, target.code)
        return (found.status, found.remaining) if found else (Status.NO_DATA, None)

    return _build(overview.regencies, standing, outlines, target.code, target.name)


def preview(regencies: list[tuple[str, str]], outlines: dict | None) -> ProvinceMap:
    """The stored outlines as the map will draw them, without figures (the upload page)."""
    return _build(regencies, lambda code: (Status.NO_DATA, None), outlines, "", "")


def _build(regencies, standing, outlines, target_code: str, target_name: str) -> ProvinceMap:
    codes = [code for code, _name in regencies]
    shapes = (outlines or {}).get("shapes", {})
    outlined = bool(codes) and all(code in shapes for code in codes)
    areas, free = [], _free_cells(codes)
    for code, name in regencies:
        status, remaining = standing(code)
        common = {
            "code": code,
            "name": name,
            "label": short_name(code, name),
            "status": str(status.value),
            "status_label": str(status.label),
            "remaining": remaining,
        }
        if outlined:
            path, label_x, label_y = shapes[code]
            areas.append(Area(**common, path=path, label_x=label_x, label_y=label_y))
        else:
            column, row = LAYOUT.get(code) or next(free)
            x, y = column * (TILE_WIDTH + GAP), row * (TILE_HEIGHT + GAP)
            areas.append(
                Area(**common, x=x, y=y, label_x=x + TILE_WIDTH / 2, label_y=y + TILE_HEIGHT / 2)
            )
    if outlined:
        width, height = outlines["width"], outlines["height"]
    else:
        rows = 1 + max((area.y for area in areas), default=0) // (TILE_HEIGHT + GAP)
        width = COLUMNS * TILE_WIDTH + (COLUMNS - 1) * GAP
        height = rows * TILE_HEIGHT + (rows - 1) * GAP
    return ProvinceMap(
        target_code=target_code,
        target_name=target_name,
        width=width,
        height=height,
        areas=areas,
        outlined=outlined,
        source_name=outlines["source_name"] if outlined else "",
    )


def _free_cells(codes: list[str]):
    """The cells after the layout's, row by row, for regencies it does not place."""
    taken = {LAYOUT[code] for code in codes if code in LAYOUT}
    row = 1 + max((r for _c, r in taken), default=-1)
    while True:
        for column in range(COLUMNS):
            if (column, row) not in taken:
                yield (column, row)
        row += 1
