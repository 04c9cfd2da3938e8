"""Reading an uploaded GeoJSON file of regency boundaries, every fault told in plain words.

Accepted: a FeatureCollection whose features are Polygons or MultiPolygons in longitude and
latitude (RFC 7946), each naming its regency by a code property ("64.72", or BPS's "6472").
Refused with a ValidationError that says what is wrong and where: a file too large, text that
is not JSON, another geometry, a coordinate out of range, a ring that does not close, a code
that is not one of the province's regencies, a regency given twice or missing.
"""

import json
import math
import re

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_POINTS = 500_000  # before simplification: a bound on the work one upload can cause

Ring = list[tuple[float, float]]  # (longitude, latitude), closed


def read(raw: bytes, *, code_property: str, regencies: dict[str, str]) -> dict[str, list[Ring]]:
    """The rings of each regency (code → outer rings and holes, in file order).

    `regencies`: code → name of the regencies the file must cover, all of them, once each.
    """
    check_size(len(raw))
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(
            _("The file is not GeoJSON (it is not valid JSON): %(error)s") % {"error": error}
        ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationError(_("The file must hold a GeoJSON FeatureCollection."))
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError(_("The FeatureCollection holds no features."))
    shapes: dict[str, list[Ring]] = {}
    points = 0
    for number, feature in enumerate(features, start=1):
        code = _code(feature, number, code_property, regencies)
        if code in shapes:
            raise ValidationError(
                _("Feature %(n)s: %(name)s (%(code)s) appears a second time.")
                % {"n": number, "name": regencies[code], "code": code}
            )
        rings = _rings(feature.get("geometry"), number)
        points += sum(len(ring) for ring in rings)
        if points > MAX_POINTS:
            raise ValidationError(
                _("The file holds more than %(max)s points: simplify it before uploading.")
                % {"max": formats.number_format(MAX_POINTS, force_grouping=True)}
            )
        shapes[code] = rings
    missing = [f"{regencies[code]} ({code})" for code in regencies if code not in shapes]
    if missing:
        raise ValidationError(
            _("The file has no boundary for: %(missing)s.") % {"missing": ", ".join(missing)}
        )
    return shapes


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB: simplify it before uploading.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )


def normalise_code(value) -> str:
    """'64.72' as it is; BPS's '6472' (or 6472) written the Kemendagri way."""
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return f"{text[:2]}.{text[2:]}"
    return text


def _code(feature, number: int, code_property: str, regencies: dict[str, str]) -> str:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValidationError(_("Feature %(n)s is not a GeoJSON Feature.") % {"n": number})
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict) or properties.get(code_property) in (None, ""):
        raise ValidationError(
            _("Feature %(n)s has no property “%(property)s” naming its regency.")
            % {"n": number, "property": code_property}
        )
    code = normalise_code(properties[code_property])
    if code not in regencies:
        raise ValidationError(
            _("Feature %(n)s: “%(code)s” is not the code of a regency or city of the province.")
            % {"n": number, "code": str(properties[code_property])[:40]}
        )
    return code


def _rings(geometry, number: int) -> list[Ring]:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        raise ValidationError(
            _("Feature %(n)s is a %(kind)s: only Polygon and MultiPolygon are drawn.")
            % {"n": number, "kind": str(kind or _("geometry of no type"))[:40]}
        )
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise ValidationError(_("Feature %(n)s has no coordinates.") % {"n": number})
    rings = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ValidationError(_("Feature %(n)s has an empty polygon.") % {"n": number})
        rings.extend(_ring(ring, number) for ring in polygon)
    return rings


def _ring(ring, number: int) -> Ring:
    problem = _("Feature %(n)s has a ring that is not a closed list of at least four positions.")
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValidationError(problem % {"n": number})
    points = []
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(
                isinstance(c, int | float) and not isinstance(c, bool) and math.isfinite(c)
                for c in position[:2]
            )
        ):
            raise ValidationError(problem % {"n": number})
        lon, lat = float(position[0]), float(position[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError(
                _(
                    "Feature %(n)s has a position outside longitude −180…180 and latitude "
                    "−90…90: the file must be in WGS 84 degrees (EPSG:4326)."
                )
                % {"n": number}
            )
        points.append((lon, lat))
    if points[0] != points[-1]:
        raise ValidationError(problem % {"n": number})
    return points
