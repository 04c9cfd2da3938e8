"""The API's documentation page works in the browser under the portal's CSP, from its own files."""

import pytest

pytestmark = pytest.mark.browser


def test_the_api_documentation_page_shows_the_operations(browser_page):
    requested = []
    browser_page.page.on("request", lambda request: requested.append(request.url))
    browser_page.goto("/api/v1/docs/")
    browser_page.page.wait_for_selector(".opblock", timeout=15_000)
    assert browser_page.page.locator(".opblock").count() >= 20
    assert browser_page.page.get_by_text("/api/v1/cases/").first.is_visible()
    browser_page.assert_no_script_errors()
    assert all(url.startswith(browser_page.base_url) for url in requested), requested
