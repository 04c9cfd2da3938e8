"""Browser tests: Debian's headless Chromium, driven by Playwright, against pytest-django's
live server (transactional: the server thread sees what the test commits).

Playwright's sync API keeps an asyncio loop running in the main thread, and Django refuses ORM
calls from a thread with a running loop. DJANGO_ALLOW_ASYNC_UNSAFE is therefore set only while
Playwright runs, which is for this package alone: the rest of the suite keeps Django's guard.

Never `playwright install`: it downloads a browser of its own, which these machines cannot.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_PASSWORD, ensure_demo_users
from regions.loader import load_province

CHROMIUM = os.environ.get("PMKS_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling out of a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
OFFICE_LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="package")
def chromium():
    """One headless Chromium for the whole package; each test gets its own context."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}: apt-get install chromium "
            "(`make test` installs it when run as root)."
        )
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def portal(chromium, transactional_db, live_server):
    """The live portal with Kaltim's regions and one demo user per role; returns its base URL."""
    load_province(settings.REGIONS_DATA_DIR, "64")
    ensure_demo_users()
    return live_server.url


def demo_code(username) -> str:
    """The code a demo user's authenticator shows now (accounts.demo.DEMO_TOTP_KEY).

    Tests sign the same user in several times within one 30-second step, which the replay
    guard refuses; the guard's own test is tests/foundation/test_second_factor.py, so here the
    device forgets its last step first.
    """
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    device.last_t = -1
    device.save(update_fields=["last_t"])
    return f"{TOTP(device.bin_key).token():06d}"


class BrowserPage:
    """A Playwright page on the live portal, with the errors the browser reported."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )

    def goto(self, url_name_or_path, *args, **kwargs):
        path = (
            url_name_or_path
            if url_name_or_path.startswith("/")
            else reverse(url_name_or_path, args=args, kwargs=kwargs)
        )
        return self.page.goto(self.base_url + path)

    def log_in(self, username, password=DEMO_PASSWORD):
        """Signs in through the real login form, as a person would."""
        self.goto("login")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.click("main form button[type=submit]")
        if self.page.url.removeprefix(self.base_url).startswith(reverse("second_factor:verify")):
            self.enter_code(self.demo_code(username))
        path = self.page.url.removeprefix(self.base_url)
        # Every sign-in lands on "Tugas saya" (#14).
        assert path == reverse("worklists:mine"), f"{username} was not signed in: ended on {path}"

    @staticmethod
    def demo_code(username) -> str:
        return demo_code(username)

    def enter_code(self, code):
        self.page.fill("#id_token", code)
        with self.page.expect_navigation():
            self.page.click("main form button[type=submit]")

    def menu(self) -> dict[str, str]:
        """The main menu's entries: url name (data-menu) to href."""
        links = self.page.locator("[data-testid=main-menu] a[data-menu]")
        return {link.get_attribute("data-menu"): link.get_attribute("href") for link in links.all()}

    def html_lang(self) -> str:
        return self.page.evaluate("document.documentElement.lang")

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
        return self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    def screenshot(self, name):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)

    def assert_no_script_errors(self):
        csp = [text for text in self.console_errors if "Content Security Policy" in text]
        assert not csp, f"Content-Security-Policy violations: {csp}"
        assert not self.page_errors, f"JavaScript errors: {self.page_errors}"


def _open_page(chromium, base_url, viewport, **context_options):
    # An Indonesian office PC: the browser asks for Bahasa Indonesia.
    context = chromium.new_context(viewport=viewport, locale="id-ID", **context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, BrowserPage(page, base_url)


@pytest.fixture
def browser_page(chromium, portal):
    """A page at the 1366×768 of an office laptop."""
    context, page = _open_page(chromium, portal, OFFICE_LAPTOP)
    yield page
    context.close()
    page.assert_no_script_errors()


@pytest.fixture
def phone_page(chromium, portal):
    """A page on a phone-sized touch screen."""
    context, page = _open_page(chromium, portal, PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()
    page.assert_no_script_errors()
