"""In Chromium, at 1366×768 and 390×844: the dashboards fit the screen with the map, its
legend, the league table and the trend charts in view; an administrator uploads boundaries and
the officer's map draws them."""

import json

import pytest

from accounts.models import User
from reports import summary
from tests.reports.conftest import register
from tests.reports.test_maps import synthetic_geojson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMARINDA = "64.72"


@pytest.fixture
def registry(portal):
    register(User.objects.get(username="samarinda"), name="Rizki Ananda")
    register(User.objects.get(username="balikpapan"), name="Dewi Lestari", sex="P")
    summary.refresh()


def _visible_and_within(page, locator):
    box = locator.bounding_box()
    width = page.page.viewport_size["width"]
    assert box is not None and box["width"] > 0, "not drawn"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (box, width)


@pytest.mark.parametrize("screen", ["browser_page", "phone_page"])
def test_the_dashboards_fit_the_screen_with_the_map_legend_and_table(request, registry, screen):
    page = request.getfixturevalue(screen)
    page.log_in("provinsi")
    page.goto("reports:province")
    figure = page.page.get_by_test_id("province-map")
    assert figure.get_attribute("data-outlined") == "false"
    assert figure.locator("a.map-area").count() == 10
    _visible_and_within(page, figure.locator("svg.province-map"))
    _visible_and_within(page, page.page.get_by_test_id("map-legend"))
    _visible_and_within(page, page.page.get_by_test_id("league-table"))
    # The tile is big enough to read and to tap: at least 44 CSS pixels across.
    assert figure.locator(f"a[data-regency='{SAMARINDA}'] rect").bounding_box()["width"] >= 44
    assert page.page.locator("svg.trend-chart").count() == 3
    assert page.horizontal_overflow() == 0
    page.screenshot(f"reports-province-map-{screen}")
    # Each tile is reached by keyboard, and shows it has the focus.
    figure.locator(f"a[data-regency='{SAMARINDA}']").focus()
    outline = page.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")

    # A tile leads to the regency's dashboard, which fits as well.
    with page.page.expect_navigation():
        figure.locator(f"a[data-regency='{SAMARINDA}']").click()
    assert page.page.url.endswith(f"/laporan/wilayah/{SAMARINDA}/")
    assert page.page.locator("svg.trend-chart").count() == 3
    assert page.horizontal_overflow() == 0


def test_uploaded_boundaries_draw_the_real_shapes(browser_page, registry, tmp_path):
    page = browser_page
    page.log_in("admin")
    page.goto("reports:outlines")
    source = tmp_path / "batas-sintetis.geojson"
    source.write_text(json.dumps(synthetic_geojson()))
    form = page.page.get_by_test_id("outline-upload")
    form.locator("input[type=file]").set_input_files(source)
    with page.page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "batas-sintetis.geojson" in page.page.get_by_test_id("outlines-in-use").inner_text()
    assert page.page.locator("svg.province-map path.area").count() == 10

    page.page.context.clear_cookies()
    page.log_in("provinsi")
    page.goto("reports:province")
    figure = page.page.get_by_test_id("province-map")
    assert figure.get_attribute("data-outlined") == "true"
    assert figure.locator("path.area").count() == 10
    _visible_and_within(page, figure.locator("svg.province-map"))
    page.screenshot("reports-province-choropleth")
