"""One way to read numbers, dates and text from outside — forms, the JSON API, Open311,
imports — so that anything odd is a 400 with a message, the same on SQLite and PostgreSQL.

Pages and Open311 call the functions (`integer`, `decimal`, `latitude`, `day`, `moment`,
`text`, `pk`); they raise `Invalid` naming the field. The JSON API declares its schemas
with the types at the bottom (`Id`, `Count`, `Lat`, `Lon`, `Day`, `text_of(n)`), built
from the same bounds, so the schema at /api/schema states what is accepted.

What is refused everywhere: digits other than 0–9 (`²`, `①`, Arabic-Indic; full-width
digits from a Chinese input method are read as the digits they are), `Infinity`, `NaN`,
numbers beyond a 64-bit column or a float, dates that do not exist or lie outside
1900–2100, time-zone offsets beyond ±14:00, text longer than its column and text holding
NUL or other control characters. A model's own columns are checked once more before every
save (`check_columns`, wired to `pre_save` for every gridgov model), so that SQLite refuses
what PostgreSQL would.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Annotated

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import Invalid

MAX_BIGINT = 2**63 - 1
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
MAX_OFFSET = datetime.timedelta(hours=14)

_INT = re.compile(r"[+-]?[0-9]+\Z")
_FLOAT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# W3C date-time (ISO 8601 profile): date, optional time with seconds and fraction, and a
# zone (Z or ±hh:mm, ±hhmm); a space stands for the + that URL-decoding turned into one.
_MOMENT = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[T ](?P<time>[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?)"
    r"(?P<zone>Z|[+\- ][0-9]{2}:?[0-9]{2})?)?\Z"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f]")


def _fail(field: str, message: str):
    raise Invalid(
        f"{field}: {message}" if field else message,
        errors=[{"field": field, "message": message}],
    )


# A Chinese input method types full-width digits and signs; they are the same characters
# to the person typing, so they are read as ASCII. Every other digit (², ①, ٣) is refused.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋，　", "0123456789.-+, ")


def _raw(value) -> str:
    return "" if value is None else str(value).translate(_FULL_WIDTH).strip()


def integer(
    value,
    field: str = "",
    *,
    minimum: int = -MAX_BIGINT,
    maximum: int = MAX_BIGINT,
    required: bool = True,
    default: int | None = None,
) -> int | None:
    """A whole number in ASCII digits between `minimum` and `maximum`."""
    raw = _raw(value)
    if not raw:
        if required:
            _fail(field, _("A number is required."))
        return default
    if not _INT.match(raw):
        _fail(field, _("Type a whole number with the digits 0–9."))
    number = int(raw)
    if not minimum <= number <= maximum:
        _fail(field, _("Give a number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum})
    return number


def pk(value, field: str = "") -> int | None:
    """An object's id as a form or URL names it; None for anything that is not one (the
    caller answers "not found", as for an id that does not exist)."""
    raw = _raw(value)
    if not _INT.match(raw) or raw.startswith(("+", "-")):
        return None
    number = int(raw)
    return number if 1 <= number <= MAX_BIGINT else None


def pks(values) -> list[int]:
    """The ids among `values` (a form's list of chosen rows); anything else is left out."""
    return [k for k in map(pk, values) if k is not None]


def decimal(
    value,
    field: str = "",
    *,
    minimum: float = -1e15,
    maximum: float = 1e15,
    required: bool = True,
) -> float | None:
    """A finite number (ASCII digits, optional fraction and exponent) within bounds."""
    raw = _raw(value)
    if not raw:
        if required:
            _fail(field, _("A number is required."))
        return None
    if not _FLOAT.match(raw):
        _fail(field, _("Type a number with the digits 0–9."))
    number = float(raw)
    if not math.isfinite(number) or not minimum <= number <= maximum:
        _fail(field, _("Give a number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum})
    return number


_YUAN = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?\Z")
MAX_FEN = 10**15  # ten trillion yuan: above any case, well inside a 64-bit column


def yuan(value, field: str = "") -> int:
    """Money as people type it, "1,234.56" yuan, to exact integer fen (no float)."""
    raw = _raw(value).replace(",", "")
    found = _YUAN.match(raw)
    if not found:
        _fail(field, _("An amount is yuan with at most two decimals, e.g. 1234.56."))
    amount = int(found[1]) * 100 + int((found[2] or "0").ljust(2, "0"))
    if amount > MAX_FEN:
        _fail(field, _("That amount is larger than any case can be."))
    return amount


def latitude(value, field: str = "lat", *, required: bool = True) -> float | None:
    return decimal(value, field, minimum=-90, maximum=90, required=required)


def longitude(value, field: str = "lon", *, required: bool = True) -> float | None:
    return decimal(value, field, minimum=-180, maximum=180, required=required)


def _check_day(day: datetime.date, field: str) -> datetime.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        _fail(
            field,
            _("Dates lie between %(first)s and %(last)s.")
            % {"first": FIRST_DAY.year, "last": LAST_DAY.year},
        )
    return day


def day(value, field: str = "", *, required: bool = True) -> datetime.date | None:
    """A calendar date written YYYY-MM-DD that exists, between 1900 and 2100."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return _check_day(value, field)
    raw = _raw(value)
    if not raw:
        if required:
            _fail(field, _("A date is required."))
        return None
    if not _DATE.match(raw):
        _fail(field, _("Write the date as YYYY-MM-DD."))
    try:
        parsed = datetime.date.fromisoformat(raw)
    except ValueError:
        _fail(field, _("This date does not exist."))
    return _check_day(parsed, field)


def moment(value, field: str = "", *, required: bool = True) -> datetime.datetime | None:
    """A W3C date-time (2026-11-29T08:00:00+08:00, …Z, or a bare date); without a zone it
    is read in the server's time zone. Always timezone-aware."""
    raw = _raw(value)
    if not raw:
        if required:
            _fail(field, _("A date and time is required."))
        return None
    found = _MOMENT.match(raw)
    if not found:
        _fail(field, _("Write the date and time as YYYY-MM-DDThh:mm:ss+08:00."))
    date_part = day(found["date"], field)
    clock = datetime.time(0, 0)
    if found["time"]:
        try:
            clock = datetime.time.fromisoformat(found["time"])
        except ValueError:
            _fail(field, _("This time does not exist."))
    zone = found["zone"]
    if zone is None:
        return timezone.make_aware(datetime.datetime.combine(date_part, clock))
    if zone == "Z":
        tz = datetime.UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        offset = datetime.timedelta(hours=hours, minutes=minutes)
        if minutes >= 60 or offset > MAX_OFFSET:
            _fail(field, _("The time-zone offset lies between -14:00 and +14:00."))
        tz = datetime.timezone(sign * offset)
    return datetime.datetime.combine(date_part, clock, tzinfo=tz)


def text(
    value,
    field: str = "",
    *,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """Trimmed text of at most `max_length` characters, without NUL or control characters
    (tab and line breaks only where `multiline`)."""
    raw = "" if value is None else str(value).strip()
    if not raw:
        if required:
            _fail(field, _("This field is required."))
        return ""
    if (_CONTROL if multiline else _CONTROL_LINE).search(raw):
        _fail(field, _("The text contains control characters."))
    if len(raw) > max_length:
        _fail(field, _("At most %(n)d characters.") % {"n": max_length})
    return raw


_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")


def slug(value, field: str = "", *, max_length: int) -> str:
    """A code that goes into addresses (a sign's, a category's): ASCII letters, digits,
    hyphens and underscores."""
    raw = text(value, field, max_length=max_length, required=True)
    if not _SLUG.match(raw):
        _fail(field, _("A code has only the letters a–z, digits, hyphens and underscores."))
    return raw


# --- the last check before the database ---------------------------------------------------


def check_columns(instance) -> None:
    """Refuses a model instance whose text is longer than its column or holds a NUL, and
    whose whole numbers lie outside a 64-bit column — what PostgreSQL refuses and SQLite
    would silently store. Runs before every save of a gridgov model (see apps.py); bulk
    writers call it for each row."""
    for f in instance._meta.concrete_fields:
        value = getattr(instance, f.attname, None)
        if value is None:
            continue
        if isinstance(value, str):
            if "\x00" in value:
                _fail(f.name, _("The text contains control characters."))
            if f.max_length is not None and len(value) > f.max_length:
                _fail(str(f.verbose_name), _("At most %(n)d characters.") % {"n": f.max_length})
            if isinstance(f, models.SlugField) and value and not _SLUG.match(value):
                _fail(
                    str(f.verbose_name),
                    _("A code has only the letters a–z, digits, hyphens and underscores."),
                )
        elif isinstance(value, int) and not isinstance(value, bool):
            if isinstance(f, models.IntegerField) and not -MAX_BIGINT - 1 <= value <= MAX_BIGINT:
                _fail(str(f.verbose_name), _("The number is too large."))
        elif isinstance(value, float) and not math.isfinite(value):
            _fail(str(f.verbose_name), _("Give a finite number."))


# --- the same rules as types for the JSON API's schemas -----------------------------------

try:  # pydantic comes with django-ninja; core itself does not need it
    from pydantic import Field, StringConstraints

    Id = Annotated[int, Field(ge=1, le=MAX_BIGINT)]
    Count = Annotated[int, Field(ge=0, le=MAX_BIGINT)]
    Fen = Annotated[int, Field(ge=1, le=MAX_FEN)]
    Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
    Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
    Day = Annotated[datetime.date, Field(ge=FIRST_DAY, le=LAST_DAY)]

    def text_of(max_length: int, *, min_length: int = 0):
        """A JSON string of at most `max_length` characters (NUL is refused at the door)."""
        return Annotated[str, StringConstraints(max_length=max_length, min_length=min_length)]
except ImportError:  # pragma: no cover
    pass
