from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from gridgov.accounts import actions as account_actions
from gridgov.accounts import roles
from gridgov.api.paging import page_of
from gridgov.core import reveal
from gridgov.core.errors import Invalid, NotFound
from gridgov.core.scoping import get_visible
from gridgov.people import actions as people_actions
from gridgov.people.models import Household, Resident, Unit
from gridgov.people.views import search_residents
from gridgov.regions import actions as region_actions
from gridgov.regions.locator import get_locator
from gridgov.regions.models import Grid, Region
from gridgov.regions.queries import staffing_for

from . import schemas as s

router = Router()


def _user(request):
    user = request.user
    if not roles.has_any_role(user):
        raise PermissionDenied(_("Your account has no role."))
    return user


def _region_out(region: Region, parent_code=None) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent_code": parent_code,
        "lat": region.lat,
        "lon": region.lon,
    }


def _parent_codes(regions) -> dict[str, str]:
    paths = {r.path[: -Region.steplen] for r in regions if r.depth > 1}
    return dict(Region.objects.filter(path__in=paths).values_list("path", "code"))


def _place(user, code: str) -> Region:
    return get_visible(Region.objects, user, code=code)


@router.get("/me", response=s.MeOut, tags=["accounts"])
def me(request):
    user = request.user
    return {
        "username": user.username,
        "name": str(user),
        "roles": [
            {"role": a.role, "region_code": a.region.code}
            for a in user.role_assignments.select_related("region")
        ],
    }


@router.get("/regions", response=s.RegionPage, tags=["regions"])
def list_regions(request, level: str = "", parent: str = "", limit: int = 100, offset: int = 0):
    qs = Region.objects.visible_to(_user(request))
    if level:
        qs = qs.filter(level=level)
    if parent:
        p = _place(request.user, parent)
        qs = qs.under(p.path).filter(depth=p.depth + 1)
    page = page_of(qs, limit, offset, lambda r: r)
    parents = _parent_codes(page["items"])
    page["items"] = [_region_out(r, parents.get(r.path[: -Region.steplen])) for r in page["items"]]
    return page


@router.get("/regions/{code}", response=s.RegionOut, tags=["regions"])
def get_region(request, code: str):
    region = _place(_user(request), code)
    return _region_out(region, _parent_codes([region]).get(region.path[: -Region.steplen]))


def _staff(assignments):
    return [
        {"username": a.user.username, "name": str(a.user), "region_code": a.region.code}
        for a in assignments
    ]


def _grid_out(st, with_polygon=False) -> dict:
    out = {
        "code": st.grid.region.code,
        "name": st.grid.region.name,
        "community_code": st.community.code if st.community else None,
        "area_m2": st.grid.area_m2,
        "sponsor_unit": st.sponsor_unit.name if st.sponsor_unit else None,
        "grid_workers": _staff(st.grid_workers),
        "grid_police": _staff(st.grid_police),
        "household_liaisons": _staff(st.liaisons),
        "missing": st.missing,
    }
    if with_polygon:
        out["polygon"] = st.grid.polygon
    return out


def _staffing_visible(user, grids):
    if not roles.read_paths(user, "staffing"):
        for st in (rows := staffing_for(grids)):
            st.grid_workers, st.grid_police, st.liaisons = [], [], []
        return rows
    return staffing_for(grids)


@router.get("/grids", response=list[s.GridOut], tags=["grids"])
def list_grids(request, missing_only: bool = False):
    rows = _staffing_visible(_user(request), Grid.objects.visible_to(request.user))
    return [_grid_out(r) for r in rows if r.missing or not missing_only]


@router.get("/grids/locate", response=s.LocateOut, tags=["grids"])
def locate_grid(request, lat: float, lon: float):
    """The grid containing a point, or null when it is in no grid you can see."""
    user = _user(request)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid(_("Latitude or longitude out of range."))
    code = get_locator().locate(lon, lat)
    region = Region.objects.visible_to(user).filter(code=code).first() if code else None
    return {"grid": _region_out(region) if region else None}


@router.get("/grids/{code}", response=s.GridDetailOut, tags=["grids"])
def get_grid(request, code: str):
    grid = get_visible(Grid.objects, _user(request), region__code=code)
    return _grid_out(_staffing_visible(request.user, Grid.objects.filter(pk=grid.pk))[0], True)


@router.put("/grids/{code}/sponsor-unit", response=s.GridOut, tags=["staffing"])
def set_sponsor(request, code: str, payload: s.SponsorIn):
    grid = get_visible(Grid.objects, _user(request), region__code=code)
    unit = None
    if payload.unit_id is not None:
        unit = Unit.objects.visible_to(request.user).filter(pk=payload.unit_id).first()
        if unit is None:
            unit = Unit.objects.filter(pk=payload.unit_id).first()  # sponsors may sit outside
            if unit is None:
                raise NotFound(_("No such unit."))
    region_actions.set_sponsor_unit(grid, unit, actor=request.user)
    return _grid_out(staffing_for(Grid.objects.filter(pk=grid.pk))[0])


@router.post("/staffing", response={201: s.StaffingOut}, tags=["staffing"])
def assign_staff(request, payload: s.StaffingIn):
    """Assigns a grid worker, grid police officer or household liaison: an account that has
    no role yet, or one that already works inside your area. Any other name — unknown or
    not yours to assign — gets the same 400."""
    region = _place(_user(request), payload.region_code)
    if payload.role not in account_actions.STAFF_ROLES:
        raise Invalid(_("Only grid staff roles are assigned here."))
    user = account_actions.find_assignable(payload.username, actor=request.user)
    a = account_actions.assign_role(user, payload.role, region, actor=request.user)
    return 201, {"id": a.pk, "username": user.username, "role": a.role, "region_code": region.code}


