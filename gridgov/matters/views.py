import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridgov.accounts import roles
from gridgov.core import actors, parsing
from gridgov.core.errors import ActionError, Invalid
from gridgov.core.scoping import get_visible
from gridgov.core.views import history_context, paginate, role_required
from gridgov.people.models import Unit, UnitKind

from . import workflow
from .forms import FilterForm
from .models import RUNNING_STATES, Matter, Priority, State


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
        qs = qs.under_code(data["grid"])
    if data.get("unit"):
        qs = qs.filter(handling_unit_id=data["unit"])
    if data.get("due") == "week":  # still running and not yet late, but within seven days
        now = timezone.now()
        qs = qs.filter(
            state__in=RUNNING_STATES, deadline__gte=now, deadline__lt=now + datetime.timedelta(7)
        )
    if data.get("new") == "today":
        start = timezone.make_aware(
            datetime.datetime.combine(timezone.localdate(), datetime.time.min)
        )
        qs = qs.filter(created_at__gte=start)
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


# How each step's button looks (docs/ui.md, "Buttons by consequence"): the steps that cannot
# be undone are warnings and ask first — (question, what the confirm button says).
SIDE_STEPS = frozenset({"request_extension", "rework"})
CONFIRM = {
    "reject": (
        gettext_lazy(
            "Reject this report? It will not be handled, the reporter is told so, and it "
            "cannot be reopened."
        ),
        gettext_lazy("Reject the report"),
    ),
    "merge": (
        gettext_lazy(
            "Merge this matter into the one you picked? It ends here as a duplicate and "
            "cannot be reopened; the work goes on in the other matter."
        ),
        gettext_lazy("Merge as duplicate"),
    ),
    "close": (
        gettext_lazy(
            "Close this matter? It leaves every worklist and the reporter is told it is "
            "done; it cannot be reopened."
        ),
        gettext_lazy("Close the matter"),
    ),
}


def _steps(allowed) -> list[dict]:
    """Each allowed step with its button's look and, if it cannot be undone, its question."""
    out = []
    for t in allowed:
        question, button = CONFIRM.get(t.name, ("", ""))
        style = "warning" if question else ("secondary" if t.name in SIDE_STEPS else "")
        out.append({"t": t, "style": style, "confirm": question, "confirm_button": button})
    # the way forward first, then the side steps, then the ones that end the matter
    rank = {"": 0, "secondary": 1, "warning": 2}
    return sorted(out, key=lambda s: rank[s["style"]])


def _detail_context(user, matter):
    allowed = workflow.allowed(user, matter)
    events = actors.annotate(matter.events.select_related("actor"))
    # the reporter's photos stand under the description; a handler's with their step, so
    # that whoever verifies tells the before from the after
    photos = list(matter.photos.all())
    first = min((e.pk for e in events), default=None)
    for e in events:
        e.step_photos = [p for p in photos if p.event_id == e.pk and e.pk != first]
    ctx = {
        "matter": matter,
        "events": events,
        "report_photos": [p for p in photos if p.event_id in (None, first)],
        "allowed": allowed,
        "steps": _steps(allowed),
        "history": history_context(user, matter),
        "priorities": Priority.choices,  # register keeps the reported one unless changed
        "attributes": [
            (matter.category.field_label(f), matter.attributes.get(f["code"]))
            for f in matter.category.fields
            if f["code"] in matter.attributes
        ],
    }
    ctx.update(_dispute_context(user, matter))
    names = {t.name for t in allowed}
    if "dispatch" in names:
        ctx["units"] = Unit.objects.filter(kind=UnitKind.AGENCY).order_by("name")
        ctx["default_unit"] = matter.handling_unit_id or matter.category.default_unit_id
    return ctx


MERGE_RESULTS = 10


def merge_candidates(user, matter, q: str):
    """The open matters `user` can see that `matter` may be merged into and that match `q`
    (a code, or words each found in the code, description, address, category or place)."""
    words = q.split()[:5]
    if not words:
        return Matter.objects.none()
    qs = (
        Matter.objects.visible_to(user)
        .open()
        .exclude(pk=matter.pk)
        .filter(merged_into__isnull=True)
    )
    for w in words:
        w = w[:32]
        qs = qs.filter(
            Q(code__icontains=w)
            | Q(description__icontains=w)
            | Q(address__icontains=w)
            | Q(category__name__icontains=w)
            | Q(region__name__icontains=w)
        )
    return qs.select_related("category", "region").order_by("-created_at")[:MERGE_RESULTS]


@role_required
def merge_targets(request, code):
    """What a merge may point at, for the search under "merge as duplicate": an HTML list of
    radio buttons, none chosen (app.js puts it under the search box)."""
    matter = get_visible(Matter.objects, request.user, code=code)
    q = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "matters/_merge_targets.html",
        {"results": merge_candidates(request.user, matter, q), "q": q},
    )


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
    if name == "merge":
        fields["duplicate_of"] = _merge_target(request.user, post)
    return fields


def _merge_target(user, post):
    """The matter picked from the search (or, without JavaScript, whose code was typed);
    never a default."""
    code = (post.get("duplicate_of") or post.get("duplicate_code") or "").strip()
    if not code:
        message = _(
            "Choose the matter this one duplicates: type its code or a few words, then pick "
            "it from the list."
        )
        raise Invalid(message, errors=[{"field": "duplicate_of", "message": message}])
    target = Matter.objects.visible_to(user).filter(code=code).first()
    if target is None:
        message = _("There is no matter %(code)s among those you can see.") % {"code": code}
        raise Invalid(message, errors=[{"field": "duplicate_of", "message": message}])
    return target


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
