from datetime import date, datetime, timedelta, timezone

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


def test_the_default_today_is_the_date_in_wita_not_the_servers_utc(time_machine):
    # 00:30 WITA on 1 January 2027 is still 31 December 2026 in UTC, a server's usual zone. (A fixed
    # offset, not ZoneInfo: with a ZoneInfo time-machine would move the process's zone as well.)
    wita = timezone(timedelta(hours=8))
    time_machine.move_to(datetime(2027, 1, 1, 0, 30, tzinfo=wita), tick=False)
    # A family card issued today (01-01-27) is not in the future; a born-'27 NIK is this century.
    assert check_kk("6472050101270001").ok
    assert check_nik("6472050101270003").birth_date == date(2027, 1, 1)
