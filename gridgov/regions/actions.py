"""Writes for the region tree, grids and the party chain."""

from __future__ import annotations

import dataclasses
import re

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.errors import GEOSException
from shapely.strtree import STRtree
from shapely.validation import explain_validity

from gridgov.core import audit, files
from gridgov.core.actions import check_write
from gridgov.core.errors import Conflict, Invalid
from gridgov.core.models import AuditAction, bump_counter

from .geo import area_m2, geometry_from_geojson, geometry_to_geojson, to_metres
from .models import (
    CODE_DIGITS,
    LEVEL_ORDER,
    CommitteeMember,
    Grid,
    Level,
    PartyLevel,
    PartyOrg,
    Region,
)


def _child_level(level: str) -> str | None:
    i = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[i + 1] if i + 1 < len(LEVEL_ORDER) else None


def validate_code(code: str, level: str, parent: Region | None) -> str | None:
    """The problem with `code` for a node of `level` under `parent`, or None."""
    if not re.fullmatch(r"\d+", code or ""):
        return _("A code is made of digits only.")
    if parent is None:
        return None if len(code) == CODE_DIGITS[level] else _("Wrong code length.")
    if level == Level.DISTRICT:  # administrative division codes: city 5404xx → district 5404yy
        if len(code) == 6 and code[:4] == parent.code[:4]:
            return None
        return _("A district code has 6 digits and shares the city's first 4.")
    if not code.startswith(parent.code) or len(code) != len(parent.code) + CODE_DIGITS[level]:
        return _("The code must be the parent's code %(parent)s followed by %(n)d digits.") % {
            "parent": parent.code,
            "n": CODE_DIGITS[level],
        }
    return None


def create_region(
    parent: Region | None, level: str, code: str, name: str, *, actor, **attrs
) -> Region:
    """Adds a node under `parent` (a root when None; only the system may add roots)."""
    if parent is None:
        if actor is not None and not isinstance(actor, str):
            from gridgov.core.actions import check_admin

            check_admin(actor)
    else:
        check_write(actor, "region", parent.path)
        if _child_level(parent.level) != level:
            raise Invalid(
                _("A %(parent)s holds %(child)s nodes.")
                % {
                    "parent": Level(parent.level).label,
                    "child": Level(_child_level(parent.level) or parent.level).label,
                }
            )
    if level == Level.GRID:
        raise Invalid(_("Grids are created with their polygon (import-grids)."))
    problem = validate_code(code, level, parent)
    if problem:
        raise Invalid(problem)
    if not (name or "").strip():
        raise Invalid(_("A name is required."))
    with transaction.atomic():
        if Region.objects.filter(code=code).exists():
            raise Conflict(_("Code %(code)s is already used.") % {"code": code})
        fields = {"level": level, "code": code, "name": name.strip(), **attrs}
        node = (
            Region.objects.add_child(Region.objects.get(pk=parent.pk), fields)
            if parent
            else Region.objects.add_root(fields)
        )
        audit.record(AuditAction.REGION_CREATED, actor=actor, obj=node, after=audit.snapshot(node))
    return node


# --- grids ---------------------------------------------------------------------------


@dataclasses.dataclass
class GridImportResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class _Feature:
    index: int
    code: str
    name: str
    parent: Region | None
    geom: object
    label: str


def _feature_label(index: int, code: str) -> str:
    return _("feature %(n)d (code %(code)s)") % {"n": index + 1, "code": code or "?"}


