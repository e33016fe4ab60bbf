import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts import roles
from gridgov.core import parsing
from gridgov.core.errors import ActionError, Invalid, NotFound
from gridgov.core.scoping import get_visible
from gridgov.core.views import history_context, paginate, role_required
from gridgov.people.models import Unit, UnitKind
from gridgov.regions.models import Region

from . import actions, workflow
from .forms import FilterForm, ReportForm
from .models import RUNNING_STATES, Category, Matter, Priority, Source, State


def _can_read(user):
    return bool(roles.read_paths(user, "matter")) or any(
        r == roles.Role.DEPARTMENT_HANDLER for r, _p, _u in roles.assignments_with_units(user)
    )


def worklist_queryset(user, data: dict):
    """The worklist every page and the API use: scoped, filtered, overdue first."""
    qs = Matter.objects.visible_to(user)
    if data.get("mine"):
        qs = qs.awaiting(user)
    state = data.get("state")
    if state == "overdue":
        qs = qs.overdue()
    elif state in State.values:
        qs = qs.filter(state=state)
    elif not state and not data.get("mine"):
        qs = qs.open()
    if data.get("category"):
        qs = qs.filter(category__code=data["category"])
    if data.get("grid"):
        path = Region.objects.filter(code=data["grid"]).values_list("path", flat=True).first()
        qs = qs.under(path) if path else qs.none()
    if data.get("unit"):
        qs = qs.filter(handling_unit_id=data["unit"])
    return qs.select_related("category", "region", "handling_unit", "handler").worklist_order()


DUE_SOON = datetime.timedelta(days=1)


def as_cards(matters) -> list:
    """The page's matters with what a card shows beside the matter's own fields: the grid
    (and community) it lies in and how close its deadline is — one query for the page's
    place names, none per matter."""
    from gridgov.regions.choices import grid_path, names_of

    matters = list(matters)
    names = names_of(
        {grid_path(m.region_path) for m in matters} | {m.region_path[:16] for m in matters}
    )
    now = timezone.now()
    for m in matters:
        gp = grid_path(m.region_path)
        m.grid_name = names.get(gp, "") if gp != m.region_path else ""
        m.community_name = names.get(m.region_path[:16], "")
        m.overdue = m.is_overdue
        m.due_soon = (
            not m.overdue
            and m.state in RUNNING_STATES
            and m.deadline is not None
            and m.deadline - now < DUE_SOON
        )
    return matters


@role_required
def worklist(request):
    if not _can_read(request.user):
        raise PermissionDenied(_("Your role does not handle matters."))
    params = request.GET.copy()
    params.pop("page", None)
    if not params and "page" not in request.GET:
        params["mine"] = "on"
    form = FilterForm(params, user=request.user)
    form.is_valid()
    # a parameter the form does not show (a home panel's link may add one) is applied and
    # kept by the pager all the same
    extra = {k: v for k, v in params.items() if k not in form.fields and v}
    page = paginate(request, worklist_queryset(request.user, {**extra, **form.filters()}))
    page.object_list = as_cards(page.object_list)
    return render(
        request,
        "matters/worklist.html",
        {
            "form": form,
            "page": page,
            "query": "&".join(q for q in (urlencode(extra), form.query()) if q),
            "can_report": bool(roles.write_paths(request.user, "matter")),
        },
        status=400 if form.errors else 200,
    )


@role_required
def report(request):
    if not roles.write_paths(request.user, "matter"):
        raise PermissionDenied(_("Your role may not report matters."))
    code = request.POST.get("category") or request.GET.get("category")
    category = Category.objects.filter(code=code, active=True).first()
    form = ReportForm(
        request.POST or None,
        category=category,
        initial={"category": code, "place": request.GET.get("place", "")},
    )
    if request.method == "POST" and "describe" not in request.POST and form.is_valid():
        d = form.cleaned_data
        try:
            region = None
            if d["place"]:
                region = get_visible(Region.objects, request.user, code=d["place"].strip())
            matter = actions.report_matter(
                actions.MatterInput(
                    category=d["category"],
                    description=d["description"],
                    source=_source_for(request.user),
                    region=region,
                    lat=d["lat"],
                    lon=d["lon"],
                    address=d["address"],
                    attributes=form.attributes(),
                    priority=d["priority"],
                    photos=request.FILES.getlist("photos"),
                ),
                actor=request.user,
            )
        except NotFound:
            form.add_error("place", _("No such place in your scope."))
        except ActionError as exc:
            for e in exc.errors or [{"field": None, "message": exc.message}]:
                field = e.get("field")
                field = f"attr_{field}" if f"attr_{field}" in form.fields else field
                if field == "location":
                    field = "lat"
                form.add_error(field if field in form.fields else None, e["message"])
        else:
            messages.success(request, _("Matter %(code)s reported.") % {"code": matter.code})
            return redirect("matters:detail", code=matter.code)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request, "matters/report.html", {"form": form, "category": category}, status=status
    )


def _source_for(user) -> str:
    held = roles.roles_of(user)
    if roles.Role.GRID_POLICE in held and roles.Role.GRID_WORKER not in held:
        return Source.GRID_POLICE
    if roles.Role.HOUSEHOLD_LIAISON in held and roles.Role.GRID_WORKER not in held:
        return Source.LIAISON
    return Source.GRID_WORKER


