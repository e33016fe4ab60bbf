"""The staff report flow, phone first (after FixMyStreet and the GOV.UK patterns):

1. place    — "use my location", a tap on the map, or one of the reporter's own places
              (their grid by default);
2. category — one tap on a big choice, the reporter's usual ones first;
3. details  — description, photos (the phone's camera), the category's extra fields,
              priority (normal unless said otherwise);
4. check    — the answers with a "change" link each, and the one button that reports;
5. done     — the code, who takes it next, and by when.

Every step is a plain form (a phone without JavaScript reports too); report.js only adds
geolocation. The answers and photos live in a draft (`drafts.Draft`) from the first step
to the last, so nothing typed or photographed is lost on an error, on "back" or on
"change", and no step complains about a field the reporter has not reached. The report
itself is made by `actions.report_matter`, in one transaction, when the reporter confirms.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from gridgov.accounts import roles
from gridgov.accounts.roles import Role
from gridgov.core import parsing
from gridgov.core.errors import ActionError, Invalid
from gridgov.core.idempotency import run_once
from gridgov.core.scoping import within
from gridgov.core.views import role_required
from gridgov.regions.models import Level, Region

from . import actions, calendar
from .drafts import Draft
from .forms import CategoryForm, PlaceForm, ReportForm
from .models import Category, CategoryGroup, Matter, Priority

# Past this many places the list offers grids only (a district's staff would scroll
# through every building otherwise); the map and "use my location" reach the rest.
PLACE_LIST_LIMIT = 150
LAST_KEY = "matters.report_last"  # the code of the report just sent (a second tap on "report")


def _may_report(user) -> None:
    if not roles.write_paths(user, "matter"):
        raise PermissionDenied(_("Your role may not report matters."))


def own_places(user) -> list[Region]:
    """The grids, compounds and buildings where the user may report, in tree order."""
    paths = roles.write_paths(user, "matter")
    qs = Region.objects.filter(within("path", paths), level__in=actions.PLACE_LEVELS)
    if qs.count() > PLACE_LIST_LIMIT:
        qs = qs.filter(level=Level.GRID)
    return list(qs.order_by("path"))


def default_place(user, places: list[Region]) -> Region | None:
    """The user's own grid (or building), when they are assigned to one."""
    own = set(roles.write_paths(user, "matter"))
    return next((p for p in places if p.path in own), None)


def _step_url(name: str, change: bool = False) -> str:
    return reverse(f"matters:report_{name}" if name != "place" else "matters:report") + (
        "?change=1" if change else ""
    )


def _first_missing(draft: Draft) -> str | None:
    """The first step whose answer the draft lacks (a step opened out of order leads
    there instead of complaining)."""
    if not draft.get("place"):
        return "place"
    if not draft.get("category"):
        return "category"
    if not (draft.get("description") or "").strip():
        return "details"
    cat = _category(draft)
    attributes = draft.get("attributes") or {}
    if cat is None:
        return "category"
    if any(f.get("required") and attributes.get(f["code"]) in (None, "", []) for f in cat.fields):
        return "details"  # e.g. after a change of category
    return None


def _next_after(request, draft: Draft, step: str) -> str:
    """Where a step's "continue" leads: back to the check page after a change, once
    everything is there; else the next step."""
    missing = _first_missing(draft)
    if request.GET.get("change") and missing is None:
        return _step_url("check")
    order = ["place", "category", "details", "check"]
    following = order[order.index(step) + 1]
    if missing and order.index(missing) < order.index(following):
        return _step_url(missing)
    return _step_url(following)


def _category(draft: Draft) -> Category | None:
    return Category.objects.filter(code=draft.get("category") or "", active=True).first()


def _place(user, draft: Draft) -> Region | None:
    code = draft.get("place") or ""
    return next((p for p in own_places(user) if p.code == code), None)


