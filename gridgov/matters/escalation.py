"""Deadlines and escalation, and the meetings that resolve escalated matters.

The ladder: a running matter past its deadline goes to the community at once; still late
`WAIT_DAYS[tier]` working days after its last escalation, it goes one tier up: the street's
weekly meeting (交办), then the monthly meeting (商办), then the joint meeting with several
units (联办). A meeting resolution gives it units and a new deadline; if it runs late again
the ladder goes on from where it stands.

`sweep()` is idempotent and safe to run every minute (`gridgov sweep`): each escalation is a
conditional UPDATE on the tier it saw, so two sweeps at once move a matter one step, once.
Pages compute "overdue" from the deadline themselves, so a missed sweep hides nothing.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.actions import check_write, is_user
from gridgov.core.errors import Conflict, Invalid
from gridgov.core.models import AuditAction
from gridgov.regions.models import Level, Region

from . import calendar, workflow
from .models import (
    MEETING_TIERS,
    RUNNING_STATES,
    Matter,
    MatterEvent,
    Meeting,
    MeetingItem,
    MeetingState,
    State,
    Tier,
)

# working days a tier has before the matter moves up, if it is still late
WAIT_DAYS = {Tier.COMMUNITY: 3, Tier.WEEKLY: 10, Tier.MONTHLY: 20}


def due_tier(matter: Matter, now: datetime.datetime) -> int:
    """The tier an overdue matter should stand at now (one step at a time)."""
    if matter.state not in RUNNING_STATES or not matter.deadline or matter.deadline >= now:
        return matter.tier
    if matter.tier == Tier.GRID:
        return Tier.COMMUNITY
    if matter.tier >= Tier.JOINT:
        return matter.tier
    since = max(matter.escalated_at or matter.deadline, matter.deadline)
    waited = calendar.working_days_between(timezone.localdate(since), timezone.localdate(now))
    return matter.tier + 1 if waited >= WAIT_DAYS[matter.tier] else matter.tier


def street_of(path: str) -> Region | None:
    return Region.objects.filter(path=path[: 3 * Region.steplen], level=Level.STREET).first()


@dataclasses.dataclass
class SweepResult:
    checked: int = 0
    escalated: int = 0


def sweep(now: datetime.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    for matter in (
        Matter.objects.overdue(now).filter(tier__lt=Tier.JOINT).select_related("category")
    ):
        result.checked += 1
        target = due_tier(matter, now)
        if target > matter.tier and _escalate(matter, target, now):
            result.escalated += 1
    return result


def sweep_line() -> str:
    """`gridgov sweep`'s line for matters."""
    result = sweep()
    return f"checked {result.checked} overdue matters, escalated {result.escalated}"


def _escalate(matter: Matter, target: int, now) -> bool:
    with transaction.atomic():
        moved = Matter.objects.filter(pk=matter.pk, tier=matter.tier).update(
            tier=target, escalated_at=now
        )
        if not moved:  # another sweep did it
            return False
        MatterEvent.objects.create(
            matter=matter,
            transition="escalate",
            from_state=matter.state,
            to_state=matter.state,
            actor=None,
            actor_label="system:sweep",
            data={"from_tier": matter.tier, "to_tier": target},
        )
        workflow.handoff(matter, "escalate", actor="system:sweep", tier=target)
        audit.record(
            AuditAction.MATTER_ESCALATED,
            actor="system:sweep",
            obj=matter,
            before={"tier": matter.tier},
            after={"tier": target},
        )
    return True


# --- meetings -------------------------------------------------------------------------------


