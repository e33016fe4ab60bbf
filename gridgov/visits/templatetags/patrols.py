"""`{% grid_patrols %}`: the last patrols of the page's region, for the grid page (which
includes "visits/_grid_patrols.html" and so needs nothing from this app in its view)."""

from django import template
from django.urls import reverse

from gridgov.accounts import roles
from gridgov.regions.models import Level

from ..models import Patrol

register = template.Library()
LAST = 5


@register.inclusion_tag("visits/_grid_patrols_list.html", takes_context=True)
def grid_patrols(context):
    region = context.get("region")
    request = context.get("request")
    user = getattr(request, "user", None)
    if region is None or region.level != Level.GRID or not roles.read_paths(user, "patrol"):
        return {"shown": False}
    patrols = Patrol.objects.visible_to(user).under(region.path).select_related("worker")[:LAST]
    return {
        "shown": True,
        "region": region,
        "patrols": list(patrols),
        "geojson_url": reverse("visits:patrols_geojson") + f"?grid={region.code}",
    }