def _context(request, draft: Draft, step: int, **extra) -> dict:
    return {
        "draft": draft.data,
        "step": step,
        "steps": 4,
        "change": bool(request.GET.get("change")),
        **extra,
    }


@role_required
def place(request):
    """Step 1: where."""
    _may_report(request.user)
    draft = Draft(request)
    places = own_places(request.user)
    if request.method == "POST" and request.POST.get("clear_point"):
        # keep what else was chosen or typed on the page
        chosen = next((p for p in places if p.code == request.POST.get("place")), None)
        if chosen is not None:
            draft.update(place=chosen.code, place_name=chosen.name)
        draft.update(lat=None, lon=None, address=request.POST.get("address", "")[:200])
        return redirect(request.get_full_path())
    if request.method == "POST":
        form = PlaceForm(request.POST, places=places)
        if form.is_valid():
            d = form.cleaned_data
            region = form.region
            draft.update(
                place=region.code,
                place_name=region.name,
                lat=d["lat"],
                lon=d["lon"],
                address=d["address"],
            )
            return redirect(_next_after(request, draft, "place"))
        status = 400
    default = default_place(request.user, places)
    if request.method != "POST":
        asked = request.GET.get("place", "")  # "report here" from a grid's or building's page
        if not any(p.code == asked for p in places):
            asked = ""
        form = PlaceForm(
            initial={
                "place": asked or draft.get("place") or (default.code if default else ""),
                "lat": draft.get("lat"),
                "lon": draft.get("lon"),
                "address": draft.get("address", ""),
            },
            places=places,
        )
        status = 200
    focus = draft.get("place") or (default.code if default else "")
    return render(
        request,
        "matters/report.html",
        _context(
            request,
            draft,
            1,
            form=form,
            # map.js draws the user's grids and the buildings of the place in focus; a tap
            # picks the point (the grid it falls in is decided again on the next step)
            map_layers=json.dumps(_map_layers(request.user)),
            map_focus=focus[:15],
            locate_url=reverse("matters:report_locate"),
        ),
        status=status,
    )


def _map_layers(user) -> list[dict]:
    """The grids and buildings the reporter sees (a liaison sees their building only)."""
    layers = []
    if roles.read_paths(user, "grid"):
        layers.append({"url": reverse("regions:geo_grids"), "kind": "grids", "name": _("Grids")})
    url = reverse("regions:geo_buildings")
    return [*layers, {"url": url, "kind": "buildings", "name": _("Buildings")}]


@require_GET
@role_required
def locate(request):
    """Which of the user's grids a point lies in (for "use my location" and map taps): a
    grid outside the user's scope is not named."""
    _may_report(request.user)
    try:
        lat = parsing.latitude(request.GET.get("lat"), "lat")
        lon = parsing.longitude(request.GET.get("lon"), "lon")
    except Invalid as exc:
        return JsonResponse({"detail": exc.message, "errors": exc.errors}, status=400)
    from gridgov.regions.locator import locate as locate_grid

    grid = locate_grid(lat, lon)
    if grid is None:
        return JsonResponse(
            {"grid": None, "in_scope": False, "message": _("This point is in no grid.")}
        )
    if not roles.can_write(request.user, "matter", grid.path):
        # a household liaison reports for their building: a point in its grid is theirs
        own = [p for p in roles.write_paths(request.user, "matter") if p.startswith(grid.path)]
        place = Region.objects.filter(path__in=own).order_by("path").first() if own else None
        if place is None:
            return JsonResponse(
                {
                    "grid": None,
                    "in_scope": False,
                    "message": _("This point is outside your grids."),
                }
            )
        return JsonResponse(
            {
                "grid": {"code": place.code, "name": place.name},
                "in_scope": True,
                "message": _("You are near %(place)s.") % {"place": place.name},
            }
        )
    return JsonResponse(
        {
            "grid": {"code": grid.code, "name": grid.name},
            "in_scope": True,
            "message": _("You are in %(grid)s.") % {"grid": grid.name},
        }
    )