def call_meeting(region: Region, tier: int, held_on: datetime.date, *, actor) -> Meeting:
    """Calls a street's meeting of `tier`; its agenda is every running matter escalated to
    that tier in the street and not yet on another undecided agenda."""
    if tier not in MEETING_TIERS:
        raise Invalid(_("Meetings are weekly, monthly or joint."))
    if region.level != Level.STREET:
        raise Invalid(_("Meetings are held by a street."))
    check_write(actor, "meeting", region.path, read_kind="matter")
    pending = MeetingItem.objects.filter(decided_at__isnull=True).values("matter_id")
    matters = list(
        Matter.objects.under(region.path)
        .filter(tier=tier, state__in=RUNNING_STATES)
        .exclude(pk__in=pending)
        .order_by("deadline")
    )
    with transaction.atomic():
        meeting = Meeting.objects.create(
            tier=tier, region=region, region_path=region.path, held_on=held_on
        )
        MeetingItem.objects.bulk_create([MeetingItem(meeting=meeting, matter=m) for m in matters])
        audit.record(
            AuditAction.MEETING_CALLED,
            actor=actor,
            obj=meeting,
            after={"tier": tier, "held_on": held_on, "agenda": [m.code for m in matters]},
        )
    return meeting


def record_attendance(meeting: Meeting, names: list[str], *, actor) -> Meeting:
    check_write(actor, "meeting", meeting.region_path, read_kind="matter")
    names = [n.strip()[:64] for n in names if n and n.strip()]
    if not names:
        raise Invalid(_("List who attended."))
    with transaction.atomic():
        before = {"attendance": meeting.attendance, "state": meeting.state}
        meeting.attendance = names
        meeting.state = MeetingState.HELD
        meeting.save(update_fields=["attendance", "state"])
        audit.record(
            AuditAction.MEETING_HELD,
            actor=actor,
            obj=meeting,
            before=before,
            after={"attendance": names},
        )
    return meeting


def resolve_item(item: MeetingItem, *, units, new_deadline: datetime.date, note: str, actor):
    """The meeting's resolution on one matter: the units assigned (the first leads), a new
    deadline and a note. The matter goes (back) to the lead unit with the new deadline."""
    meeting = item.meeting
    check_write(actor, "meeting", meeting.region_path, read_kind="matter")
    units = list(units)
    if item.decided_at:
        raise Conflict(_("This item is already decided."))
    if not units:
        raise Invalid(_("Assign at least one unit."))
    if not isinstance(new_deadline, datetime.date) or new_deadline <= timezone.localdate():
        raise Invalid(_("The new deadline must be a later date."))
    matter = item.matter
    if matter.state not in RUNNING_STATES:
        raise Conflict(_("The matter is no longer running."))
    now = timezone.now()
    lead = units[0]
    changes = {"deadline": calendar.end_of_day(new_deadline), "handling_unit_id": lead.pk}
    if matter.state == State.REGISTERED or matter.handling_unit_id != lead.pk:
        changes["state"] = State.DISPATCHED
        changes["handler_id"] = None
    with transaction.atomic():
        updated = Matter.objects.filter(pk=matter.pk, version=matter.version).update(
            version=matter.version + 1, updated_at=now, **changes
        )
        if not updated:
            raise Conflict(_("Someone else changed this matter meanwhile; reload and try again."))
        item.new_deadline = new_deadline
        item.note = (note or "")[:2000]
        item.decided_at = now
        item.save(update_fields=["new_deadline", "note", "decided_at"])
        item.units.set(units)
        data = {
            "meeting": meeting.pk,
            "tier": meeting.tier,
            "units": [u.name for u in units],
            "deadline": new_deadline.isoformat(),
        }
        MatterEvent.objects.create(
            matter=matter,
            transition="meeting",
            from_state=matter.state,
            to_state=changes.get("state", matter.state),
            actor=actor if is_user(actor) else None,
            actor_label=actor.get_username() if is_user(actor) else str(actor),
            note=item.note,
            data=data,
        )
        workflow.handoff(
            matter, "meeting", actor=actor, note=item.note, unit_ids=[u.pk for u in units]
        )
        audit.record(
            AuditAction.MEETING_RESOLVED,
            actor=actor,
            obj=matter,
            before={"state": matter.state, "deadline": matter.deadline},
            after=data,
        )
    return item
