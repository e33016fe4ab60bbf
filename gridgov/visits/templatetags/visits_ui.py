"""Tags for other apps' pages, so that their views need nothing from this app:
`{% grid_patrols %}` (the grid page's last patrols, in "visits/_grid_patrols.html") and
`{% visit_of matter as visit %}` (the visit a matter was found on, in
"visits/_matter_origin.html")."""

from django import template
from django.urls import reverse

from gridgov.accounts import roles
from gridgov.regions.models import Level

from ..models import Patrol, Visit

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
        "geojson_url": reverse("visits:patrols_geojson") + f"?in={region.code}",
    }


@register.simple_tag(takes_context=True)
def visit_of(context, matter):
    """The visit on which `matter` was found, if the viewer may see it (None otherwise)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if matter is None or not roles.read_paths(user, "visit"):
        return None
    return (
        Visit.objects.visible_to(user)
        .filter(needs__matter=matter)
        .select_related("household")
        .first()
    )
