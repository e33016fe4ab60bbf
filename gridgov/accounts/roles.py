"""Roles, what each may read and write, and the scope paths a user holds.

This module is the one place that decides who may see and do what. A role assignment is
(user, role, region node); its scope is the node's materialised path, and a user sees an
object when the object's region path starts with the path of one of the user's
assignments whose role may read that kind of object.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("system admin")
    OPERATOR = "operator", _("command-centre operator")
    STREET_STAFF = "street_staff", _("street staff")
    COMMUNITY_STAFF = "community_staff", _("community staff")
    GRID_WORKER = "grid_worker", _("grid worker")
    GRID_POLICE = "grid_police", _("grid police")
    HOUSEHOLD_LIAISON = "household_liaison", _("household liaison")
    DEPARTMENT_HANDLER = "department_handler", _("department handler")
    VOLUNTEER = "volunteer", _("volunteer")
    COURT_OFFICER = "court_officer", _("court enforcement officer")
    COURT_FINANCE = "court_finance", _("court finance")
    LEADER = "leader", _("leader")


R = Role
ALL_ROLES = frozenset(Role)
GOVERNANCE = frozenset(
    {
        R.SYSTEM_ADMIN,
        R.OPERATOR,
        R.STREET_STAFF,
        R.COMMUNITY_STAFF,
        R.GRID_WORKER,
        R.GRID_POLICE,
        R.HOUSEHOLD_LIAISON,
        R.LEADER,
    }
)

# What each kind of object may be read by (scope still applies) ...
READ = {
    # names of regions and grids are not personal data: everyone with a role may read them
    "region": ALL_ROLES,
    "grid": ALL_ROLES,
    "party_org": GOVERNANCE | {R.VOLUNTEER},
    "staffing": GOVERNANCE | {R.DEPARTMENT_HANDLER},
    "base_data": GOVERNANCE,
    "audit": frozenset({R.SYSTEM_ADMIN, R.OPERATOR, R.STREET_STAFF, R.COMMUNITY_STAFF, R.LEADER}),
    # department handlers see matters too, but only those dispatched to their unit
    # (gridgov.matters.models.MatterQuerySet adds them)
    "matter": GOVERNANCE,
    "enforcement": frozenset({R.SYSTEM_ADMIN, R.COURT_OFFICER, R.COURT_FINANCE, R.LEADER}),
    # household visits and grid patrols: the grid's own people, the staff and leaders above
    "visit": GOVERNANCE,
    "patrol": GOVERNANCE,
}
# ... and written by. Leaders read everything in scope and write nothing.
WRITE = {
    "region": frozenset({R.SYSTEM_ADMIN, R.STREET_STAFF}),
    "grid": frozenset({R.SYSTEM_ADMIN, R.STREET_STAFF}),
    "party_org": frozenset({R.SYSTEM_ADMIN, R.STREET_STAFF, R.COMMUNITY_STAFF}),
    "staffing": frozenset({R.SYSTEM_ADMIN, R.STREET_STAFF, R.COMMUNITY_STAFF}),
    "base_data": frozenset(
        {R.SYSTEM_ADMIN, R.STREET_STAFF, R.COMMUNITY_STAFF, R.GRID_WORKER, R.GRID_POLICE}
    ),
    # seeing an ID number or phone whole is a deliberate, audited act
    "reveal": frozenset(
        {R.SYSTEM_ADMIN, R.STREET_STAFF, R.COMMUNITY_STAFF, R.GRID_WORKER, R.GRID_POLICE}
    ),
    "audit": frozenset(),
    # who calls and runs the street's weekly, monthly and joint meetings
    "meeting": frozenset({R.SYSTEM_ADMIN, R.OPERATOR, R.STREET_STAFF}),
    # who records dispute parties and mediation sessions
    "mediation": GOVERNANCE - {R.LEADER},
    # who puts up QR-code signs for public reports
    "sign": frozenset({R.SYSTEM_ADMIN, R.STREET_STAFF}),
    # who may report a matter in their scope (the public reports through signs/Open311)
    "matter": GOVERNANCE - {R.LEADER},
    # who records household visits (a liaison in their building, a worker in their grid)
    "visit": frozenset({R.GRID_WORKER, R.HOUSEHOLD_LIAISON}),
    # who walks a grid on patrol
    "patrol": frozenset({R.GRID_WORKER, R.GRID_POLICE}),
}


# Who answers for whom: a person's supervisors hold one of these roles at the nearest node
# at or above the node of the person's own assignment (a peer — the same role at the same
# node — is no supervisor). Community staff answer for a grid's staff, street staff for the
# community, leaders for the street; a court officer answers to the officers of the court
# above (the intermediate court, which approves cross-court assignments) or to the leaders
# over the court. Court finance is never told about officers' reveals: keeping the money
# apart from the parties' data is the point of the separation.
SUPERVISED_BY = {
    R.GRID_WORKER: frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF, R.LEADER, R.SYSTEM_ADMIN}),
    R.GRID_POLICE: frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF, R.LEADER, R.SYSTEM_ADMIN}),
    R.HOUSEHOLD_LIAISON: frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF, R.LEADER, R.SYSTEM_ADMIN}),
    R.VOLUNTEER: frozenset({R.COMMUNITY_STAFF, R.STREET_STAFF, R.LEADER, R.SYSTEM_ADMIN}),
    R.COMMUNITY_STAFF: frozenset({R.STREET_STAFF, R.LEADER, R.SYSTEM_ADMIN}),
    R.STREET_STAFF: frozenset({R.LEADER, R.SYSTEM_ADMIN}),
    R.OPERATOR: frozenset({R.LEADER, R.SYSTEM_ADMIN}),
    R.DEPARTMENT_HANDLER: frozenset({R.LEADER, R.SYSTEM_ADMIN}),
    R.SYSTEM_ADMIN: frozenset({R.LEADER, R.SYSTEM_ADMIN}),
    R.LEADER: frozenset({R.LEADER}),
    R.COURT_OFFICER: frozenset({R.COURT_OFFICER, R.LEADER}),
    R.COURT_FINANCE: frozenset({R.COURT_FINANCE, R.LEADER}),
}
# Whoever looks after a place's base data: the community first, then the street, then the
# system administrators (used to refer a record to the people who hold it).
KEEPERS = (R.COMMUNITY_STAFF, R.STREET_STAFF, R.SYSTEM_ADMIN)
STEP = 4  # treebeard's path step: one level of the region tree


def all_assignments(user) -> list[tuple[str, str, int | None]]:
    """[(role, region_path, unit_id)] for the user, cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_gridgov_assignments", None)
    if cached is None:
        from .models import RoleAssignment

        cached = list(
            RoleAssignment.objects.filter(user=user).values_list("role", "region__path", "unit_id")
        )
        user._gridgov_assignments = cached
    return cached


