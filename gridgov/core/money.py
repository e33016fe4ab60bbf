"""Money shown to people: the one formatter every page, sheet and message uses.

Amounts are integer fen everywhere in gridgov; this turns them into text, exactly (integer
and Decimal arithmetic, never float):

* ``format_money(fen)`` — a ledger amount, to the fen, with thousands separators:
  ``¥12,345.67`` (both languages; the yuan sign reads the same in Chinese and English).
* ``format_money(fen, large=True)`` — a key figure, rounded to what a reader takes in at a
  glance: in Chinese ``35.06亿元`` / ``1.64亿元`` / ``1.23万元`` (units of 10⁸ and 10⁴ yuan,
  as the papers write them; below 10⁴ ``9,876.50元``), in English ``¥3.51 bn`` /
  ``¥164.00 m`` (below a million, a ledger amount ``¥12,345.67``).

``signed=True`` puts a ``+`` before a positive amount (a change on a year before).

Templates use ``{% load ui %}{{ fen|money }}`` and ``{{ fen|money:"large" }}``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation

_CENT = Decimal("0.01")
# (fen in one unit, Chinese suffix) — 亿 = 10⁸ yuan, 万 = 10⁴ yuan
_ZH_UNITS = ((10**10, "亿元"), (10**6, "万元"))
# (fen in one unit, English suffix)
_EN_UNITS = ((10**11, " bn"), (10**8, " m"))


def _grouped(fen: int) -> str:
    yuan, cents = divmod(fen, 100)
    return f"{yuan:,}.{cents:02d}"


def _scaled(fen: int, unit: int) -> str:
    value = (Decimal(fen) / Decimal(unit)).quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"{value:,.2f}"


def format_money(fen, *, large: bool = False, signed: bool = False, language=None) -> str:
    """`fen` (an int) as text in `language` (default: the active one); "—" for None."""
    if fen is None or fen == "":
        return "—"
    fen = int(fen)
    sign = "-" if fen < 0 else ("+" if signed and fen > 0 else "")
    amount = abs(fen)
    if large:
        lang = (language or translation.get_language() or "zh-hans").lower()
        if lang.startswith("zh"):
            for unit, suffix in _ZH_UNITS:
                if amount >= unit:
                    return f"{sign}{_scaled(amount, unit)}{suffix}"
            return f"{sign}{_grouped(amount)}元"
        else:
            for unit, suffix in _EN_UNITS:
                if amount >= unit:
                    return f"{sign}¥{_scaled(amount, unit)}{suffix}"
    return f"{sign}¥{_grouped(amount)}"