def _categories_for(user):
    """(the user's usual categories, most used first; the others by group)."""
    cats = list(Category.objects.filter(active=True))
    used = dict(
        Matter.objects.filter(reporter=user)
        .values_list("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    usual = sorted((c for c in cats if used.get(c.pk)), key=lambda c: -used[c.pk])[:4]
    groups = []
    for value, label in CategoryGroup.choices:
        members = [c for c in cats if c.group == value and c not in usual]
        if members:
            groups.append((label, members))
    return usual, groups


@role_required
def category(request):
    """Step 2: what kind of matter (one tap)."""
    _may_report(request.user)
    draft = Draft(request)
    if not draft.get("place"):
        return redirect(_step_url("place"))
    status = 200
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            chosen = form.cleaned_data["category"]
            if chosen.code != draft.get("category"):
                draft.update(category=chosen.code, attributes={})  # another's extra fields
            return redirect(_next_after(request, draft, "category"))
        status = 400
    usual, groups = _categories_for(request.user)
    return render(
        request,
        "matters/report_category.html",
        _context(request, draft, 2, form=form, usual=usual, groups=groups),
        status=status,
    )


@role_required
def details(request):
    """Step 3: description, photos, extra fields, priority."""
    _may_report(request.user)
    draft = Draft(request)
    cat = _category(draft)
    if not draft.get("place") or cat is None:
        return redirect(_step_url("place" if not draft.get("place") else "category"))
    status = 200
    if request.method == "POST":
        photo_errors = draft.add_photos(request.FILES.getlist("photos"))
        form = ReportForm(request.POST, category=cat)
        draft.update(**form.typed())
        if request.POST.get("remove_photo"):
            draft.remove_photo(request.POST["remove_photo"])
            return redirect(request.get_full_path())
        form.is_valid()
        if "add_photos" in request.POST:
            # only adding a photo: say nothing yet about fields still to be filled
            for name in [n for n in form.errors if n != "photos"]:
                del form.errors[name]
            if not photo_errors:
                return redirect(request.get_full_path())
        for message in photo_errors:
            form.add_error("photos", message)
        if not form.errors:
            d = form.cleaned_data
            draft.update(
                description=d["description"],
                priority=d["priority"],
                attributes=form.attributes() | _multi(form),
            )
            return redirect(_next_after(request, draft, "details"))
        status = 400
    else:
        form = ReportForm(initial=ReportForm.initial_from(draft.data), category=cat)
    return render(
        request,
        "matters/report_details.html",
        _context(request, draft, 3, form=form, category=cat, photos=draft.photos),
        status=status,
    )


def _multi(form) -> dict:
    return {
        code: form.cleaned_data[name]
        for code, name in form.extra
        if isinstance(form.cleaned_data.get(name), list) and form.cleaned_data[name]
    }


def _answers(draft: Draft, cat: Category) -> list[tuple[str, str]]:
    attributes = draft.get("attributes") or {}
    rows = []
    for spec in cat.fields:
        value = attributes.get(spec["code"])
        if value not in (None, "", []):
            shown = "、".join(value) if isinstance(value, list) else str(value)
            rows.append((cat.field_label(spec), shown))
    return rows


@role_required
def check(request):
    """Step 4: the answers, each with a "change" link; "report" sends them."""
    _may_report(request.user)
    draft = Draft(request)
    if request.method == "POST" and not draft.data and request.session.get(LAST_KEY):
        # a second tap on "report" after the first one went through
        return redirect("matters:report_done", code=request.session[LAST_KEY])
    missing = _first_missing(draft)
    cat = _category(draft)
    if missing or cat is None:
        return redirect(_step_url(missing or "category"))
    errors: list[tuple[str, str]] = []
    region = _place(request.user, draft)
    if region is None:
        errors.append((_("This place is not one of yours any more."), _step_url("place", True)))
    if request.method == "POST" and not errors:

        def send():
            matter = actions.report_matter(
                actions.MatterInput(
                    category=cat,
                    description=draft.get("description", ""),
                    source=actions.source_for(request.user),
                    region=region,
                    lat=draft.get("lat"),
                    lon=draft.get("lon"),
                    address=draft.get("address", ""),
                    attributes=draft.get("attributes") or {},
                    priority=int(draft.get("priority") or Priority.NORMAL),
                    photos=draft.photo_files(),
                ),
                actor=request.user,
            )
            return 201, {"code": matter.code}

        try:
            # two taps at once (a slow phone) load the same draft: the draft's id lets one
            # of them report and the other answer with the same matter
            _status, sent = run_once(f"report:{request.user.pk}", draft.get("id"), b"", send)
        except ActionError as exc:
            errors = _errors_to_steps(exc, cat)
        else:
            draft.clear()
            request.session[LAST_KEY] = sent["code"]
            return redirect("matters:report_done", code=sent["code"])
    return render(
        request,
        "matters/report_check.html",
        _context(
            request,
            draft,
            4,
            category=cat,
            answers=_answers(draft, cat),
            priority=Priority(int(draft.get("priority") or Priority.NORMAL)).label,
            photos=draft.photos,
            errors=errors,
        ),
        status=400 if errors else 200,
    )


def _errors_to_steps(exc: ActionError, cat: Category) -> list[tuple[str, str]]:
    """The action's refusal as (message, link to the step that changes it)."""
    where = {"location": "place", "place": "place", "address": "place", "lat": "place"}
    where.update({"lon": "place", "description": "details", "photos": "details"})
    labels = {f["code"]: cat.field_label(f) for f in cat.fields}
    items = [e for e in exc.errors if isinstance(e, dict)]
    if not items:
        about_place = exc.status in (403, 404) or exc.message in (
            _("This place is outside your scope."),
            _("Choose a grid, compound or building."),
        )
        return [(exc.message, _step_url("place" if about_place else "details", True))]
    out = []
    for e in items:
        field = e.get("field") or ""
        label = labels.get(field)
        message = f"{label}: {e['message']}" if label else exc.message
        if not label and e.get("message") and e["message"] not in exc.message:
            message = f"{exc.message} {e['message']}"
        out.append((message, _step_url(where.get(field, "details"), True)))
    return out


@role_required
def done(request, code):
    """Step 5: reported — the code, who takes it next and by when."""
    from gridgov.core.scoping import get_visible

    matter = get_visible(
        Matter.objects.select_related("category", "category__default_unit", "region"),
        request.user,
        code=code,
    )
    path = matter.region_path
    community = (
        Region.objects.filter(path__in=roles.ancestor_paths(path), level=Level.COMMUNITY)
        .only("name")
        .first()
    )
    staff = roles.nearest_holders(
        path, (Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.OPERATOR, Role.SYSTEM_ADMIN)
    )
    days = matter.category.deadline_days
    names = "、".join(str(u) for u in staff[:3])
    if len(staff) > 3:
        names += ngettext(" and %(n)d other", " and %(n)d others", len(staff) - 3) % {
            "n": len(staff) - 3
        }
    return render(
        request,
        "matters/report_done.html",
        {
            "matter": matter,
            "community": community,
            "staff": names,
            "unit": matter.handling_unit or matter.category.default_unit,
            "days": days,
            "due": matter.deadline or calendar.deadline_after(timezone.now(), days),
        },
    )


@role_required
def photo(request, token):
    """A photo of the user's own draft (its thumbnail); anyone else's does not exist."""
    return Draft(request).photo_response(token)


@role_required
def discard(request):
    """Start again: forget the draft and its photos (POST only; a GET shows step 1)."""
    if request.method == "POST":
        Draft(request).clear()
    return redirect("matters:report")
