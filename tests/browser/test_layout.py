"""The layout as a person meets it: assets served by the portal, an office laptop, a phone,
the keyboard, and the language switch."""

import pytest

pytestmark = pytest.mark.browser

# What `a:focus-visible` etc. must change: an outline or a (Bootstrap) focus ring.
FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    menu: el.dataset.menu || null,
    text: (el.innerText || el.value || el.id || '').trim().slice(0, 40),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1,
    shadow: style.boxShadow !== 'none',
    width: box.width,
    height: box.height,
  };
}"""


def test_bootstrap_is_served_by_the_portal(browser_page):
    static = {}
    browser_page.page.on(
        "response",
        lambda response: (
            static.__setitem__(response.url, response.status)
            if "/static/" in response.url
            else None
        ),
    )
    browser_page.goto("login")
    browser_page.page.wait_for_load_state("load")

    def status_of(suffix):
        matches = [status for url, status in static.items() if url.endswith(suffix)]
        assert matches, f"{suffix} was not requested; static requests: {sorted(static)}"
        return matches[0]

    assert status_of("/vendor/bootstrap/css/bootstrap.min.css") == 200
    assert status_of("/vendor/bootstrap/js/bootstrap.bundle.min.js") == 200
    assert status_of("/css/portal.css") == 200
    assert status_of("/js/portal.js") == 200
    assert all(status == 200 for status in static.values()), static
    # The CSS applies and the script ran (the Content-Security-Policy let them).
    page = browser_page.page
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    assert page.evaluate("typeof window.bootstrap") == "object"
    assert page.evaluate("document.documentElement.classList.contains('js')")


def test_fits_an_office_laptop(browser_page):
    browser_page.log_in("admin")
    page = browser_page.page
    for url_name in ("home", "regions:list", "accounts:user-list"):
        browser_page.goto(url_name)
        assert browser_page.horizontal_overflow() <= 0, f"{url_name} scrolls sideways"
        # The menu is spread out, no toggler.
        assert page.locator(".navbar-toggler").is_hidden()
        for link in page.locator("[data-testid=main-menu] > li > a[data-menu]").all():
            assert link.is_visible()
        # Administration sits in one dropdown, whose entries show once it is opened.
        page.locator("[data-testid=main-menu] .dropdown-toggle").click()
        for link in page.locator("[data-testid=main-menu] .dropdown-menu a[data-menu]").all():
            assert link.is_visible()
        page.keyboard.press("Escape")
    browser_page.goto("home")
    browser_page.screenshot("home-admin-1366x768")


def test_fits_a_phone_with_a_collapsed_menu(phone_page):
    phone_page.log_in("samarinda")
    page = phone_page.page
    assert phone_page.horizontal_overflow() <= 0
    toggler = page.locator(".navbar-toggler")
    menu_link = page.locator("[data-testid=main-menu] a[data-menu=home]")
    assert toggler.is_visible()
    assert menu_link.is_hidden()
    phone_page.screenshot("home-samarinda-390x844-closed")

    toggler.click()
    # Bootstrap's collapse animates ("collapsing") before it settles on "collapse show".
    page.wait_for_selector("#main-menu.collapse.show")
    assert menu_link.is_visible()
    assert toggler.get_attribute("aria-expanded") == "true"
    phone_page.screenshot("home-samarinda-390x844-menu-open")

    for url_name in ("regions:list", "login"):
        phone_page.goto(url_name)
        assert phone_page.horizontal_overflow() <= 0, f"{url_name} scrolls sideways on a phone"


def test_keyboard_focus_is_always_visible(browser_page):
    browser_page.log_in("admin")
    page = browser_page.page
    browser_page.goto("home")

    # The first Tab reaches the skip link, which then shows.
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_STYLE_JS)
    assert first is not None
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert first["width"] > 1 and first["height"] > 1, "the skip link stays hidden on focus"

    seen = [first]
    for _ in range(15):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE_JS)
        if focused is None:
            break
        seen.append(focused)
    assert len(seen) > 5, seen
    invisible = [f for f in seen if not (f["outline"] or f["shadow"])]
    assert not invisible, f"focused without a visible indicator: {invisible}"
    # The whole main menu is reachable by keyboard: the entries of the bar directly, those of
    # the Administration dropdown by opening it with Enter and moving with the arrow keys.
    top_level = page.locator("[data-testid=main-menu] > li > a[data-menu]")
    assert {link.get_attribute("data-menu") for link in top_level.all()} <= {
        f["menu"] for f in seen
    }
    page.locator("[data-testid=main-menu] .dropdown-toggle").focus()
    page.keyboard.press("Enter")
    in_dropdown = set()
    for _ in range(page.locator(".dropdown-menu a[data-menu]").count()):
        page.keyboard.press("ArrowDown")
        focused = page.evaluate(FOCUS_STYLE_JS)
        assert focused["outline"] or focused["shadow"], focused
        in_dropdown.add(focused["menu"])
    assert in_dropdown == {
        link.get_attribute("data-menu")
        for link in page.locator(".dropdown-menu a[data-menu]").all()
    }


def test_language_switch_changes_the_page_to_english(browser_page):
    browser_page.log_in("provinsi")
    page = browser_page.page
    assert browser_page.html_lang() == "id"

    with page.expect_navigation():
        page.click("[data-testid=language-picker] button[value=en]")
    assert browser_page.html_lang() == "en"
    picked = page.locator("[data-testid=language-picker] button[aria-pressed=true]")
    assert picked.get_attribute("value") == "en"

    # The choice stays for the next pages.
    browser_page.goto("regions:list")
    assert browser_page.html_lang() == "en"

    with page.expect_navigation():
        page.click("[data-testid=language-picker] button[value=id]")
    assert browser_page.html_lang() == "id"
