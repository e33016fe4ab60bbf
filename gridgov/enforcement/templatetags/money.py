from django import template

from gridgov.enforcement.money import format_yuan

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Integer fen shown as yuan: {{ payout.amount_fen|yuan }} → 1,234.56"""
    return "—" if fen is None or fen == "" else format_yuan(fen)
