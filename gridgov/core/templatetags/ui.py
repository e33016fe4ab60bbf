"""Template filters every page shares: ``{% load ui %}``."""

from django import template
from django.utils.formats import number_format

from gridgov.core.money import format_money

register = template.Library()


@register.filter
def num(value) -> str:
    """A count with thousands separators in the page's language: 12345 → 12,345."""
    if value is None or value == "":
        return "—"
    return number_format(value, force_grouping=True)


@register.filter
def money(fen, style: str = "") -> str:
    """Integer fen as money in the page's language (gridgov.core.money):
    ``{{ p.amount_fen|money }}`` → ¥12,345.67 (ledgers, exact);
    ``{{ recovered_fen|money:"large" }}`` → 35.06亿元 / ¥3.51 bn (key figures)."""
    return format_money(fen, large=style == "large", signed="signed" in style.split())
