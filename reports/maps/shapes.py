"""From rings in degrees to SVG path data: projected, simplified, rounded. Pure Python.

The projection is equirectangular around the middle latitude (longitudes shortened by its
cosine): on a province's scale, and on the equator where Kaltim lies, it keeps shapes as people
know them from printed maps. Simplification is Douglas–Peucker in the drawing's own units, so
the tolerance is a fraction of a pixel at the size the map is drawn, whatever the file's detail.
"""

import math
from dataclasses import dataclass

from reports.maps.geojson import Ring

WIDTH = 300.0  # the drawing's width in SVG units; the height follows the province's shape
PADDING = 4.0
TOLERANCE = 0.4  # Douglas–Peucker distance, in SVG units
MIN_AREA = 0.5  # islets smaller than this (square units) are dropped, never a whole regency

Point = tuple[float, float]


@dataclass(frozen=True)
class Outline:
    code: str
    path: str  # SVG path data, one closed sub-path per ring (holes drawn with evenodd)
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    outlines: list[Outline]


def draw(shapes: dict[str, list[Ring]]) -> Drawing:
    """Every regency's rings projected into one frame WIDTH wide, simplified, as path data."""
    every = [point for rings in shapes.values() for ring in rings for point in ring]
    west, east = min(p[0] for p in every), max(p[0] for p in every)
    south, north = min(p[1] for p in every), max(p[1] for p in every)
    shrink = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * shrink, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = (WIDTH - 2 * PADDING) / span_x
    height = round(span_y * scale + 2 * PADDING, 1)

    def project(point: Point) -> Point:
        lon, lat = point
        return (PADDING + (lon - west) * shrink * scale, PADDING + (north - lat) * scale)

    outlines = []
    for code, rings in shapes.items():
        drawn = [simplify([project(p) for p in ring], TOLERANCE) for ring in rings]
        drawn = [ring for ring in drawn if len(ring) >= 4]
        largest = max(drawn, key=lambda ring: abs(area(ring)), default=None)
        if largest is None:  # everything collapsed: the regency is smaller than a point
            largest = [project(p) for p in rings[0]]
            drawn = [largest]
        kept = [ring for ring in drawn if ring is largest or abs(area(ring)) >= MIN_AREA]
        x, y = centroid(largest)
        outlines.append(Outline(code, path_data(kept), round(x, 1), round(y, 1)))
    return Drawing(WIDTH, height, outlines)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: the fewest of `points` (first and last kept) within `tolerance` of the
    line they draw. Iterative, so a ring of any length stays off the recursion limit."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = None, tolerance
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > distance:
                farthest, distance = i, d
        if farthest is not None:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _distance(point: Point, start: Point, end: Point) -> float:
    """From `point` to the segment start–end (to `start` when the two ends meet, as a closed
    ring's do)."""
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    if length == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def area(ring: list[Point]) -> float:
    """Signed area (shoelace)."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def centroid(ring: list[Point]) -> Point:
    """Where a ring's label goes: its centroid (its points' mean when it has no area)."""
    a = area(ring)
    if abs(a) < 1e-9:
        return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return (cx / (6 * a), cy / (6 * a))


def path_data(rings: list[list[Point]]) -> str:
    return " ".join(
        "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring[:-1]) + " Z" for ring in rings
    )
