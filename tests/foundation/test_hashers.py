"""The password hasher of the portal's settings (accounts/hashers.py): Argon2id at 19 MiB, and a
password stored under Django's PBKDF2 default still signs in, re-hashed with Argon2id."""

import pytest
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    identify_hasher,
    make_password,
)
from django.test import Client
from django.urls import reverse

from accounts.hashers import PortalArgon2PasswordHasher
from pmks_portal import settings as portal_settings
from tests.helpers import PERSONA_PASSWORD

pytestmark = pytest.mark.django_db


class FewIterations(PBKDF2PasswordHasher):
    """A PBKDF2 hash as Django stores it, at fewer iterations so that the test stays quick."""

    iterations = 1_000


@pytest.fixture
def portal_hashers(settings):
    # tests/settings.py swaps in MD5 for speed; these tests are about the real list.
    settings.PASSWORD_HASHERS = portal_settings.PASSWORD_HASHERS


def test_new_passwords_are_hashed_with_argon2id_at_19_mib(portal_hashers):
    encoded = make_password("Sungai-Mahakam-2026!")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(identify_hasher(encoded), PortalArgon2PasswordHasher)


def test_a_pbkdf2_password_signs_in_and_is_rehashed_with_argon2id(portal_hashers, samarinda_staff):
    hasher = FewIterations()
    samarinda_staff.password = hasher.encode(PERSONA_PASSWORD, hasher.salt())
    samarinda_staff.save(update_fields=["password"])
    response = Client().post(
        reverse("login"),
        {"username": samarinda_staff.username, "password": PERSONA_PASSWORD},
        REMOTE_ADDR="10.64.72.10",
    )
    assert response.status_code == 302, response.content[:500]
    samarinda_staff.refresh_from_db()
    assert samarinda_staff.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_an_argon2_hash_at_django_s_own_settings_is_upgraded(portal_hashers):
    django_default = Argon2PasswordHasher()
    encoded = django_default.encode("Sungai-Mahakam-2026!", django_default.salt())
    assert "m=102400,t=2,p=8" in encoded
    assert PortalArgon2PasswordHasher().must_update(encoded)
    assert not PortalArgon2PasswordHasher().must_update(make_password("Sungai-Mahakam-2026!"))
