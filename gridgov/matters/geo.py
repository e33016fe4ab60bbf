"""The matters' side of the map (see gridgov/regions/geo.py): open and overdue counts per
grid, signs and open matters as GeoJSON, and the grid page's layers of both."""

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts import roles
from gridgov.core.scoping import common_path
from gridgov.regions.geo import collection, feature, map_layer, point, scope_region

from .models import RUNNING_STATES, Matter, Sign
from .views import _can_read


def counts_by_grid(user, grid_paths: list[str]) -> dict[str, tuple[int, int]]:
    """{grid path: (open, overdue)} of the matters the user sees on those grids (a matter
    on a building counts for the grid that holds it)."""
    wanted = set(grid_paths)
    if not wanted:
        return {}
    now = timezone.now()
    out: dict[str, tuple[int, int]] = {}
    for n in sorted({len(p) for p in wanted}):  # grids sit at one depth, but need not
        paths = [p for p in wanted if len(p) == n]
        rows = (
            Matter.objects.visible_to(user)
            .open()
            .under(common_path(paths))
            .annotate(grid=Substr("region_path", 1, n))
            .values("grid")
            .annotate(
                n_open=Count("pk"),
                n_overdue=Count("pk", filter=Q(state__in=RUNNING_STATES, deadline__lt=now)),
            )
            .values_list("grid", "n_open", "n_overdue")
        )
        out.update({g: (o, d) for g, o, d in rows if g in wanted})
    return out


def matters_view(request):
    """Open matters the user sees that carry a location (under `?in=<region>`); those
    without one are counted in `unplaced`."""
    matters = Matter.objects.visible_to(request.user).open()
    region = scope_region(request)
    if region is not None:
        matters = matters.under(region.path)
    placed = matters.filter(lat__isnull=False, lon__isnull=False).select_related("category")
    features = []
    for m in placed.order_by("code"):
        overdue = m.is_overdue
        features.append(
            feature(
                point(m.lon, m.lat),
                name=f"{m.category.label} · {m.get_state_display()}",
                code=m.code,
                url=reverse("matters:detail", args=[m.code]),
                tone="danger" if overdue else "warn",
            )
        )
    return collection(features, unplaced=matters.count() - len(features))


def signs_view(request):
    """The QR-code signs the user sees (under `?in=<region>`)."""
    signs = Sign.objects.visible_to(request.user).filter(active=True)
    region = scope_region(request)
    if region is not None:
        signs = signs.under(region.path)
    features = [
        feature(
            point(s.lon, s.lat),
            name=s.name,
            code=s.code,
            # staff open the sign's row on the signs page, not the public report form
            url=reverse("matters:signs") + f"#sign-{s.code}",
            tone="",
        )
        for s in signs
    ]
    return collection(features)


@map_layer("matters.signs", order=30)
def _signs_layer(user, region):
    if not roles.read_paths(user, "matter"):
        return None
    url = reverse("matters:geo_signs") + f"?in={region.code}"
    return {"url": url, "kind": "signs", "name": _("QR-code signs")}


@map_layer("matters.open", order=40)
def _matters_layer(user, region):
    if not _can_read(user):
        return None
    url = reverse("matters:geo_matters") + f"?in={region.code}"
    return {"url": url, "kind": "matters", "name": _("Open matters")}
