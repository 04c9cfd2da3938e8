"""The province map: the tile grid, the GeoJSON upload that turns it into a choropleth, the
files refused, and the simplification."""

import json
import math
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from audit.models import AuditEvent
from reports import summary
from reports.maps import geojson, shapes
from reports.maps.tiles import LAYOUT
from reports.models import RegencyOutline
from tests.reports.conftest import register

pytestmark = pytest.mark.django_db

KALTIM = ["64.01", "64.02", "64.03", "64.07", "64.08", "64.09", "64.11", "64.71", "64.72", "64.74"]


def synthetic_geojson(codes=KALTIM, *, property_name="code", code_format=str, **changes) -> dict:
    """Made-up boundaries, NOT Kaltim's: a dense circle per regency placed on the tile grid's
    cells, in degrees around 116° E, 0°; Samarinda a MultiPolygon with an islet and a hole."""
    features = []
    for code in codes:
        column, row = LAYOUT[code]
        lon, lat = 114.5 + column * 1.2, 2.0 - row * 0.8
        ring = [
            [
                lon + 0.5 * math.cos(2 * math.pi * i / 400),
                lat + 0.35 * math.sin(2 * math.pi * i / 400),
            ]
            for i in range(400)
        ]
        ring.append(ring[0])
        geometry = {"type": "Polygon", "coordinates": [ring]}
        if code == "64.72":
            hole = [[lon - 0.05, lat - 0.05], [lon + 0.05, lat - 0.05], [lon, lat + 0.05]]
            hole.append(hole[0])
            islet = [[lon + 0.6, lat], [lon + 0.7, lat], [lon + 0.65, lat + 0.1], [lon + 0.6, lat]]
            geometry = {"type": "MultiPolygon", "coordinates": [[ring, hole], [islet]]}
        features.append(
            {
                "type": "Feature",
                "properties": {property_name: code_format(code), "nama": code},
                "geometry": geometry,
            }
        )
    data = {"type": "FeatureCollection", "features": features}
    data.update(changes)
    return data


def upload(client, data, *, name="batas.geojson", code_property="code"):
    """Posts the file as an administrator would; the commit's callbacks (the cache's forget)
    run as they would after a real commit."""
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("reports:outlines"),
            {
                "file": SimpleUploadedFile(name, raw, "application/geo+json"),
                "code_property": code_property,
            },
        )


def test_the_province_dashboard_draws_the_tile_grid_with_each_regency_a_link(
    login, provincial_officer, samarinda_staff
):
    register(samarinda_staff, name="Rudi Hartono")
    summary.refresh()
    response = login(provincial_officer).get(reverse("reports:province"))
    html = response.content.decode()
    figure = re.search(r'<figure class="province-map-figure.*?</figure>', html, re.S).group(0)
    assert 'data-outlined="false"' in figure
    assert 'role="group"' in figure and "<title" in figure and "<desc" in figure
    links = re.findall(
        r'<a class="map-area" href="([^"]+)" data-regency="([^"]+)" '
        r'data-status="([^"]+)" aria-label="([^"]+)"',
        figure,
    )
    assert len(links) == 10 and figure.count('<rect class="area"') == 10
    by_code = {code: (href, status, label) for href, code, status, label in links}
    href, status, label = by_code["64.72"]
    assert href == reverse("reports:regency", args=["64.72"])
    overview = response.context["overview"]
    assert status == overview.standing("64.72", "bebas-anak-jalanan").status == "off_track"
    assert label == "Kota Samarinda: Off track, 1 remaining"
    assert by_code["64.74"][1] == "achieved"
    # Status in words on each tile, and a legend with every status.
    assert (
        ">Off track</text>" in figure
        and ">Samarinda</text>" in figure
        and ">Kukar</text>" in figure
    )
    legend = re.search(r'data-testid="map-legend".*?</figcaption>', figure, re.S).group(0)
    for word in ("Achieved", "On track", "At risk", "Off track", "No data"):
        assert word in legend