def _parse_features(data, problems: list[str]) -> list[_Feature]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        problems.append(_("The file is not a GeoJSON FeatureCollection."))
        return []
    features = data.get("features")
    if not isinstance(features, list) or not features:
        problems.append(_("The FeatureCollection has no features."))
        return []
    if len(features) > files.max_rows():  # the bound of every import
        problems.append(
            _("At most %(n)d grids per file; split it into smaller files.")
            % {"n": files.max_rows()}
        )
        return []
    parents = {r.code: r for r in Region.objects.filter(level=Level.COMMUNITY)}
    existing = dict(Region.objects.values_list("code", "level"))
    seen: dict[str, int] = {}
    out = []
    for i, feature in enumerate(features):
        props = (feature or {}).get("properties") or {} if isinstance(feature, dict) else {}
        code = str(props.get("code") or "").strip()
        label = _feature_label(i, code)
        before = len(problems)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(_("%(f)s: not a GeoJSON Feature.") % {"f": label})
            continue
        name = str(props.get("name") or "").strip()
        parent_code = str(props.get("parent_code") or "").strip()
        parent = parents.get(parent_code)
        if not code:
            problems.append(_('%(f)s: property "code" is missing.') % {"f": label})
        elif code in seen:
            problems.append(
                _("%(f)s: duplicate code, also used by feature %(other)d.")
                % {"f": label, "other": seen[code] + 1}
            )
        elif existing.get(code, Level.GRID) != Level.GRID:
            problems.append(
                _("%(f)s: code is already used by a region that is not a grid.") % {"f": label}
            )
        seen.setdefault(code, i)
        if not name:
            problems.append(_('%(f)s: property "name" is missing.') % {"f": label})
        if parent is None:
            problems.append(
                _('%(f)s: unknown parent community code "%(p)s".') % {"f": label, "p": parent_code}
            )
        elif code and (problem := validate_code(code, Level.GRID, parent)):
            problems.append(f"{label}: {problem}")
        geom = None
        try:
            geom = geometry_from_geojson(feature.get("geometry"))
        except (GEOSException, ValueError, TypeError, AttributeError, KeyError, IndexError):
            problems.append(_("%(f)s: the geometry cannot be read.") % {"f": label})
        if geom is not None:
            if geom.geom_type not in ("Polygon", "MultiPolygon"):
                problems.append(
                    _("%(f)s: geometry must be a Polygon or MultiPolygon, not %(t)s.")
                    % {"f": label, "t": geom.geom_type}
                )
                geom = None
            elif geom.is_empty or not geom.is_valid:
                problems.append(
                    _("%(f)s: invalid polygon: %(why)s.")
                    % {"f": label, "why": explain_validity(geom) if not geom.is_empty else "empty"}
                )
                geom = None
            else:
                minx, miny, maxx, maxy = geom.bounds
                if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
                    problems.append(
                        _("%(f)s: coordinates are not longitude/latitude.") % {"f": label}
                    )
                    geom = None
        if len(problems) == before and geom is not None:
            out.append(_Feature(i, code, name, parent, geom, label))
    return out


def _overlap_problems(features: list[_Feature], tolerance: float) -> list[str]:
    """Pairs overlapping by more than `tolerance` m²: within the file, and between the file
    and grids already stored that the file does not replace."""
    codes_in_file = {f.code for f in features}
    others = [
        (code, geometry_from_geojson(poly))
        for code, poly in Grid.objects.exclude(region__code__in=codes_in_file).values_list(
            "region__code", "polygon"
        )
    ]
    items = [(f.label, f.code, f.geom) for f in features] + [
        (_("stored grid %(code)s") % {"code": c}, c, g) for c, g in others
    ]
    tree = STRtree([g for _, _, g in items])
    problems = []
    for i, (label, _code, geom) in enumerate(items[: len(features)]):
        for j in tree.query(geom, predicate="intersects"):
            j = int(j)
            if j == i or (j < len(features) and j < i):
                continue
            inter = geom.intersection(items[j][2])
            overlap = to_metres(inter, geom.centroid.y).area if not inter.is_empty else 0.0
            if overlap > tolerance:
                problems.append(
                    _("%(f)s: overlaps %(other)s by %(m2).0f m².")
                    % {"f": label, "other": items[j][0], "m2": overlap}
                )
    return problems


def import_grids(data, *, actor, tolerance_m2: float | None = None) -> GridImportResult:
    """Creates or updates grids from a GeoJSON FeatureCollection, all or nothing. Each
    feature has properties code, name and parent_code (a community). On any problem raises
    Invalid listing every problem with its feature, and changes nothing."""
    tolerance = settings.GRIDGOV_GRID_OVERLAP_TOLERANCE_M2 if tolerance_m2 is None else tolerance_m2
    problems: list[str] = []
    features = _parse_features(data, problems)
    if features and not problems:
        problems.extend(_overlap_problems(features, tolerance))
    if problems:
        raise Invalid(_("Nothing was imported."), errors=problems)
    for f in features:
        check_write(actor, "grid", f.parent.path)
    result = GridImportResult([], [])
    with transaction.atomic():
        existing = {
            g.region.code: g
            for g in Grid.objects.select_related("region").filter(
                region__code__in=[f.code for f in features]
            )
        }
        changes = []
        for f in features:
            geojson = geometry_to_geojson(f.geom)
            grid = existing.get(f.code)
            if grid is None:
                region = Region.objects.add_child(
                    Region.objects.get(pk=f.parent.pk),
                    {
                        "level": Level.GRID,
                        "code": f.code,
                        "name": f.name,
                        "lat": f.geom.centroid.y,
                        "lon": f.geom.centroid.x,
                    },
                )
                grid = Grid.objects.create(
                    region=region,
                    region_path=region.path,
                    polygon=geojson,
                    area_m2=area_m2(f.geom),
                )
                result.created.append(f.code)
                changes.append(
                    audit.Change(
                        AuditAction.GRID_CREATED,
                        obj=grid,
                        after={"code": f.code, "name": f.name, "polygon": geojson},
                    )
                )
            else:
                if Region.objects.get_parent(grid.region).pk != f.parent.pk:
                    raise Invalid(
                        _("Nothing was imported."),
                        errors=[
                            _("%(f)s: a grid cannot move to another community.") % {"f": f.label}
                        ],
                    )
                before = {"name": grid.region.name, "polygon": grid.polygon}
                if before == {"name": f.name, "polygon": geojson}:
                    result.unchanged.append(f.code)
                    continue
                Region.objects.filter(pk=grid.pk).update(
                    name=f.name, lat=f.geom.centroid.y, lon=f.geom.centroid.x
                )
                grid.polygon = geojson
                grid.area_m2 = area_m2(f.geom)
                grid.save(update_fields=["polygon", "area_m2"])
                result.updated.append(f.code)
                changes.append(
                    audit.Change(
                        AuditAction.GRID_UPDATED,
                        obj=grid,
                        before=before,
                        after={"name": f.name, "polygon": geojson},
                    )
                )
        audit.record_many(changes, actor=actor)
        if changes:
            bump_counter("grids")
    return result


