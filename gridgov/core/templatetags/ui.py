"""Template filters every page shares: ``{% load ui %}``."""

from decimal import Decimal, InvalidOperation

from django import template

from gridgov.core.money import format_money

register = template.Library()


@register.filter
def num(value) -> str:
    """A number with thousands separators, 34400 → 34,400, in both languages (Django's
    Chinese format groups nothing, so it is not used); decimals are kept as given."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    return f"{number:,}"


@register.filter
def money(fen, style: str = "") -> str:
    """Integer fen as money in the page's language (gridgov.core.money):
    ``{{ p.amount_fen|money }}`` → ¥12,345.67 (ledgers, exact);
    ``{{ recovered_fen|money:"large" }}`` → 35.06亿元 / ¥3.51 bn (key figures)."""
    return format_money(fen, large=style == "large", signed="signed" in style.split())
