"""The shared parsers: what people type is read or refused with a message, never a crash."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.core import parsing
from gridgov.core.errors import Invalid
from gridgov.people import actions as people
from gridgov.people.models import Unit
from gridgov.testing.world import make_id_number

BIRTH = datetime.date(1990, 3, 7)


@pytest.mark.parametrize("raw", ["²", "①", "٣", "Infinity", "NaN", "1e309", "1.5", "x", "0x10"])
def test_integers_refuse_what_is_not_ascii_digits(raw):
    with pytest.raises(Invalid) as caught:
        parsing.integer(raw, "days")
    assert caught.value.errors[0]["field"] == "days"


def test_integers_read_full_width_digits_and_keep_bounds():
    assert parsing.integer(" １２ ", minimum=1, maximum=366) == 12
    assert parsing.integer("", required=False, default=7) == 7
    with pytest.raises(Invalid, match="from 1 to 366"):
        parsing.integer("367", minimum=1, maximum=366)
    with pytest.raises(Invalid):
        parsing.integer("9" * 30)


@pytest.mark.parametrize("raw", ["Infinity", "-inf", "NaN", "1e309", "²", "1,5", "٣.٤"])
def test_decimals_are_finite_ascii_numbers(raw):
    with pytest.raises(Invalid):
        parsing.decimal(raw)


def test_coordinates_stay_on_the_globe():
    assert parsing.latitude("29.65") == 29.65
    assert parsing.longitude(94.36) == 94.36
    assert parsing.latitude(None, required=False) is None
    for bad in ("1e300", 91, float("inf"), float("nan")):
        with pytest.raises(Invalid):
            parsing.latitude(bad)


@pytest.mark.parametrize("raw", ["2026-02-30", "2026-13-01", "0001-01-01", "26-1-1", "２０２６年"])
def test_days_that_do_not_exist_or_lie_far_away_are_refused(raw):
    with pytest.raises(Invalid):
        parsing.day(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-02-30T10:00:00Z",
        "2026-13-01T10:00:00Z",
        "2026-11-29T10:00:00+25:00",
        "2026-11-29T10:00:00+14:60",
        "2026-11-29T24:61:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59+14:00",
        "yesterday",
    ],
)
def test_moments_that_do_not_exist_are_refused(raw):
    with pytest.raises(Invalid):
        parsing.moment(raw, "start_date")


def test_moments_read_w3c_forms():
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    expected = datetime.datetime(2026, 11, 29, 10, 0, tzinfo=shanghai)
    assert parsing.moment("2026-11-29T10:00:00+08:00") == expected
    assert parsing.moment("2026-11-29T10:00:00 08:00") == expected  # '+' lost to URL decoding
    assert parsing.moment("2026-11-29T02:00:00Z") == expected
    assert parsing.moment("2026-11-29T10:00") == expected  # server's zone, Asia/Shanghai
    assert parsing.moment("2026-11-29").date() == datetime.date(2026, 11, 29)


def test_text_keeps_to_its_column_and_refuses_control_characters():
    assert parsing.text("  扎西  ", max_length=4) == "扎西"
    with pytest.raises(Invalid, match="At most 4 characters"):
        parsing.text("扎西德勒吉祥", max_length=4)
    with pytest.raises(Invalid):
        parsing.text("a\x00b", max_length=10)
    with pytest.raises(Invalid):
        parsing.text("line\nbreak", max_length=20)
    assert parsing.text("line\nbreak", max_length=20, multiline=True) == "line\nbreak"


def test_yuan_are_exact_fen():
    assert parsing.yuan("1,234.56") == 123456
    assert parsing.yuan("１２.５") == 1250
    for bad in ("²", "-1", "1.234", "Infinity", "1e3", "9" * 20):
        with pytest.raises(Invalid):
            parsing.yuan(bad)


@given(st.text(max_size=40))
def test_no_text_crashes_any_parser(raw):
    for parse in (parsing.integer, parsing.decimal, parsing.day, parsing.moment, parsing.yuan):
        try:
            parse(raw)
        except Invalid:
            pass
    assert parsing.pk(raw) is None or parsing.pk(raw) >= 1


@pytest.mark.django_db
def test_sqlite_refuses_what_postgresql_would(world):
    """A unit name of 100,000 characters is refused on both databases alike, with the
    field named — the last check before any save, whichever way the data came."""
    with pytest.raises(Invalid, match="name"):
        people.create_unit(
            world.regions["grid_a1"], "长" * 100_000, "enterprise", actor="system:test"
        )
    assert not Unit.objects.filter(name__startswith="长长").exists()


@pytest.mark.django_db
def test_bulk_writers_check_columns_too(world):
    """Imports write with bulk_create, which sends no pre_save: they check by hand."""
    from gridgov.people.models import Household

    place = world.regions["grid_a1"]
    with pytest.raises(Invalid, match="address"):
        people.create_households(
            [people.HouseholdInput(place, "88", address="长" * 201)], actor="system:test"
        )
    data = people.ResidentInput(place, "长" * 65, make_id_number("540402", BIRTH, 77))
    with pytest.raises(Invalid, match="full name"):
        people.create_residents([data], actor="system:test")
    assert not Household.objects.filter(number="88").exists()
