"""Filters for lists and cards: ``{% load lists %}``."""

import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

register = template.Library()


def _now_for(moment):
    if isinstance(moment, datetime.datetime):
        return timezone.now() if timezone.is_aware(moment) else datetime.datetime.now()
    return timezone.localdate()


@register.filter
def since(moment) -> str:
    """How long since, to the largest unit: "3 days", "5 hours" (in the page's language)."""
    if not moment:
        return ""
    return timesince(moment, _now_for(moment), depth=1)


@register.filter
def ago(moment) -> str:
    """ "3 days ago"; a date (no time) of today is "today"."""
    if not moment:
        return ""
    if not isinstance(moment, datetime.datetime) and moment >= timezone.localdate():
        return _("today")
    return _("%(time)s ago") % {"time": since(moment)}


@register.filter
def left(moment) -> str:
    """How long until, to the largest unit."""
    if not moment:
        return ""
    return timeuntil(moment, _now_for(moment), depth=1)


@register.filter
def age(birth_year) -> int | str:
    """An age in years from the year of birth only (pages never carry the birth date: it
    would give the masked ID number's hidden digits back)."""
    if not birth_year:
        return ""
    return timezone.localdate().year - int(birth_year)


@register.filter
def tail(masked: str, n: int = 4) -> str:
    """The last `n` characters of an already masked value ("…0112")."""
    return f"…{masked[-n:]}" if masked else ""


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The link to page `number` keeping every filter: the view's `query` (the filters
    it applied, defaults included) when it gives one, else the request's own query."""
    query = context.get("query")
    if query is None:
        params = context["request"].GET.copy()
        params.pop("page", None)
        query = params.urlencode()
    return f"?{query}&page={number}" if query else f"?page={number}"
