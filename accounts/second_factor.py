"""The second factor: TOTP (an authenticator app) with single-use recovery codes (django-otp).

Who needs it: PMKS_SECOND_FACTOR_ROLES (admins and provincial officers; regency users too when
PMKS_SECOND_FACTOR_REGENCY=1). Such a user who has signed in with the password is held at the
verification page (SecondFactorMiddleware) until a code is given; one without a device enrols
there first. A verified session carries django-otp's device id; checking it costs no query
(django-otp's own middleware would load the device on every request).

Every change is in the audit trail, on the user: enrolment, new recovery codes, a reset by an
administrator (with the reason), and failed codes.
"""

import segno
from django.conf import settings
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import audit_record

RECOVERY_CODES = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def required_for(user) -> bool:
    return user.is_authenticated and user.role in settings.PMKS_SECOND_FACTOR_ROLES


def is_verified(request) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def has_device(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def qr_code_data_uri(text: str) -> str:
    """The QR code as an SVG data URI for an <img>: drawn here, no outside service; the SVG
    has presentation attributes only, so the CSP (no inline style) has nothing to block."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def second_factor_enrolment(user) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled: the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def second_factor_confirm(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms the device with a first code: marks the session verified and returns the new
    recovery codes (shown once). None when the code is wrong."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(token.strip()):
        _record_failure(user, "enrolment")
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _new_recovery_codes(user)
    _verified(request, device)
    audit_record(
        actor=user,
        action=AuditEvent.Action.UPDATE,
        target=user,
        changes={"second_factor": [False, True]},
        regency_id=user.regency_id,
    )
    return codes


def second_factor_verify(request, token: str) -> bool:
    """Checks a code from the app or a recovery code (used up); django-otp throttles guesses."""
    device = match_token(request.user, token.strip().lower().replace(" ", ""))
    if device is None:
        _record_failure(request.user, "verification")
        return False
    _verified(request, device)
    return True


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    codes = _new_recovery_codes(user)
    audit_record(
        actor=user,
        action=AuditEvent.Action.UPDATE,
        target=user,
        changes={"recovery_codes": ["renewed", len(codes)]},
        regency_id=user.regency_id,
    )
    return codes


@transaction.atomic
def second_factor_reset(*, actor, user, reason: str = "") -> int:
    """An administrator removes a user's devices (a lost phone); the user enrols again at the
    next sign-in. Returns how many devices were removed."""
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        target=user,
        changes={"second_factor": [bool(removed), False]},
        reason=reason,
        regency_id=user.regency_id,
    )
    return removed


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _verified(request, device) -> None:
    # A new session key at the change of privilege, as at sign-in.
    request.session.cycle_key()
    otp_login(request, device)


def _record_failure(user, step: str) -> None:
    audit_record(
        actor=None,
        action=AuditEvent.Action.SIGN_IN_FAILED,
        target=user,
        changes={"second_factor": step},
        regency_id=user.regency_id,
    )
