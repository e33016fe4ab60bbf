"""The matter lifecycle as one declarative table, and the one action that moves a matter.

Each Transition names the states it leaves from, the state it leads to (None: stays), the
roles allowed, the fields required, the separation rules it is subject to, and whether it
takes a note for the reporter (shown publicly, kept apart from the internal note). `transition`
checks all of that, then moves the matter with a conditional UPDATE on its version, so of
two people acting at once exactly one succeeds and the other is told the matter changed.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts import roles
from gridgov.accounts.roles import Role
from gridgov.core import audit, parsing
from gridgov.core.actions import is_user
from gridgov.core.errors import Conflict, Forbidden, Invalid, NotFound
from gridgov.core.models import AuditAction
from gridgov.core.redact import redact_numbers

from . import calendar
from .models import FIXED_NOTES, OPEN_STATES, Matter, MatterEvent, Priority, State

R = Role
STAFF = frozenset({R.SYSTEM_ADMIN, R.OPERATOR, R.STREET_STAFF, R.COMMUNITY_STAFF})
HANDLERS = frozenset({R.DEPARTMENT_HANDLER})
CHECKERS = STAFF | {R.GRID_WORKER, R.GRID_POLICE}

# separation rules (采办分离)
REPORTER_MAY_NOT_HANDLE = "reporter_may_not_handle"
HANDLER_MAY_NOT_VERIFY = "handler_may_not_verify"
RULES = {
    REPORTER_MAY_NOT_HANDLE: gettext_lazy(
        "Collect/handle separation: whoever reported a matter may not handle it."
    ),
    HANDLER_MAY_NOT_VERIFY: gettext_lazy(
        "Collect/handle separation: whoever handled a matter may not verify it."
    ),
}


@dataclasses.dataclass(frozen=True)
class Transition:
    name: str
    label: object
    sources: frozenset
    target: str | None  # None: the state does not change
    roles: frozenset
    required: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    unit_bound: bool = False  # only handlers of the matter's handling unit
    # May carry a note for the reporter. Only steps into a final state do, so the newest
    # public note always speaks for the state the matter is in (see public.public_note).
    takes_public_note: bool = False

    @property
    def fixed_note(self):
        """What the public reads after this step when staff wrote no note for the reporter."""
        return FIXED_NOTES.get(self.target) if self.target else None


def _t(
    name,
    label,
    sources,
    target,
    roles_,
    required=(),
    rules=(),
    unit_bound=False,
    takes_public_note=False,
):
    return Transition(
        name,
        label,
        frozenset(sources),
        target,
        frozenset(roles_),
        tuple(required),
        tuple(rules),
        unit_bound,
        takes_public_note,
    )


S = State
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("register", gettext_lazy("register"), [S.REPORTED], S.REGISTERED, STAFF),
        _t(
            "reject",
            gettext_lazy("reject"),
            [S.REPORTED],
            S.REJECTED,
            STAFF,
            ["reason"],
            takes_public_note=True,
        ),
        _t(
            "merge",
            gettext_lazy("merge as duplicate"),
            [S.REPORTED, S.REGISTERED],
            S.MERGED,
            STAFF,
            ["duplicate_of"],
            takes_public_note=True,
        ),
        _t("dispatch", gettext_lazy("dispatch"), [S.REGISTERED], S.DISPATCHED, STAFF, ["unit"]),
        _t(
            "accept",
            gettext_lazy("take in hand"),
            [S.DISPATCHED],
            S.IN_HAND,
            HANDLERS,
            rules=[REPORTER_MAY_NOT_HANDLE],
            unit_bound=True,
        ),
        _t(
            "handle",
            gettext_lazy("report handled"),
            [S.IN_HAND],
            S.HANDLED,
            HANDLERS,
            ["note"],
            [REPORTER_MAY_NOT_HANDLE],
            unit_bound=True,
        ),
        _t(
            "request_extension",
            gettext_lazy("request extension"),
            [S.DISPATCHED, S.IN_HAND],
            None,
            HANDLERS,
            ["until", "reason"],
            [REPORTER_MAY_NOT_HANDLE],
            unit_bound=True,
        ),
        _t(
            "approve_extension",
            gettext_lazy("approve extension"),
            [S.DISPATCHED, S.IN_HAND],
            None,
            STAFF,
        ),
        _t(
            "verify",
            gettext_lazy("verify"),
            [S.HANDLED],
            S.VERIFIED,
            CHECKERS,
            rules=[HANDLER_MAY_NOT_VERIFY],
        ),
        _t(
            "rework",
            gettext_lazy("return for rework"),
            [S.HANDLED],
            S.IN_HAND,
            CHECKERS,
            ["reason"],
            [HANDLER_MAY_NOT_VERIFY],
        ),
        _t("close", gettext_lazy("close"), [S.VERIFIED], S.CLOSED, STAFF, takes_public_note=True),
        _t(
            "evaluate",
            gettext_lazy("evaluate"),
            [S.CLOSED],
            S.EVALUATED,
            STAFF | {R.GRID_WORKER, R.GRID_POLICE, R.HOUSEHOLD_LIAISON},
            ["rating"],
        ),
    ]
}


def _role_ok(actor, t: Transition, matter: Matter) -> bool:
    for role, path, unit_id in roles.all_assignments(actor):
        if role in t.roles and matter.region_path.startswith(path):
            if t.unit_bound and unit_id != matter.handling_unit_id:
                continue
            return True
    return False


def _rule_broken(rule: str, actor, matter: Matter) -> bool:
    if rule == REPORTER_MAY_NOT_HANDLE:
        return matter.reporter_id == actor.pk
    if rule == HANDLER_MAY_NOT_VERIFY:
        return matter.handler_id == actor.pk
    raise KeyError(rule)


def allowed(actor, matter: Matter) -> list[Transition]:
    """The transitions this user may take on this matter now (for buttons and forms)."""
    if not is_user(actor):
        return []
    return [
        t
        for t in TRANSITIONS.values()
        if matter.state in t.sources
        and _role_ok(actor, t, matter)
        and not any(_rule_broken(r, actor, matter) for r in t.rules)
        and not (t.name == "approve_extension" and not matter.extension_until)
    ]


def _check(actor, t: Transition, matter: Matter, fields: dict) -> None:
    if matter.state not in t.sources:
        raise Conflict(
            _("A matter that is %(state)s cannot be %(action)s.")
            % {"state": State(matter.state).label, "action": t.label}
        )
    if is_user(actor):
        if not _role_ok(actor, t, matter):
            raise Forbidden(_("Your role may not %(action)s this matter.") % {"action": t.label})
        for rule in t.rules:
            if _rule_broken(rule, actor, matter):
                raise Forbidden(str(RULES[rule]))
    missing = [f for f in t.required if fields.get(f) in (None, "", [])]
    if missing:
        raise Invalid(
            _("Required: %(fields)s.") % {"fields": ", ".join(missing)},
            errors=[{"field": f, "message": _("Required.")} for f in missing],
        )


PUBLIC_NOTE_MAX = 500


def _public_note(t: Transition, matter: Matter, raw) -> str:
    """A note for the reporter, cleaned; it is written on purpose, for everyone to read:
    only on the steps that take one, never on a sensitive category's matter, short, without
    control characters (it goes into Open311's XML) and without phone or ID numbers."""

    def refuse(message):
        raise Invalid(message, errors=[{"field": "public_note", "message": message}])

    if len(str(raw or "").strip()) > PUBLIC_NOTE_MAX:
        refuse(_("A note for the reporter is at most %(n)d characters.") % {"n": PUBLIC_NOTE_MAX})
    try:
        text = parsing.text(raw, max_length=PUBLIC_NOTE_MAX, multiline=True)
    except Invalid as exc:
        refuse(exc.message)
    if not text:
        return ""
    if not t.takes_public_note:
        refuse(_("This step takes no note for the reporter."))
    if matter.category.sensitive:
        refuse(_("This category is sensitive: nothing about its matters is shown publicly."))
    if redact_numbers(text) != text:
        refuse(_("A note for the reporter may not hold a phone or ID number."))
    return text


def _checkers_of(matter: Matter) -> list:
    """Who is asked to verify a handled matter: the grid workers of its grid and the
    community's staff (the street's where the community has none)."""
    from gridgov.notifications.actions import staff_over

    workers = staff_over(matter.region_path, (R.GRID_WORKER,))
    return workers + roles.nearest_holders(matter.region_path, {R.COMMUNITY_STAFF, R.STREET_STAFF})


def _outcome_text(matter: Matter, note: str) -> str:
    state = State(matter.state).label
    return f"{state}: {note}" if note else str(state)


def _tell_public_reporter(matter: Matter) -> None:
    """A public reporter who left a phone gets the outcome by SMS, in the public's language
    (Chinese), saying no more than their receipt page does."""
    from django.conf import settings
    from django.utils import translation

    from gridgov.core import crypto
    from gridgov.notifications import actions as notifications

    from . import public

    contact = crypto.decrypt(matter.contact_enc) if matter.contact_enc else ""
    if not contact:
        return
    with translation.override(settings.LANGUAGE_CODE):
        view = public.public_view(matter)
        text = _("Your report %(receipt)s: %(status)s") % {
            "receipt": matter.receipt,
            "status": view.status,
        }
        if view.note:
            text += " " + view.note
        base = getattr(settings, "GRIDGOV_PUBLIC_URL", "")
        if base:
            text += " " + base.rstrip("/") + f"/s/r/{matter.receipt}/"
    notifications.text_phone(contact, text)


def handoff(
    matter: Matter, name: str, *, actor, note: str = "", unit_ids=(), tier: int | None = None
) -> None:
    """Tells whoever must act next after step `name` (the matter already moved), and marks
    done the notices that asked for the step before. The one place that decides who is told
    what about a matter (docs/matters.md); called inside the step's transaction by
    `transition`, `report_matter` and the escalation ladder. `unit_ids`: the units a
    dispatch or a meeting resolution gave the matter to; `tier`: where an escalation took it."""
    from gridgov.notifications import actions as notifications
    from gridgov.notifications.models import Kind

    from .models import Tier

    me = actor if is_user(actor) else None
    matter = Matter.objects.select_related("category", "reporter", "handler").get(pk=matter.pk)
    if name == "report":
        staff = roles.nearest_holders(matter.region_path, {R.COMMUNITY_STAFF, R.STREET_STAFF})
        notifications.notify(staff, Kind.REPORTED, matter, note[:120], exclude=me)
        return
    if name == "escalate":  # the state stays: the notices of the step before still wait
        if tier == Tier.COMMUNITY:
            users = notifications.staff_over(matter.region_path, (R.COMMUNITY_STAFF,))
            if matter.handling_unit_id:
                users += notifications.unit_handlers(matter.handling_unit_id, matter.region_path)
            notifications.notify(users, Kind.OVERDUE, matter, "", sms=True)
        else:
            users = notifications.staff_over(matter.region_path, (R.STREET_STAFF,))
            notifications.notify(users, Kind.ESCALATED, matter, str(Tier(tier).label), sms=True)
        return
    if name == "approve_extension":
        notifications.settle(matter, {Kind.EXTENSION})
        return
    if name == "request_extension":
        staff = notifications.staff_over(matter.region_path)
        notifications.notify(staff, Kind.EXTENSION, matter, note, exclude=me)
        return
    notifications.settle(matter)
    if name in ("dispatch", "meeting"):
        for unit_id in unit_ids:
            users = notifications.unit_handlers(unit_id, matter.region_path)
            notifications.notify(users, Kind.DISPATCHED, matter, note, sms=True, exclude=me)
    elif name == "handle":
        users = [u for u in _checkers_of(matter) if u.pk != matter.handler_id]
        notifications.notify(users, Kind.TO_VERIFY, matter, note, exclude=me)
    elif name == "rework" and matter.handler_id:
        notifications.notify([matter.handler], Kind.REWORK, matter, note, sms=True, exclude=me)
    elif name == "verify":
        staff = roles.nearest_holders(matter.region_path, {R.COMMUNITY_STAFF, R.STREET_STAFF})
        notifications.notify(staff, Kind.TO_CLOSE, matter, note, exclude=me)
    elif name in ("close", "reject", "merge"):
        if matter.reporter_id:
            notifications.notify(
                [matter.reporter], Kind.OUTCOME, matter, _outcome_text(matter, note), exclude=me
            )
        else:
            _tell_public_reporter(matter)


def transition(matter: Matter, name: str, *, actor, version: int | None = None, **fields):
    """Moves `matter` by transition `name`. `version` is the version the actor saw: if the
    matter changed since, Conflict. Returns the fresh matter."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise NotFound(_("No such action."))
    _check(actor, t, matter, fields)
    public_note = _public_note(t, matter, fields.get("public_note"))
    from . import photos

    cleaned_photos = photos.clean_all(fields.get("photos"))
    if version is not None and version != matter.version:
        raise Conflict(_("Someone else changed this matter meanwhile; reload and try again."))
    now = timezone.now()
    changes: dict = {}
    note = parsing.text(
        fields.get("note") or fields.get("reason") or "", "note", max_length=2000, multiline=True
    )
    data: dict = {}

    if name == "register":
        changes["registered_at"] = now
        changes["deadline"] = calendar.deadline_after(now, matter.category.deadline_days)
        if fields.get("priority") is not None:
            if fields["priority"] not in Priority.values:
                raise Invalid(_("Unknown priority."))
            changes["priority"] = fields["priority"]
    elif name == "dispatch":
        unit = fields["unit"]
        changes["handling_unit_id"] = unit.pk
        data["unit"] = unit.name
    elif name == "accept":
        changes["handler_id"] = actor.pk if is_user(actor) else None
    elif name == "handle":
        changes["handled_at"] = now
        changes["handler_id"] = actor.pk if is_user(actor) else matter.handler_id
    elif name == "request_extension":
        until = fields["until"]
        if (
            not isinstance(until, datetime.date)
            or matter.deadline is None
            or (calendar.end_of_day(until) <= matter.deadline)
        ):
            raise Invalid(_("The new deadline must be a date after the current one."))
        changes["extension_until"] = until
        data["until"] = until.isoformat()
    elif name == "approve_extension":
        if matter.extension_until is None:
            raise Conflict(_("No extension has been requested."))
        changes["deadline"] = calendar.end_of_day(matter.extension_until)
        changes["extension_until"] = None
        changes["extension_count"] = F("extension_count") + 1
        data["until"] = matter.extension_until.isoformat()
    elif name == "verify":
        changes["verifier_id"] = actor.pk if is_user(actor) else None
    elif name == "rework":
        changes["rework_count"] = F("rework_count") + 1
        changes["handled_at"] = None
    elif name == "close":
        changes["closed_at"] = now
    elif name == "evaluate":
        try:
            rating = parsing.integer(fields["rating"], minimum=1, maximum=5)
        except Invalid:
            raise Invalid(_("A rating is a whole number from 1 to 5.")) from None
        changes["rating"] = rating
        data["rating"] = rating
    elif name == "merge":
        target = fields["duplicate_of"]
        if target.pk == matter.pk:
            raise Invalid(_("A matter cannot be merged into itself; pick the other report."))
        if target.state not in OPEN_STATES or target.merged_into_id:
            raise Invalid(_("A matter can only be merged into another open matter."))
        changes["merged_into_id"] = target.pk
        data["duplicate_of"] = target.code

    if t.target is not None:
        changes["state"] = t.target
    with transaction.atomic():
        updated = Matter.objects.filter(pk=matter.pk, version=matter.version).update(
            version=F("version") + 1, updated_at=now, **changes
        )
        if not updated:
            raise Conflict(_("Someone else changed this matter meanwhile; reload and try again."))
        event = MatterEvent.objects.create(
            matter=matter,
            transition=name,
            from_state=matter.state,
            to_state=t.target or matter.state,
            actor=actor if is_user(actor) else None,
            actor_label=actor.get_username() if is_user(actor) else str(actor or "system"),
            note=note,
            public_note=public_note,
            data=data,
        )
        photos.attach(matter, cleaned_photos, event)
        handoff(
            matter,
            name,
            actor=actor,
            note=public_note or note,
            unit_ids=[changes["handling_unit_id"]] if name == "dispatch" else (),
        )
        audit.record(
            AuditAction.MATTER_TRANSITION,
            actor=actor,
            obj=matter,
            before={"state": matter.state, "version": matter.version},
            after={
                "transition": name,
                "state": t.target or matter.state,
                "note": note,
                **({"public_note": public_note} if public_note else {}),
                **data,
            },
        )
    return Matter.objects.get(pk=matter.pk)
