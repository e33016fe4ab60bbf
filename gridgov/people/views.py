import re
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridgov.accounts import roles
from gridgov.core import crypto, files, reveal
from gridgov.core.errors import Invalid, NotFound, TooMany, with_headers
from gridgov.core.scoping import get_visible
from gridgov.core.views import history_context, paginate, role_required
from gridgov.regions.models import Region

from . import actions, excel
from .forms import ImportForm, ResidentForm, RevealForm
from .models import Household, Resident

_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_PHONE_LIKE = re.compile(r"^1\d{10}$")


def search_residents(user, q: str = "", region_code: str = ""):
    """The resident search every page and the API use: scoped, then narrowed."""
    qs = Resident.objects.visible_to(user)
    q = (q or "").strip()
    if _ID_LIKE.match(q):
        qs = qs.filter(id_number_index=crypto.blind_index(q))
    elif _PHONE_LIKE.match(q):
        qs = qs.filter(phone_index=crypto.blind_index(q))
    elif q:
        qs = qs.filter(name__contains=q)
    if region_code:
        qs = qs.under_code(region_code)
    return qs


def lives_at(resident, place_name: str) -> str:
    """Building and room as one line: "林芝花园 1号楼 1-101" (a household address that names
    its building already, "雪域家园1期2号楼101室", is not preceded by it again)."""
    h = resident.household
    room = (h.address or h.number) if h else ""
    if place_name and resident.region.name in room:
        return room
    return f"{place_name} {room}".strip()


def _require_base_data(user):
    if not roles.read_paths(user, "base_data"):
        raise PermissionDenied(_("Your role may not read base data."))


@role_required
def residents(request):
    """Residents as cards that tell namesakes apart: building and room, grid, age, sex,
    the masked ID number's last digits. The place is chosen from the user's grids (an old
    link's typed code still works); the pager keeps the search."""
    from gridgov.regions.choices import grid_path, listed, names_of, place_groups

    _require_base_data(request.user)
    q = request.GET.get("q", "").strip()
    region = request.GET.get("region", "").strip()
    if len(q) > 64 or len(region) > 24:
        raise Invalid(_("The search is too long."))
    qs = (
        search_residents(request.user, q, region)
        .select_related("region", "household")
        .prefetch_related("special_groups")
        # namesakes side by side, each with what tells them apart
        .order_by(*(("name",) if q else ()), "region_path", "id")
    )
    page = paginate(request, qs)
    names = names_of({grid_path(r.region_path) for r in page} | {r.region_path[:-4] for r in page})
    for r in page:
        gp = grid_path(r.region_path)
        r.grid_name = names.get(gp, "") if gp != r.region_path else r.region.name
        # a building is named with its compound ("林芝花园 1号楼")
        r.place_name = ""
        if gp and gp != r.region_path:
            above = names.get(r.region_path[:-4], "") if r.region_path[:-4] != gp else ""
            r.place_name = f"{above} {r.region.name}".strip()
        r.lives_at = lives_at(r, r.place_name)
    places = place_groups(request.user)
    return render(
        request,
        "people/residents.html",
        {
            "page": page,
            "q": q,
            "region": region,
            "places": places,
            "region_listed": listed(places, region),
            "query": urlencode({k: v for k, v in (("q", q), ("region", region)) if v}),
            "can_add": bool(roles.write_paths(request.user, "base_data")),
        },
    )


def _detail(request, resident, form, *, revealed=None, status=200):
    return render(
        request,
        "people/resident_detail.html",
        {
            "resident": resident,
            "place": Region.objects.get_ancestors(resident.region).filter(depth__gte=3),
            "revealed": revealed,
            "can_reveal": roles.can_write(request.user, "reveal", resident.region_path),
            "history": history_context(request.user, resident),
            "form": form,
        },
        status=status,
    )


@role_required
def resident_detail(request, pk):
    _require_base_data(request.user)
    resident = get_visible(
        Resident.objects.select_related("region", "household"), request.user, pk=pk
    )
    return _detail(request, resident, RevealForm())


@role_required
def resident_reveal(request, pk):
    """The whole numbers of one resident, for a reason (gridgov.core.reveal); the answer is
    never cached. Opened without the form (e.g. after signing in again): the resident."""
    if request.method != "POST":
        return redirect("people:resident", pk=pk)
    resident = get_visible(
        Resident.objects.select_related("region", "household"), request.user, pk=pk
    )
    form = RevealForm(request.POST)
    form.is_valid()
    try:
        revealed = actions.reveal_resident(
            resident, actor=request.user, reason=form.data.get("reason", "")
        )
    except (Invalid, TooMany) as exc:
        form.add_error("reason", exc.message)
        refused = _detail(request, resident, form, status=exc.status)
        return reveal.no_store(with_headers(refused, exc))
    return reveal.no_store(_detail(request, resident, form, revealed=revealed))


@role_required
def resident_new(request):
    if not roles.write_paths(request.user, "base_data"):
        raise PermissionDenied(_("Your role may not record residents."))
    form = ResidentForm(request.POST or None, initial={"region": request.GET.get("region", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            region = get_visible(Region.objects, request.user, code=d["region"].strip())
            household = None
            if d["household_number"]:
                household = Household.objects.filter(
                    region=region, number=d["household_number"].strip()
                ).first()
                if household is None:
                    raise Invalid(
                        _("No such household at this place."),
                        errors=[
                            {
                                "field": "household_number",
                                "message": _("No such household at this place."),
                            }
                        ],
                    )
            resident = actions.create_resident(
                actions.ResidentInput(
                    region=region,
                    name=d["name"],
                    id_number=d["id_number"],
                    phone=d["phone"],
                    household=household,
                    ethnicity=d["ethnicity"],
                    relation=d["relation"],
                    special_groups=[g.code for g in d["special_groups"]],
                ),
                actor=request.user,
            )
        except NotFound:
            form.add_error("region", _("No such place in your scope."))
        except Invalid as exc:
            for e in exc.errors or [{"field": None, "message": exc.message}]:
                field = {"household": "household_number"}.get(e.get("field"), e.get("field"))
                form.add_error(field if field in form.fields else None, e["message"])
        else:
            messages.success(request, _("Resident recorded."))
            return redirect("people:resident", pk=resident.pk)
    return render(
        request, "people/resident_form.html", {"form": form}, status=400 if form.errors else 200
    )


@role_required
def import_page(request):
    if not roles.write_paths(request.user, "base_data"):
        raise PermissionDenied(_("Your role may not import base data."))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            try:
                count = excel.import_workbook(
                    form.cleaned_data["kind"],
                    files.read_upload(form.cleaned_data["file"]),
                    actor=request.user,
                )
            except Invalid as exc:
                messages.error(request, exc.message)
                errors, status = exc.errors, 400
            else:
                messages.success(request, _("%(n)d rows imported.") % {"n": count})
                return redirect("people:import")
        else:
            status = 400
    return render(
        request,
        "people/import.html",
        {"form": form, "errors": errors, "kinds": excel.KINDS.values()},
        status=status,
    )


@role_required
def import_template(request, kind):
    spec = excel.KINDS.get(kind)
    if spec is None:
        raise Http404
    return files.download(excel.template_sheet(spec), f"gridgov-{kind}-template")
