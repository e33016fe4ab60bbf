"""Validators for Chinese identifiers."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


def validate_id_number(value: str) -> str:
    """Checks a resident ID number (GB 11643-1999): form, birth date, check digit."""
    value = normalise_id_number(value)
    if not _ID_RE.match(value):
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."))
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date in the ID number is not a real date.")) from None
    if birth.year < 1890 or birth > datetime.date.today():
        raise ValidationError(_("The birth date in the ID number is out of range."))
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("The ID number's check digit is wrong."))
    return value


def birth_date_and_sex(id_number: str) -> tuple[datetime.date, str]:
    birth = datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return birth, ("M" if int(id_number[16]) % 2 else "F")


def validate_phone(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if value and not _PHONE_RE.match(value):
        raise ValidationError(_("Not a valid phone number."))
    return value


FIRST_YEAR, LAST_YEAR = 1950, 2100  # wide enough for any record, far from the calendar's edges
TEN_YEARS = 3660


def check_period(start: datetime.date, end: datetime.date, *, ten_years_at_most=False) -> None:
    """A reporting period [start, end]: in order, between 1950 and 2100 (so that a
    comparison with the year before, or the day before, stays on the calendar), and at most
    ten years long where asked."""
    from gridgov.core.errors import Invalid

    if ten_years_at_most and (end < start or (end - start).days > TEN_YEARS):
        raise Invalid(_("Give a start date and an end date after it (at most ten years)."))
    if end < start:
        raise Invalid(_("Give a start date and an end date after it."))
    if start.year < FIRST_YEAR or end.year > LAST_YEAR:
        bounds = {"first": FIRST_YEAR, "last": LAST_YEAR}
        raise Invalid(_("Dates lie between %(first)s and %(last)s.") % bounds)
