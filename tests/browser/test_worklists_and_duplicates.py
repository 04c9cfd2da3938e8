"""Tugas saya and the duplicates queue in Chromium, at 1366×768 and 390×844 (#14, points 6
and 7): a newcomer signs in, lands on their worklists and follows a link to the case that
waits; an administrator opens the queue, compares a pair side by side and merges it (laptop)
or marks it not a duplicate (phone). No page's content scrolls sideways."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.categories_data import load_default_categories
from cases.models import Case, Category, CategoryAlias, Person
from duplicates.models import PairStatus, SuspectedPair
from tests.browser.conftest import OFFICE_LAPTOP, PHONE, _open_page
from tests.factories import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"laptop": OFFICE_LAPTOP, "phone": PHONE}
# How far the page's content (not the navigation bar, whose fit at 1366 px is #14's points 3-4)
# reaches past the viewport, in CSS pixels; 0 when it fits.
CONTENT_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const rights = [...document.querySelectorAll('main, main *')].map(
    (element) => element.getBoundingClientRect().right);
  return Math.max(0, Math.ceil(Math.max(...rights) - width));
}"""


def fits(page) -> bool:
    """The content fits the viewport; on a phone (menu collapsed) the whole page does too."""
    content = page.page.evaluate(CONTENT_OVERFLOW)
    if page.viewport_name == "phone":
        return content == 0 and page.horizontal_overflow() <= 0
    return content == 0


@pytest.fixture(params=sorted(VIEWPORTS))
def page(request, chromium, portal):
    load_default_categories(Category, CategoryAlias)
    mobile = {"is_mobile": True, "has_touch": True} if request.param == "phone" else {}
    context, page = _open_page(chromium, portal, VIEWPORTS[request.param], **mobile)
    page.viewport_name = request.param
    yield page
    context.close()
    page.assert_no_script_errors()


def test_a_newcomer_lands_on_my_tasks_and_follows_a_link_to_the_waiting_case(page):
    staff = User.objects.get(username="samarinda")
    case = register(staff, name="Rizki Ananda Pratama", category="AJ")
    long_ago = timezone.localdate() - timedelta(days=45)
    Case.objects.filter(pk=case.pk).update(registered_on=long_ago, status_changed_on=long_ago)

    page.log_in("samarinda")

    assert page.page.locator("h1").inner_text() == "Tugas saya"
    worklist = page.page.locator("[data-testid=worklist-no-contact]")
    assert worklist.locator("[data-testid=count]").inner_text() == "1"
    assert fits(page)
    page.screenshot(f"tugas-saya-{page.viewport_name}")
    with page.page.expect_navigation():
        worklist.get_by_role("link", name="Rizki Ananda Pratama").click()
    assert page.page.url.removeprefix(page.base_url) == reverse("cases:detail", args=[case.pk])


def test_an_admin_compares_a_pair_and_decides_it(page):
    staff = User.objects.get(username="samarinda")
    kept = register(staff, name="Rudi Hartono").person
    other = register(staff, name="Rudy Hartono", category="PML").person
    pair = SuspectedPair.objects.get()

    page.log_in("admin")
    page.goto("duplicates:queue")
    assert fits(page)
    with page.page.expect_navigation():
        page.page.locator("[data-testid=pairs] a").first.click()
    assert page.page.locator("[data-testid=comparison]").is_visible()
    assert fits(page)
    page.screenshot(f"duplikat-banding-{page.viewport_name}")

    page.page.on("dialog", lambda dialog: dialog.accept())
    if page.viewport_name == "laptop":
        form = page.page.locator("[data-testid=merge-form]")
        form.locator(f"input[name=keep][value='{kept.pk}']").check()
        form.locator("textarea[name=reason]").fill("Anak yang sama, dua tim penjangkauan")
        with page.page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert Person.objects.get(pk=other.pk).merged_into_id == kept.pk
        assert SuspectedPair.objects.get(pk=pair.pk).status == PairStatus.MERGED
    else:
        form = page.page.locator("[data-testid=dismiss-form]")
        form.locator("textarea[name=reason]").fill("Dua anak berbeda, ibu berbeda")
        with page.page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert page.page.url.removeprefix(page.base_url) == reverse("duplicates:queue")
        assert SuspectedPair.objects.get(pk=pair.pk).status == PairStatus.NOT_DUPLICATE
        assert Person.objects.get(pk=other.pk).merged_into_id is None
    assert fits(page)
