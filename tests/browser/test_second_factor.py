"""The second factor in Chromium: enrolment with the portal's own QR code, and signing in with
the code, on an office laptop (1366×768) and a phone (390×844); no CSP violation on the way."""

from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from accounts.models import User

pytestmark = pytest.mark.browser


def _code_from_secret(text: str) -> str:
    return f"{TOTP(b32decode(text.replace(' ', ''))).token():06d}"


@pytest.mark.parametrize("page_fixture", ["browser_page", "phone_page"])
def test_a_provincial_officer_enrols_with_the_qr_code_and_gets_recovery_codes(
    page_fixture, request, portal
):
    page = request.getfixturevalue(page_fixture)
    officer = User.objects.get(username="provinsi")
    second_factor.second_factor_reset(actor=None, user=officer, reason="browser test")

    page.goto("login")
    page.page.fill("#id_username", "provinsi")
    page.page.fill("#id_password", "Kaltim-Demo-2026")
    with page.page.expect_navigation():
        page.page.click("main form button[type=submit]")
    page.goto("cases:list")  # not reachable yet: the enrolment page is
    assert page.page.url.endswith(reverse("second_factor:enrol"))
    assert page.page.locator("h1").inner_text() == "Siapkan faktor kedua"

    qr = page.page.locator("[data-testid=second-factor-qr]")
    # The browser drew the portal's SVG (a blocked or broken image has no natural size).
    assert qr.evaluate("img => img.complete && img.naturalWidth") > 0
    assert qr.bounding_box()["width"] <= page.page.viewport_size["width"]
    assert page.horizontal_overflow() == 0
    page.screenshot(f"second-factor-enrol-{page_fixture}")

    secret = page.page.locator("[data-testid=second-factor-secret]").inner_text()
    page.enter_code(_code_from_secret(secret))

    assert page.page.url.endswith(reverse("second_factor:recovery-codes"))
    codes = page.page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    assert len(codes) == 10
    with page.page.expect_navigation():
        page.page.click("text=Sudah saya simpan; lanjutkan")
    assert page.page.url.removeprefix(page.base_url) == reverse("worklists:mine")
    assert TOTPDevice.objects.get(user=officer).confirmed


@pytest.mark.parametrize("page_fixture", ["browser_page", "phone_page"])
def test_an_admin_signs_in_with_the_code_and_not_without(page_fixture, request, portal):
    page = request.getfixturevalue(page_fixture)
    page.goto("login")
    page.page.fill("#id_username", "admin")
    page.page.fill("#id_password", "Kaltim-Demo-2026")
    with page.page.expect_navigation():
        page.page.click("main form button[type=submit]")
    verify = reverse("second_factor:verify")
    assert page.page.url.removeprefix(page.base_url).startswith(verify)

    page.goto("accounts:user-list")  # the password alone opens nothing
    assert page.page.url.removeprefix(page.base_url).startswith(verify)
    page.screenshot(f"second-factor-verify-{page_fixture}")
    assert page.horizontal_overflow() == 0

    page.enter_code(page.demo_code("admin"))
    # On to the page that was asked for.
    assert page.page.url.removeprefix(page.base_url) == reverse("accounts:user-list")
    assert page.page.locator("h1").count() == 1
