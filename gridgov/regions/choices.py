"""Places to choose from in list filters: the user's own grids, grouped by community.

A filter names a place by its code (the value the old typed-code URLs carried), so a link
such as ``?grid=540402001001001`` keeps working, now chosen from a list instead of typed.
"""

from django.utils.translation import gettext as _

from .models import Level, Region

GRID_DEPTH = 5  # city, district, street, community, grid


def grid_path(path: str) -> str:
    """The path of the grid a place lies in ("" above grid level)."""
    return path[: GRID_DEPTH * Region.steplen] if len(path) >= GRID_DEPTH * Region.steplen else ""


def place_groups(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """``[(community name, [(code, name), …]), …]`` of the places the user can see: per
    community, the whole community and then each of its grids; the grids of a user who
    sees single grids only (a grid worker) come under the label "". One query."""
    rows = list(
        Region.objects.visible_to(user)
        .filter(level__in=[Level.COMMUNITY, Level.GRID])
        .only("path", "code", "name", "level")
    )
    communities = {r.path: r for r in rows if r.level == Level.COMMUNITY}
    groups: dict[str, list] = {}
    loose: list = []
    for r in rows:
        if r.level == Level.COMMUNITY:
            groups.setdefault(r.path, []).insert(
                0, (r.code, _("%(name)s: all grids") % {"name": r.name})
            )
        elif r.path[: -Region.steplen] in communities:
            groups.setdefault(r.path[: -Region.steplen], []).append((r.code, r.name))
        else:
            loose.append((r.code, r.name))
    out = [("", loose)] if loose else []
    return out + [(communities[p].name, options) for p, options in groups.items()]


def place_choices(user) -> list:
    """The same as choices for a Django form field (ungrouped grids first)."""
    out: list = []
    for label, options in place_groups(user):
        if label:
            out.append((label, options))
        else:
            out.extend(options)
    return out


def listed(groups, code: str) -> bool:
    return any(code == key for _label, options in groups for key, _name in options)


def names_of(paths) -> dict[str, str]:
    """{path: name} for the given region paths, in one query (the grids and communities a
    list's rows lie in)."""
    paths = {p for p in paths if p}
    if not paths:
        return {}
    return dict(Region.objects.filter(path__in=paths).values_list("path", "name"))
