"""Money as people type it: yuan with at most two decimals, to exact integer fen."""

from django.utils.translation import gettext as _

from gridgov.core.errors import Invalid


def parse_yuan(raw: str) -> int:
    """ "1,234.56" → 123456; Invalid for anything else (negatives, three decimals, words)."""
    text = (raw or "").strip().replace(",", "")
    yuan, _dot, fen = text.partition(".")
    if not yuan.isdigit() or (fen and (not fen.isdigit() or len(fen) > 2)):
        raise Invalid(_("An amount is yuan with at most two decimals, e.g. 1234.56."))
    return int(yuan) * 100 + int((fen or "0").ljust(2, "0"))


def format_yuan(fen: int) -> str:
    """123456 → "1,234.56" (exact: integer arithmetic, no float)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{yuan:,}.{cents:02d}"
