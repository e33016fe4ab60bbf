"""What the header's search finds among residents: by name, or exactly by ID number or
phone through the blind index — inside the user's scope only, so a number recorded
elsewhere is answered as one recorded nowhere. Only masked values are shown."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts import roles
from gridgov.core import search

from .views import lives_at, search_residents


@search.register("people", order=40)
def people(user, q):
    if not roles.read_paths(user, "base_data"):
        return None
    found = list(
        search_residents(user, q)
        .select_related("region", "household")
        .order_by("name", "region_path", "id")[: search.LIMIT + 1]
    )
    year = timezone.localdate().year
    return search.Group(
        _("Residents"),
        [
            search.Result(
                r.name,
                reverse("people:resident", args=[r.pk]),
                " · ".join(
                    x
                    for x in (
                        r.get_sex_display(),
                        _("%(n)d years old") % {"n": year - r.birth_year},
                        lives_at(r, r.region.name),
                        _("ID number ends %(tail)s") % {"tail": r.id_number_masked[-4:]},
                    )
                    if x
                ),
            )
            for r in found[: search.LIMIT]
        ],
        more=(
            reverse("people:residents") + "?" + urlencode({"q": q})
            if len(found) > search.LIMIT
            else ""
        ),
    )
