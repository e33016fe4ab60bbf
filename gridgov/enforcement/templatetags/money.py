from django import template

from gridgov.core.money import plain_yuan

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Integer fen as a bare yuan number, {{ c.balance|yuan }} → 1,234.56, for a column whose
    heading says "(yuan)". New markup uses ``{% load ui %}{{ fen|money }}`` → ¥1,234.56."""
    return plain_yuan(fen)
