"""The places a user works in, and — for those whose work it is (leaders, street and
community staff) — the population of their area and how it is staffed, below the work."""

from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.accounts import roles
from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.core import panels
from gridgov.people.models import Resident
from gridgov.people.views import search_residents

from .models import Grid, Level, Region
from .queries import staffing_for

WIDE = (Level.CITY, Level.DISTRICT, Level.STREET, Level.COMMUNITY)
POPULATION_ROLES = {Role.LEADER, Role.STREET_STAFF, Role.COMMUNITY_STAFF}
# roles that work in one small place: their home shows it and its one-tap tools
LOCAL_ROLES = {Role.GRID_WORKER, Role.GRID_POLICE, Role.HOUSEHOLD_LIAISON, Role.VOLUNTEER}


def _assignments(user, role_set):
    return list(
        RoleAssignment.objects.filter(user=user, role__in=list(role_set))
        .select_related("region")
        .order_by("region__path")
    )


@panels.register("regions.places", order=60)
def places(user):
    """The grid, building or community of a grid worker, police, liaison or volunteer, with
    what they can do there."""
    mine = _assignments(user, LOCAL_ROLES)
    if not mine:
        return None
    held = {a.role for a in mine}
    items = [
        panels.Item(
            a.region.name, reverse("regions:detail", args=[a.region.code]), a.get_role_display()
        )
        for a in mine
    ]
    actions = []
    if roles.write_paths(user, "base_data"):
        actions.append(
            panels.Action(_("Record a resident"), reverse("people:resident_new"), primary=False)
        )
    if Role.VOLUNTEER in held and roles.read_paths(user, "party_org"):
        actions.append(
            panels.Action(_("Party organisations"), reverse("regions:party"), primary=False)
        )
    title = _("My grid") if held & {Role.GRID_WORKER, Role.GRID_POLICE} else _("My place")
    panel = panels.Panel(title=title, items=items, actions=actions)
    if held == {Role.VOLUNTEER}:
        # nothing is assigned to volunteers yet: say so, and what will come here
        panel.title = _("Volunteering")
        panel.items = []
        panel.actions = [
            panels.Action(
                _("My community: %(place)s") % {"place": mine[0].region.name},
                reverse("regions:detail", args=[mine[0].region.code]),
            ),
            *actions,
        ]
        panel.empty = _(
            "Nothing is waiting for you yet. When your community asks for volunteers or "
            "residents post small wishes, they appear here. Meanwhile you can look at your "
            "community and its party organisations."
        )
    return panel


def _breakdown(user, node: Region, staffing) -> list[dict]:
    """One row per child of `node`: grids, residents and grids missing a role, in scope,
    each with the link to the list it counts (`staffing`: the user's grids' staffing)."""
    children = list(
        Region.objects.visible_to(user)
        .under(node.path)
        .filter(depth=node.depth + 1)
        .order_by("code")
    )
    if not children or node.level not in WIDE:
        return []
    n = len(children[0].path)
    residents = dict(
        Resident.objects.visible_to(user)
        .under(node.path)
        .annotate(child=Substr("region_path", 1, n))
        .values("child")
        .annotate(c=Count("pk"))
        .values_list("child", "c")
    )
    staffing = [s for s in staffing if s.grid.region_path.startswith(node.path)]
    coverage, people = reverse("regions:coverage"), reverse("people:residents")
    rows = []
    for child in children:
        mine = [s for s in staffing if s.grid.region_path.startswith(child.path)]
        rows.append(
            {
                "region": child,
                "grids": len(mine),
                "grids_url": coverage + "?" + urlencode({"region": child.code}),
                "residents": residents.get(child.path, 0),
                "residents_url": people + "?" + urlencode({"region": child.code}),
                "gaps": sum(1 for s in mine if s.missing),
                "gaps_url": coverage + "?" + urlencode({"region": child.code, "missing": 1}),
            }
        )
    return rows


@panels.register("regions.population", order=80)
def population(user):
    """Residents, grids and grids missing a role in the area of a leader or of street or
    community staff, and the same for each place one level down."""
    wide = [a for a in _assignments(user, POPULATION_ROLES) if a.region.level in WIDE]
    if not wide or not roles.read_paths(user, "base_data"):
        return None
    grids = Grid.objects.visible_to(user)
    staffing = staffing_for(grids)
    coverage = reverse("regions:coverage")
    node = wide[0].region
    return panels.Panel(
        title=_("Population and staffing of %(place)s") % {"place": node.name}
        if len(wide) == 1
        else _("Population and staffing"),
        figures=[
            panels.Figure(
                _("residents"), search_residents(user).count(), reverse("people:residents")
            ),
            panels.Figure(_("grids"), len(staffing), coverage),
            panels.Figure(
                _("grids missing a role"),
                sum(1 for s in staffing if s.missing),
                coverage + "?missing=1",
                "warn",
            ),
        ],
        template="regions/_breakdown_panel.html",
        data={"rows": _breakdown(user, node, staffing), "of": node},
    )
