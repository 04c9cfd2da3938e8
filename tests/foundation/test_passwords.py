"""The BSSN Regulation 4/2021 password policy: composition and no reuse of recent passwords."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.password_validation import validate_password as django_validate
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import PasswordHistory
from accounts.passwords import ComplexityValidator
from tests.helpers import PERSONA_PASSWORD

pytestmark = pytest.mark.django_db

PASSWORDS = [f"Sungai-Mahakam-{n}-Pesut!" for n in range(1, 8)]


@pytest.mark.parametrize(
    "password, missing",
    [
        ("Pendek-1!", "12 karakter"),
        ("sungai-mahakam-2026!", "huruf besar"),
        ("SUNGAI-MAHAKAM-2026!", "huruf kecil"),
        ("Sungai-Mahakam-Pesut!", "angka"),
        ("Sungai Mahakam 2026 Pesut", "simbol"),
    ],
)
def test_each_missing_kind_of_character_is_named_in_indonesian(password, missing):
    with pytest.raises(ValidationError) as error:
        ComplexityValidator(min_length=12).validate(password)
    (message,) = error.value.messages
    assert message.startswith("Kata sandi perlu memuat ") and missing in message


def test_a_password_with_all_four_kinds_passes_every_validator(samarinda_staff):
    django_validate("Sungai-Mahakam-2026!", samarinda_staff)


def test_the_rules_are_shown_where_a_password_is_chosen():
    assert any("huruf besar" in text for text in password_validators_help_texts())


def change_password(client, old, new):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_none_of_the_last_five_passwords_may_be_chosen_again(samarinda_staff, login, settings):
    assert settings.AUTH_PASSWORD_VALIDATORS[-1]["OPTIONS"] == {"remember": 5}
    client = login(samarinda_staff)
    previous = PERSONA_PASSWORD
    for new in PASSWORDS[:5]:
        assert change_password(client, previous, new).status_code == 302
        previous = new

    # The current one and the four before it are refused; the persona's first one is older.
    for reused in PASSWORDS[:5]:
        response = change_password(client, previous, reused)
        assert response.status_code == 200
        assert "new_password2" in response.context["form"].errors
    assert change_password(client, previous, PERSONA_PASSWORD).status_code == 302


def test_the_history_keeps_hashes_only_and_no_more_than_it_needs(samarinda_staff, login):
    client = login(samarinda_staff)
    previous = PERSONA_PASSWORD
    for new in PASSWORDS:
        change_password(client, previous, new)
        previous = new

    kept = list(
        PasswordHistory.objects.filter(user=samarinda_staff).values_list("password", flat=True)
    )
    assert len(kept) == 5
    assert not any(password in encoded for password in PASSWORDS for encoded in kept)
    samarinda_staff.refresh_from_db()
    assert samarinda_staff.password in kept  # the current one is the newest kept


def test_a_password_set_before_any_history_still_counts_as_used(samarinda_staff):
    PasswordHistory.objects.filter(user=samarinda_staff).delete()
    with pytest.raises(ValidationError):
        django_validate(PERSONA_PASSWORD, samarinda_staff)
