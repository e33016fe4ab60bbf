"""What the header's search finds among matters: a matter by its code, whole or by its
number ("000123" or "123" finds 540402-2026-000123 of any year), within the user's sight."""

import re

from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.core import search

from .models import Matter

_CODE = re.compile(r"^\d{6}-\d{4}-\d{6}$")
_NUMBER = re.compile(r"^(?:\d{4}-)?(\d{1,6})$")


@search.register("matters", order=10)
def matters(user, q):
    from .views import _can_read, as_cards

    if not _can_read(user):
        return None
    qs = Matter.objects.visible_to(user)
    number = _NUMBER.match(q)
    if _CODE.match(q):
        qs = qs.filter(code=q)
    elif number:
        year = q[:4] if "-" in q else ""
        qs = qs.filter(code__endswith=f"{'-' + year if year else ''}-{int(number[1]):06d}")
    else:
        return None
    found = as_cards(
        qs.select_related("category", "region").order_by("-created_at")[: search.LIMIT]
    )
    return search.Group(
        _("Matters"),
        [
            search.Result(
                f"{m.code} {m.category.label}",
                reverse("matters:detail", args=[m.code]),
                " · ".join(x for x in (m.region.name, m.grid_name, m.get_state_display()) if x),
                "danger" if m.overdue else "warn" if m.due_soon else "",
            )
            for m in found
        ],
    )
