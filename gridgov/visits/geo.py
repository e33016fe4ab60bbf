"""The patrols layer of a grid page's map, found by the `regions.geo.map_layer` registry
(core/registry.py) like the apps' panels.py."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.accounts import roles
from gridgov.regions.geo import map_layer
from gridgov.regions.models import Level


@map_layer("visits.patrols", order=50)
def _patrols_layer(user, region):
    if region.level != Level.GRID or not roles.read_paths(user, "patrol"):
        return None
    url = reverse("visits:patrols_geojson") + f"?in={region.code}"
    return {"url": url, "kind": "patrols", "name": _("Last patrols")}
