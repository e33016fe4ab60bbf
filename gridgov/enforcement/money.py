"""Money as people type it: yuan with at most two decimals, to exact integer fen."""

from django.utils.translation import gettext as _

from gridgov.core import parsing
from gridgov.core.errors import Invalid


def parse_yuan(raw: str) -> int:
    """ "1,234.56" → 123456; Invalid for anything else (negatives, three decimals, words,
    digits other than 0–9): the shared parser's rule."""
    return parsing.yuan(raw)


MAX_FEN = parsing.MAX_FEN


def is_fen(value, *, zero_ok: bool = False) -> bool:
    """A whole number of fen (not a bool, not a float), positive (or zero), not absurd."""
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and (0 if zero_ok else 1) <= value <= MAX_FEN
    )


def fen(value, *, zero_ok: bool = False) -> int:
    """`value` if it is an amount of fen the books can hold; Invalid otherwise."""
    if is_fen(value, zero_ok=zero_ok):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value > MAX_FEN:
        raise Invalid(_("That amount is larger than any case can be."))
    if zero_ok:
        raise Invalid(_("An amount is a whole, non-negative number of fen."))
    raise Invalid(_("An amount is a positive whole number of fen."))