def _assignments(user) -> list[tuple[str, str]]:
    return [(role, path) for role, path, _unit in all_assignments(user)]


def assignments_with_units(user) -> list[tuple[str, str, int]]:
    """[(role, region_path, unit_id)] for roles bound to a unit (department handlers)."""
    return [a for a in all_assignments(user) if a[2]]


def holds(user, role: str, *paths: str) -> bool:
    """True for the system (a label actor), or when the user holds `role` at a node above
    (or at) every one of `paths`."""
    if user is None or isinstance(user, str):
        return True
    return any(
        r == role and all(path.startswith(p) for path in paths)
        for r, p, _u in all_assignments(user)
    )


def _minimal(paths) -> list[str]:
    """Drops paths already covered by a shorter one (so the SQL has fewer prefixes)."""
    out: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(q) for q in out):
            out.append(p)
    return out


def scope_paths(user, roles) -> list[str]:
    return _minimal(path for role, path in _assignments(user) if role in roles)


def read_paths(user, kind: str) -> list[str]:
    return scope_paths(user, READ[kind])


def write_paths(user, kind: str) -> list[str]:
    return scope_paths(user, WRITE[kind])


def roles_of(user) -> set[str]:
    return {role for role, _path in _assignments(user)}


def has_any_role(user) -> bool:
    return bool(_assignments(user))


def covers(paths: list[str], path: str) -> bool:
    return any(path.startswith(p) for p in paths)


def can_write(user, kind: str, path: str) -> bool:
    return covers(write_paths(user, kind), path)


def nav_for(user) -> list[tuple[str, str]]:
    """Menu entries (url name, label) for the roles the user holds."""

    items = [("home", _("Home"))]
    if read_paths(user, "matter") or any(
        r == Role.DEPARTMENT_HANDLER for r, _p, _u in assignments_with_units(user)
    ):
        items.append(("matters:worklist", _("Matters")))
    if read_paths(user, "matter"):
        items.append(("matters:meetings", _("Meetings")))
        items.append(("matters:signs", _("Signs")))
        items.append(("matters:kpis", _("Key figures")))
    if read_paths(user, "visit"):
        items.append(("visits:list", _("Visits")))
    if read_paths(user, "patrol"):
        items.append(("visits:patrols", _("Patrols")))
    if read_paths(user, "region"):
        items.append(("regions:tree", _("Regions")))
    from gridgov.regions.geo import sees_many_grids  # regions builds on accounts, not back

    if read_paths(user, "grid") and sees_many_grids(user):
        items.append(("regions:map", _("Map")))
    if read_paths(user, "base_data"):
        items.append(("people:residents", _("Residents")))
    if read_paths(user, "party_org"):
        items.append(("regions:party", _("Party organisations")))
    if read_paths(user, "staffing"):
        items.append(("regions:coverage", _("Coverage")))
    if write_paths(user, "base_data"):
        items.append(("people:import", _("Import")))
    if read_paths(user, "enforcement"):
        items.append(("enforcement:cases", _("Enforcement cases")))
        items.append(("enforcement:finance", _("Finance desk")))
        items.append(("enforcement:kpis", _("Enforcement key figures")))
    if read_paths(user, "audit"):
        items.append(("audit", _("Audit trail")))
    if is_system_admin(user):
        items.append(("matters:categories", _("Matter categories")))
        items.append(("matters:calendar", _("Holiday calendar")))
    if user.is_superuser:
        items.append(("admin:index", _("Admin")))
    return items