def _resident_out(r: Resident) -> dict:
    return {
        "id": r.pk,
        "name": r.name,
        "sex": r.sex,
        "birth_year": r.birth_year,
        "ethnicity": r.ethnicity,
        "id_number": r.id_number_masked,
        "phone": r.phone_masked,
        "region_code": r.region.code,
        "household_id": r.household_id,
        "special_groups": [g.code for g in r.special_groups.all()],
    }


@router.get("/residents", response=s.ResidentPage, tags=["base data"])
def list_residents(request, q: str = "", region: str = "", limit: int = 50, offset: int = 0):
    """Search by name, or exactly by ID number or phone. Personal data comes masked."""
    qs = (
        search_residents(_user(request), q, region)
        .select_related("region")
        .prefetch_related("special_groups")
        .order_by("region_path", "id")
    )
    return page_of(qs, limit, offset, _resident_out)


@router.get("/residents/{resident_id}", response=s.ResidentOut, tags=["base data"])
def get_resident(request, resident_id: int):
    r = get_visible(Resident.objects.select_related("region"), _user(request), pk=resident_id)
    return _resident_out(r)


@router.post("/residents", response={201: s.ResidentOut}, tags=["base data"])
def create_resident(request, payload: s.ResidentIn):
    region = _place(_user(request), payload.region_code)
    household = None
    if payload.household_id is not None:
        household = (
            Household.objects.visible_to(request.user).filter(pk=payload.household_id).first()
        )
        if household is None:
            raise Invalid(_("No such household."))
    # no transaction around the action: a refusal's referral (people.actions.refer) stays
    r = people_actions.create_resident(
        people_actions.ResidentInput(
            region=region,
            name=payload.name,
            id_number=payload.id_number,
            phone=payload.phone,
            household=household,
            ethnicity=payload.ethnicity,
            relation=payload.relation,
            special_groups=payload.special_groups,
        ),
        actor=request.user,
    )
    return 201, _resident_out(r)


@router.post("/residents/{resident_id}/reveal", response=s.RevealOut, tags=["base data"])
def reveal_resident(request, resident_id: int, payload: s.RevealIn, response: HttpResponse):
    """The whole ID number and phone of one resident, with your reason (a few words). Counted
    against your hourly limit (429 past it, and your supervisors are told); audited; the
    answer is marked `Cache-Control: no-store`."""
    r = get_visible(Resident.objects, _user(request), pk=resident_id)
    revealed = people_actions.reveal_resident(r, actor=request.user, reason=payload.reason)
    reveal.no_store(response)
    return revealed


@router.get("/households", response=s.HouseholdPage, tags=["base data"])
def list_households(request, region: str = "", limit: int = 50, offset: int = 0):
    qs = Household.objects.visible_to(_user(request)).select_related("region").order_by("id")
    if region:
        qs = qs.under(_place(request.user, region).path)
    return page_of(qs, limit, offset, _household_out)


def _household_out(h):
    return {
        "id": h.pk,
        "number": h.number,
        "address": h.address,
        "kind": h.kind,
        "region_code": h.region.code,
    }


@router.post("/households", response={201: s.HouseholdOut}, tags=["base data"])
def create_household(request, payload: s.HouseholdIn):
    region = _place(_user(request), payload.region_code)
    h = people_actions.create_household(
        region, payload.number, actor=request.user, address=payload.address, kind=payload.kind
    )
    return 201, _household_out(h)


def _unit_out(u):
    return {
        "id": u.pk,
        "name": u.name,
        "kind": u.kind,
        "credit_code": u.credit_code,
        "address": u.address,
        "region_code": u.region.code,
    }


@router.get("/units", response=s.UnitPage, tags=["base data"])
def list_units(request, q: str = "", limit: int = 50, offset: int = 0):
    qs = Unit.objects.visible_to(_user(request)).select_related("region").order_by("name", "id")
    if q:
        qs = qs.filter(name__contains=q)
    return page_of(qs, limit, offset, _unit_out)


@router.post("/units", response={201: s.UnitOut}, tags=["base data"])
def create_unit(request, payload: s.UnitIn):
    region = _place(_user(request), payload.region_code)
    u = people_actions.create_unit(
        region,
        payload.name,
        payload.kind,
        actor=request.user,
        credit_code=payload.credit_code,
        address=payload.address,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
    )
    return 201, _unit_out(u)


@router.get("/buildings", response=s.BuildingPage, tags=["base data"])
def list_buildings(request, grid: str = "", limit: int = 100, offset: int = 0):
    qs = Region.objects.visible_to(_user(request)).filter(level="building")
    if grid:
        qs = qs.under(_place(request.user, grid).path)
    return page_of(
        qs, limit, offset, lambda r: {**_region_out(r), "floors": r.floors, "address": r.address}
    )


@router.get("/coverage", response=list[s.GridOut], tags=["staffing"])
def coverage(request):
    user = _user(request)
    if not roles.read_paths(user, "staffing"):
        raise PermissionDenied(_("Your role may not read staffing."))
    return [_grid_out(r) for r in staffing_for(Grid.objects.visible_to(user)) if r.missing]
