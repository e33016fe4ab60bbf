"""Template filters every page shares: ``{% load ui %}``."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value) -> str:
    """A count with thousands separators in the page's language: 12345 → 12,345."""
    if value is None or value == "":
        return "—"
    return number_format(value, force_grouping=True)
