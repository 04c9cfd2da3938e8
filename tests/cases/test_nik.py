from datetime import date

import pytest

from cases.nik import check_kk, check_nik, one_digit_variants

TODAY = date(2026, 11, 27)


def test_a_well_formed_male_nik_passes_and_yields_birth_date_and_sex():
    result = check_nik("6472051705120003", today=TODAY)
    assert result.ok
    assert result.birth_date == date(2012, 5, 17)
    assert result.sex == "L"


def test_women_have_forty_added_to_the_day():
    result = check_nik("6471025708110002", today=TODAY)
    assert result.ok and result.sex == "P" and result.birth_date == date(2011, 8, 17)


def test_spaces_and_dots_typed_in_are_ignored():
    assert check_nik("6472 0517 0512 0003", today=TODAY).ok


@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("647205170512003", "16 digits"),
        ("6472051705120A03", "16 digits"),
        ("1111111111111111", "placeholder"),
        ("1234567890123456", "placeholder"),
        ("9972051705120003", "no province"),
        ("6400051705120003", "00"),
        ("6472051705120000", "0000"),
        ("6472053102120003", "real birth date"),
        ("6472057205120003", "real birth date"),
        ("6.47205E+15", "scientific notation"),
    ],
)
def test_malformed_niks_are_errors_that_say_why(nik, fragment):
    result = check_nik(nik, today=TODAY)
    assert not result.ok
    assert fragment in " ".join(result.errors)


def test_a_nik_disagreeing_with_the_entered_sex_and_birth_date_only_warns():
    result = check_nik("6472051705120003", sex="P", birth_date=date(2012, 5, 18), today=TODAY)
    assert result.ok
    assert len(result.warnings) == 2


def test_a_kk_number_dated_in_the_future_is_an_error():
    assert check_kk("6472050101200001", today=TODAY).ok
    future = check_kk("6472050112260001", today=date(2026, 11, 27))
    assert not future.ok


def test_one_digit_variants_cover_every_position_and_digit():
    variants = one_digit_variants("6472051705120003")
    assert len(variants) == 16 * 9
    assert "6472051705120004" in variants and "6472051705120003" not in variants
