"""Each role signs in through the login form and sees the menu its role allows, and no more."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.demo import DEMO_USERS
from accounts.models import User
from pmks_portal.navigation import menu_for
from regions.models import Region

pytestmark = pytest.mark.browser

EVERYONE = {"home", "regions:list"}
ADMIN_ONLY = {"accounts:user-list"}


@pytest.mark.parametrize("username", [demo.username for demo in DEMO_USERS])
def test_each_role_sees_its_own_menu(browser_page, username):
    browser_page.log_in(username)
    menu = browser_page.menu()
    user = User.objects.get(username=username)

    assert menu.keys() >= EVERYONE
    if username == "admin":
        assert menu.keys() >= ADMIN_ONLY
    else:
        assert not ADMIN_ONLY & menu.keys(), f"{username} sees {ADMIN_ONLY & menu.keys()}"
    # What the browser shows is what the role rules grant, entry for entry.
    assert menu.keys() == {entry["url_name"] for entry in menu_for(user)}

    # Every entry shown opens for this user: no menu link leads to a 403 or a 404.
    for url_name, href in menu.items():
        response = browser_page.page.goto(browser_page.base_url + href)
        assert response.status == 200, f"{username}: {url_name} answered {response.status}"


def test_samarinda_staff_cannot_reach_balikpapan(browser_page):
    balikpapan = Region.objects.get(code="64.71").name
    samarinda = Region.objects.get(code="64.72").name
    browser_page.log_in("samarinda")
    page = browser_page.page

    response = browser_page.goto("regions:detail", code="64.71")
    assert response.status == 404
    with translation.override("id"):
        not_found = gettext("Not found")
    assert page.locator("main h1").inner_text() == not_found
    assert balikpapan.lower() not in page.content().lower()
    browser_page.screenshot("samarinda-opens-balikpapan-404")

    response = browser_page.goto("regions:list")
    assert response.status == 200
    listed = page.locator("main table tbody").inner_text().lower()
    assert samarinda.lower() in listed
    assert balikpapan.lower() not in listed

    # Its own city opens.
    assert browser_page.goto("regions:detail", code="64.72").status == 200


def test_provincial_officer_sees_every_regency(browser_page):
    """The counterpart of the test above: the list does show Balikpapan to whom it may."""
    browser_page.log_in("provinsi")
    browser_page.goto("regions:list")
    listed = browser_page.page.locator("main table tbody").inner_text().lower()
    for code in ("64.71", "64.72"):
        assert Region.objects.get(code=code).name.lower() in listed
    assert browser_page.page.locator("main table tbody tr").count() == 10


def test_anonymous_visitor_is_sent_to_the_login_form(browser_page):
    response = browser_page.goto("regions:list")
    assert response.status == 200
    path = browser_page.page.url.removeprefix(browser_page.base_url)
    assert path.startswith(reverse("login"))
    assert browser_page.menu() == {}