def _detail_context(user, matter):
    allowed = workflow.allowed(user, matter)
    ctx = {
        "matter": matter,
        "events": matter.events.select_related("actor"),
        "allowed": allowed,
        "history": history_context(user, matter),
        "attributes": [
            (f.get("label") or f["code"], matter.attributes.get(f["code"]))
            for f in matter.category.fields
            if f["code"] in matter.attributes
        ],
    }
    ctx.update(_dispute_context(user, matter))
    names = {t.name for t in allowed}
    if "dispatch" in names:
        ctx["units"] = Unit.objects.filter(kind=UnitKind.AGENCY).order_by("name")
        ctx["default_unit"] = matter.handling_unit_id or matter.category.default_unit_id
    if "merge" in names:
        ctx["duplicates"] = (
            Matter.objects.visible_to(user)
            .open()
            .exclude(pk=matter.pk)
            .filter(merged_into__isnull=True, region_path__startswith=matter.region_path[:20])
            .select_related("category")
            .order_by("-created_at")[:20]
        )
    return ctx


@role_required
def detail(request, code):
    matter = get_visible(
        Matter.objects.select_related(
            "category", "region", "handling_unit", "reporter", "handler", "verifier", "merged_into"
        ),
        request.user,
        code=code,
    )
    return render(request, "matters/detail.html", _detail_context(request.user, matter))


def _fields_from_post(request, name: str) -> dict:
    post = request.POST
    fields: dict = {}
    for key in ("note", "reason", "public_note"):
        if post.get(key, "").strip():
            fields[key] = post[key].strip()
    if request.FILES.getlist("photos"):
        fields["photos"] = request.FILES.getlist("photos")
    if name == "dispatch" and post.get("unit"):
        unit = Unit.objects.filter(pk=parsing.pk(post["unit"]) or 0).first()
        if unit is None:
            raise Invalid(_("No such unit."))
        fields["unit"] = unit
    if name == "request_extension" and post.get("until"):
        fields["until"] = parsing.day(post["until"], _("extended until"))
    if name == "evaluate" and post.get("rating"):
        fields["rating"] = parsing.integer(post["rating"], _("rating"), minimum=1, maximum=5)
    if name == "register" and post.get("priority", "").strip():
        fields["priority"] = parsing.integer(
            post["priority"],
            _("priority"),
            minimum=min(Priority.values),
            maximum=max(Priority.values),
        )
    if name == "merge" and post.get("duplicate_of"):
        target = Matter.objects.visible_to(request.user).filter(code=post["duplicate_of"]).first()
        if target is None:
            raise Invalid(_("No such matter."))
        fields["duplicate_of"] = target
    return fields


@require_POST
@role_required
def act(request, code, name):
    matter = get_visible(Matter.objects.select_related("category"), request.user, code=code)
    version = request.POST.get("version", "")
    try:
        fields = _fields_from_post(request, name)
        workflow.transition(
            matter,
            name,
            actor=request.user,
            version=parsing.integer(version, _("version"), minimum=0, required=False),
            **fields,
        )
    except ActionError as exc:
        return _detail_with_error(request, matter, exc, details=False)
    messages.success(request, _("Done: %(action)s.") % {"action": workflow.TRANSITIONS[name].label})
    return redirect("matters:detail", code=code)


def _dispute_context(user, matter) -> dict:
    from . import disputes
    from .models import CategoryGroup, NextStep, Outcome, Side

    if matter.category.group != CategoryGroup.DISPUTE:
        return {}
    dispute = getattr(matter, "dispute", None)
    return {
        "is_dispute": True,
        "dispute": dispute,
        "parties": dispute.parties.all() if dispute else [],
        "sessions": dispute.sessions.prefetch_related("mediators") if dispute else [],
        "can_mediate": roles.can_write(user, "mediation", matter.region_path),
        "forces": disputes.mediation_forces(matter),
        "sides": Side.choices,
        "outcomes": Outcome.choices,
        "next_steps": NextStep.choices,
    }


@require_POST
@role_required
def add_party(request, code):
    from . import disputes

    matter = get_visible(Matter.objects.select_related("category"), request.user, code=code)
    try:
        disputes.add_party(
            matter,
            request.POST.get("name", ""),
            request.POST.get("side", ""),
            contact=request.POST.get("contact", ""),
            actor=request.user,
        )
    except ActionError as exc:
        return _detail_with_error(request, matter, exc)
    return redirect("matters:detail", code=code)


@require_POST
@role_required
def record_mediation(request, code):
    from django.contrib.auth import get_user_model

    from . import disputes

    matter = get_visible(
        Matter.objects.select_related("category", "region"), request.user, code=code
    )
    p = request.POST
    try:
        held_on = parsing.day(p.get("held_on", ""), _("held on"))
        follow = parsing.day(p.get("follow_up_on", ""), _("follow up on"), required=False)
        ids = parsing.pks(p.getlist("mediators"))
        disputes.record_session(
            matter,
            held_on=held_on,
            mediators=get_user_model().objects.filter(pk__in=ids),
            outcome=p.get("outcome", ""),
            agreement=p.get("agreement", ""),
            next_step=p.get("next_step", "none"),
            follow_up_on=follow,
            place=p.get("place", ""),
            actor=request.user,
        )
    except ActionError as exc:
        return _detail_with_error(request, matter, exc)
    return redirect("matters:detail", code=code)


def _detail_with_error(request, matter, exc, *, details=True):
    """The matter's page again with the refusal, and what was typed in the form (`details`:
    each field's message too, unless the message says it already)."""
    matter.refresh_from_db()
    ctx = _detail_context(request.user, matter)
    ctx["typed"] = request.POST
    ctx["error"] = exc.message + "".join(
        f" · {e['message']}"
        for e in exc.errors
        if details and isinstance(e, dict) and e.get("message") and e["message"] not in exc.message
    )
    return render(request, "matters/detail.html", ctx, status=exc.status)