# The menu's groups, in order. An entry goes to the group named for its URL name, else for
# its URL namespace, else to "more"; "home" stands alone before the groups. A module adding
# an entry to nav_for names its group here when none fits.
NAV_GROUPS = (
    ("matters", _("Handling matters")),
    ("places", _("Grids and base data")),
    ("enforcement", _("Court enforcement")),
    ("more", _("More")),
    ("system", _("System")),
)
NAV_GROUP_OF = {
    "home": "",
    "regions:map": "",  # the map stands on its own in the bar: it is where a leader starts
    "matters": "matters",
    "regions": "places",
    "people": "places",
    "visits": "places",  # visits and patrols: the grid worker's walk of the grid
    "enforcement": "enforcement",
    "audit": "system",
    "admin": "system",
    "matters:categories": "system",
    "matters:calendar": "system",
}


def nav_group_of(url_name: str) -> str:
    """The menu group of a URL name ("" for one that stands alone, like home)."""
    if url_name in NAV_GROUP_OF:
        return NAV_GROUP_OF[url_name]
    return NAV_GROUP_OF.get(url_name.partition(":")[0], "more")


def nav_groups_for(user, current: str = "") -> list[dict]:
    """The menu as groups for the page whose URL name is `current`: each group is
    ``{"key", "label", "items": [{"name", "label", "current"}], "current"}``; a group of
    one entry (and home) is drawn as a plain link. The entry for the page itself is
    current; on a page no entry names (a matter, a resident), the group of its namespace
    is."""
    entries = nav_for(user)
    exact = any(name == current for name, _label in entries)
    groups: dict[str, dict] = {}
    order = {key: i for i, (key, _label) in enumerate(NAV_GROUPS)}
    labels = dict(NAV_GROUPS)
    out: list[dict] = []
    for name, label in entries:
        key = nav_group_of(name)
        item = {"name": name, "label": label, "current": name == current}
        if not key:
            out.append({"key": name, "label": label, "items": [item], "current": item["current"]})
            continue
        if key not in groups:
            groups[key] = {"key": key, "label": labels.get(key, key), "items": [], "current": False}
        groups[key]["items"].append(item)
    here = "" if exact or not current else nav_group_of(current)
    for key in sorted(groups, key=lambda k: order.get(k, len(order))):
        group = groups[key]
        group["current"] = any(i["current"] for i in group["items"]) or key == here
        out.append(group)
    return out


def holds_at_top(user, *role_set: str) -> bool:
    """True when the user holds one of `role_set` at a root of the region tree (the city:
    a one-step path)."""
    return any(role in role_set and len(path) <= STEP for role, path in _assignments(user))


def is_system_admin(user) -> bool:
    """A system admin assigned at a root of the region tree."""
    return holds_at_top(user, Role.SYSTEM_ADMIN)


def ancestor_paths(path: str) -> list[str]:
    """The paths of the node at `path` and of every node above it."""
    return [path[:n] for n in range(STEP, len(path) + 1, STEP)]


def nearest_holders(path: str, role_set, *, skip=()) -> list:
    """Users holding one of `role_set` at the deepest node at or above `path` that has any
    (`skip`: (role, node path) pairs that do not count)."""
    from .models import RoleAssignment

    rows = [
        a
        for a in RoleAssignment.objects.filter(
            role__in=list(role_set),
            region__path__in=ancestor_paths(path),
            user__is_active=True,
        ).select_related("user", "region")
        if (a.role, a.region.path) not in skip
    ]
    if not rows:
        return []
    deepest = max(len(a.region.path) for a in rows)
    return list({a.user.pk: a.user for a in rows if len(a.region.path) == deepest}.values())


def supervisors(user, path: str) -> list:
    """The supervisors (SUPERVISED_BY) of every assignment through which `user` reaches
    `path`; never the user themself."""
    found: dict[int, object] = {}
    for role, own_path in _assignments(user):
        if not path.startswith(own_path) or role not in SUPERVISED_BY:
            continue
        for person in nearest_holders(own_path, SUPERVISED_BY[role], skip={(role, own_path)}):
            if person.pk != user.pk:
                found[person.pk] = person
    return list(found.values())


def keepers(path: str) -> list:
    """The staff who look after the base data at `path` (KEEPERS, nearest first)."""
    return nearest_holders(path, KEEPERS)


def is_top_level(user, kind: str) -> bool:
    """True when the user reads `kind` from a root of the region tree (the city)."""
    return any(len(p) <= STEP for p in read_paths(user, kind))
