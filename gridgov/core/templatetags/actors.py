"""``{% load actors %}{{ entry|actor }}``: who did it, as people read it (gridgov.core.actors)."""

from django import template

from gridgov.core import actors

register = template.Library()


@register.filter
def actor(row) -> str:
    """`row` is anything with `actor` and `actor_label` (audit entry, matter event, …);
    views that list many call `actors.annotate` first to fetch the roles in one query."""
    shown = getattr(row, "actor_display", None)
    if shown is not None:
        return shown
    user = row.actor if getattr(row, "actor_id", None) else None
    return actors.display(user, getattr(row, "actor_label", ""))
