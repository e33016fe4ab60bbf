"""What the header's search finds among places: streets, communities, grids, compounds and
buildings the user can see, by (part of) the name or by the start of the code."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.core import search

from .choices import names_of
from .models import Level, Region


@search.register("places", order=30)
def places(user, q):
    match = Q(name__contains=q)
    if q.isascii() and q.isdigit() and len(q) >= 6:
        match |= Q(code__startswith=q)
    found = list(
        Region.objects.visible_to(user)
        .filter(match)
        .exclude(level__in=[Level.CITY])
        .order_by("depth", "path")[: search.LIMIT]
    )
    parents = names_of({r.path[: -Region.steplen] for r in found if r.depth > 1})
    return search.Group(
        _("Places"),
        [
            search.Result(
                r.name,
                reverse("regions:detail", args=[r.code]),
                " · ".join(
                    x
                    for x in (r.get_level_display(), parents.get(r.path[: -Region.steplen]), r.code)
                    if x
                ),
            )
            for r in found
        ],
    )