def test_the_map_shows_the_target_asked_for(login, provincial_officer):
    summary.refresh()
    client = login(provincial_officer)
    response = client.get(reverse("reports:province"), {"peta": "bebas-pasung"})
    assert response.context["province_map"].target_code == "bebas-pasung"
    html = response.content.decode()
    assert 'aria-current="true" href="?peta=bebas-pasung' in html
    assert '<input type="hidden" name="peta" value="bebas-pasung">' in html  # a month keeps it
    # Anything else: the first target.
    response = client.get(reverse("reports:province"), {"peta": "<script>"})
    assert response.context["province_map"].target_code == "bebas-anak-jalanan"


def test_an_uploaded_geojson_turns_the_map_into_a_choropleth(login, admin, provincial_officer):
    response = upload(login(admin), synthetic_geojson(), name="kaltim-sintetis.geojson")
    assert response.status_code == 302
    assert RegencyOutline.objects.count() == 10
    samarinda = RegencyOutline.objects.get(pk="64.72")
    # Simplified: a 400-point circle keeps a few dozen points; the islet and the hole stay.
    points = len(re.findall(r"[\d.]+,[\d.]+", samarinda.path))
    assert 3 * 12 < points < 3 * 200
    assert samarinda.path.count("M") == 3
    assert AuditEvent.objects.filter(target_type="reports.regencyoutline").count() == 10

    summary.refresh()
    html = login(provincial_officer).get(reverse("reports:province")).content.decode()
    figure = re.search(r'<figure class="province-map-figure.*?</figure>', html, re.S).group(0)
    assert 'data-outlined="true"' in figure and "kaltim-sintetis.geojson" in figure
    assert (
        len(re.findall(r'<path class="area" d="M[\d., LMZ]+" fill="url\(#map-fill-\w+\)"', figure))
        == 10
    )
    assert '<rect class="area"' not in figure

    # Removed: back to the grid.
    client = login(admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(reverse("reports:outlines-remove")).status_code == 302
    assert not RegencyOutline.objects.exists()
    html = login(provincial_officer).get(reverse("reports:province")).content.decode()
    assert 'data-outlined="false"' in html


def test_codes_may_be_written_the_bps_way_under_another_property(login, admin):
    data = synthetic_geojson(property_name="KDPKAB", code_format=lambda code: code.replace(".", ""))
    assert upload(login(admin), data, code_property="KDPKAB").status_code == 302
    assert RegencyOutline.objects.count() == 10


def _feature(code="64.72", geometry=None):
    return synthetic_geojson([code])["features"][0] | ({"geometry": geometry} if geometry else {})


def _with(features):
    return {"type": "FeatureCollection", "features": features}


BAD_FILES = {
    "not JSON": (b"{not json", "not valid JSON"),
    "not UTF-8": (b"\xff\xfe\x00", "not valid JSON"),
    "a Feature alone": (_feature(), "must hold a GeoJSON FeatureCollection"),
    "no features": (_with([]), "holds no features"),
    "a point": (
        _with([_feature(geometry={"type": "Point", "coordinates": [116, 0]})]),
        "Feature 1 is a Point",
    ),
    "a regency missing": (synthetic_geojson(KALTIM[:-1]), "no boundary for: Kota Bontang (64.74)"),
    "a regency twice": (
        _with([*synthetic_geojson()["features"], _feature()]),
        "appears a second time",
    ),
    "another province's code": (
        _with(
            [*synthetic_geojson()["features"][:9], _feature() | {"properties": {"code": "63.71"}}]
        ),
        "“63.71” is not the code of a regency or city of the province",
    ),
    "no code": (_with([_feature() | {"properties": {}}]), "no property “code”"),
    "metres, not degrees": (
        _with(
            [
                _feature(
                    geometry={
                        "type": "Polygon",
                        "coordinates": [
                            [
                                [500000, 9000000],
                                [500100, 9000000],
                                [500100, 9000100],
                                [500000, 9000000],
                            ]
                        ],
                    }
                )
            ]
        ),
        "must be in WGS 84 degrees",
    ),
    "a ring left open": (
        _with(
            [
                _feature(
                    geometry={
                        "type": "Polygon",
                        "coordinates": [[[116, 0], [117, 0], [117, 1], [116, 1]]],
                    }
                )
            ]
        ),
        "not a closed list of at least four positions",
    ),
    "text for a coordinate": (
        _with(
            [
                _feature(
                    geometry={
                        "type": "Polygon",
                        "coordinates": [[["116", 0], [117, 0], [117, 1], ["116", 0]]],
                    }
                )
            ]
        ),
        "not a closed list of at least four positions",
    ),
}


@pytest.mark.parametrize("raw, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_saying_why_and_nothing_is_stored(login, admin, raw, message):
    client = login(admin)
    assert upload(client, synthetic_geojson()).status_code == 302  # boundaries in use before
    stored = list(RegencyOutline.objects.values_list("path", flat=True))
    response = upload(client, raw)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert message in errors
    assert list(RegencyOutline.objects.values_list("path", flat=True)) == stored


def test_a_file_over_the_limit_is_refused_before_it_is_read(login, admin, monkeypatch):
    monkeypatch.setattr(geojson, "MAX_BYTES", 1000)
    response = upload(login(admin), synthetic_geojson())
    assert "larger than" in " ".join(response.context["form"].errors["file"])
    assert not RegencyOutline.objects.exists()


def test_too_many_points_are_refused(monkeypatch):
    monkeypatch.setattr(geojson, "MAX_POINTS", 1000)
    regencies = dict.fromkeys(KALTIM, "x")
    with pytest.raises(ValidationError, match="more than 1,000 points"):
        geojson.read(
            json.dumps(synthetic_geojson()).encode(), code_property="code", regencies=regencies
        )


def test_only_administrators_upload_boundaries(login, provincial_officer):
    assert upload(login(provincial_officer), synthetic_geojson()).status_code == 403
    assert not RegencyOutline.objects.exists()


def test_douglas_peucker_keeps_the_ends_and_drops_what_lies_within_the_tolerance():
    line = [(0.0, 0.0), (1.0, 0.1), (2.0, -0.1), (3.0, 5.0), (4.0, 6.0), (5.0, 7.0), (6.0, 0.0)]
    # (1, 0.1) lies 0.15 off the line (0, 0)–(2, −0.1); (4, 6) on (3, 5)–(5, 7).
    assert shapes.simplify(line, 0.5) == [
        (0.0, 0.0),
        (2.0, -0.1),
        (3.0, 5.0),
        (5.0, 7.0),
        (6.0, 0.0),
    ]
    assert shapes.simplify(line, 100) == [(0.0, 0.0), (6.0, 0.0)]
    assert shapes.simplify(line, 0) == [point for point in line if point != (4.0, 6.0)]
    # A closed ring (both ends the same point) keeps its shape.
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 5.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]
    assert shapes.simplify(square, 0.1) == [
        (0.0, 0.0),
        (10.0, 0.0),
        (10.0, 10.0),
        (0.0, 10.0),
        (0.0, 0.0),
    ]


def test_the_drawing_keeps_north_up_and_the_proportions():
    drawing = shapes.draw(
        {
            "a": [[(116.0, 1.0), (117.0, 1.0), (117.0, 2.0), (116.0, 2.0), (116.0, 1.0)]],
            "b": [[(116.0, -1.0), (117.0, -1.0), (117.0, 0.0), (116.0, 0.0), (116.0, -1.0)]],
        }
    )
    assert drawing.width == shapes.WIDTH
    # 1° by 3°: the frame is about three times as tall as wide (plus padding).
    assert 2.8 < (drawing.height - 2 * shapes.PADDING) / (drawing.width - 2 * shapes.PADDING) < 3.1
    a, b = drawing.outlines
    assert a.label_y < b.label_y  # the northern one is drawn above