def export_grids(queryset=None) -> dict:
    grids = (queryset if queryset is not None else Grid.objects.all()).select_related(
        "region", "sponsor_unit"
    )
    features = []
    parents = dict(Region.objects.filter(level=Level.COMMUNITY).values_list("path", "code"))
    for grid in grids.order_by("region__code"):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": grid.region.code,
                    "name": grid.region.name,
                    "parent_code": parents.get(grid.region_path[: -Region.steplen], ""),
                    "sponsor_unit": grid.sponsor_unit.name if grid.sponsor_unit else None,
                    "area_m2": round(grid.area_m2, 1),
                },
                "geometry": grid.polygon,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def set_sponsor_unit(grid: Grid, unit, *, actor) -> Grid:
    """The sponsor unit (包保单位) of a grid: staffing writers within the grid's scope."""
    check_write(actor, "staffing", grid.region_path, read_kind="grid")
    with transaction.atomic():
        before = {"sponsor_unit": grid.sponsor_unit_id}
        grid.sponsor_unit = unit
        grid.save(update_fields=["sponsor_unit"])
        audit.record(
            AuditAction.SPONSOR_UNIT_SET,
            actor=actor,
            obj=grid,
            before=before,
            after={"sponsor_unit": unit.pk if unit else None, "name": str(unit or "")},
        )
    return grid


# --- party chain -------------------------------------------------------------------------

PARTY_CHILD = {
    PartyLevel.DISTRICT_COMMITTEE: PartyLevel.STREET_COMMITTEE,
    PartyLevel.STREET_COMMITTEE: PartyLevel.COMMUNITY_COMMITTEE,
    PartyLevel.COMMUNITY_COMMITTEE: PartyLevel.GRID_BRANCH,
    PartyLevel.GRID_BRANCH: PartyLevel.GROUP,
    PartyLevel.GROUP: PartyLevel.HOUSEHOLD,
}


def create_party_org(
    parent: PartyOrg | None,
    level: str,
    name: str,
    region: Region,
    *,
    actor,
    grids=(),
    secretary_name: str = "",
    secretary_title: str = "",
) -> PartyOrg:
    """Adds an organisation to the party chain. A grid joint branch names the grids it
    covers; they must all lie under its region."""
    check_write(actor, "party_org", region.path)
    if parent is not None and PARTY_CHILD.get(parent.level) != level:
        raise Invalid(_("This organisation cannot sit under that one."))
    if not (name or "").strip():
        raise Invalid(_("A name is required."))
    grids = list(grids)
    if any(not g.path.startswith(region.path) or g.level != Level.GRID for g in grids):
        raise Invalid(_("A branch can only cover grids inside its own region."))
    with transaction.atomic():
        fields = {
            "level": level,
            "name": name.strip(),
            "region": region,
            "region_path": region.path,
            "secretary_name": secretary_name,
            "secretary_title": secretary_title,
        }
        org = (
            PartyOrg.objects.add_child(PartyOrg.objects.get(pk=parent.pk), fields)
            if parent
            else PartyOrg.objects.add_root(fields)
        )
        if grids:
            org.grids.set(grids)
        audit.record(
            AuditAction.PARTY_ORG_CREATED,
            actor=actor,
            obj=org,
            after={**audit.snapshot(org), "grids": [g.code for g in grids]},
        )
    return org


def add_committee_member(
    org: PartyOrg, kind: str, name: str, home_unit: str, *, actor, title: str = ""
) -> CommitteeMember:
    """A concurrent member of a big working / big party committee."""
    check_write(actor, "party_org", org.region_path)
    if org.level not in (PartyLevel.STREET_COMMITTEE, PartyLevel.COMMUNITY_COMMITTEE):
        raise Invalid(
            _(
                "Only street working committees and community party committees "
                "have concurrent members."
            )
        )
    if not name.strip() or not home_unit.strip():
        raise Invalid(_("Name and home unit are required."))
    with transaction.atomic():
        member = CommitteeMember.objects.create(
            party_org=org,
            region_path=org.region_path,
            kind=kind,
            name=name.strip(),
            home_unit=home_unit.strip(),
            title=title,
        )
        audit.record(
            AuditAction.COMMITTEE_MEMBER_ADDED,
            actor=actor,
            obj=member,
            after=audit.snapshot(member),
        )
    return member
