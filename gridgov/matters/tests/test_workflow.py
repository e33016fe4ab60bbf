import datetime

import pytest
from django.utils import timezone

from gridgov.accounts import actions as account_actions
from gridgov.accounts.roles import Role
from gridgov.core import audit
from gridgov.core.errors import Conflict, Forbidden, Invalid, NotFound
from gridgov.core.models import AuditAction, AuditEntry
from gridgov.matters import calendar
from gridgov.matters.actions import MatterInput, report_matter
from gridgov.matters.models import Matter, State
from gridgov.matters.workflow import TRANSITIONS, allowed, transition
from gridgov.testing.world import english_client

D = datetime.date


def report(world, who="worker_a1", **kw):
    data = MatterInput(
        category=kw.pop("category", world.categories["fire_lane"]),
        description=kw.pop("description", "小区消防通道被车辆堵塞"),
        region=kw.pop("region", world.regions["grid_a1"]),
        **kw,
    )
    return report_matter(data, actor=world.user(who))


def to_state(world, matter, state):
    """Walks a matter along the happy path up to `state`."""
    steps = [
        ("register", "community_a", {}),
        ("dispatch", "community_a", {"unit": world.units["bureau"]}),
        ("accept", "handler", {}),
        ("handle", "handler", {"note": "已清理"}),
        ("verify", "worker_a1", {}),
        ("close", "community_a", {}),
        ("evaluate", "worker_a1", {"rating": 5}),
    ]
    for name, who, fields in steps:
        if matter.state == state:
            break
        if matter.state not in TRANSITIONS[name].sources:
            continue
        matter = transition(matter, name, actor=world.user(who), **fields)
    assert matter.state == state
    return matter


# --- working days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Friday → Monday
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # National Day week off
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Friday → the make-up Sunday
        (D(2026, 9, 19), 2, D(2026, 9, 21)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Saturday 14 February too
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # Spring Festival 15–23
        (D(2026, 12, 31), 1, D(2027, 1, 4)),  # 2027 New Year (provisional) then a weekend
    ],
)
def test_working_days_follow_the_holiday_calendar(db, start, n, expected):
    assert calendar.add_working_days(start, n) == expected


def test_deadline_is_the_end_of_the_nth_working_day(db):
    moment = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=datetime.UTC)
    deadline = calendar.deadline_after(moment, 3)
    assert deadline.date() == D(2026, 10, 10) and deadline.hour == 23  # 8, 9 and Sat 10 Oct
    assert calendar.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3


# --- reporting ------------------------------------------------------------------------------


def test_report_gives_a_code_a_receipt_and_an_audit_entry(world):
    m = report(world, attributes={"kind": "车辆"})
    year = timezone.localdate().year
    assert m.code == f"540402-{year}-000001" and m.state == State.REPORTED
    assert len(m.receipt) == 10 and m.reporter == world.users["worker_a1"]
    assert report(world).code == f"540402-{year}-000002"
    assert AuditEntry.objects.filter(action=AuditAction.MATTER_REPORTED).count() == 2
    assert [e.transition for e in m.events.all()] == ["report"]


def test_report_routes_a_location_to_its_grid(world):
    m = report(world, region=None, lat=29.655, lon=94.365)
    assert m.region.code == "540402001001001"
    with pytest.raises(Invalid, match="not in any grid"):
        report(world, region=None, lat=10.0, lon=10.0)
    with pytest.raises(Invalid):
        report(world, region=None)


def test_report_checks_extra_fields(world):
    with pytest.raises(Invalid) as exc:
        report(world, category=world.categories["dispute"], attributes={"x": 1})
    fields = {e["field"] for e in exc.value.errors}
    assert fields == {"x", "parties"}
    with pytest.raises(Invalid):
        report(world, attributes={"kind": "飞机"})
    m = report(world, category=world.categories["dispute"], attributes={"parties": "3"})
    assert m.attributes == {"parties": 3.0}


def test_report_outside_scope_is_refused_and_changes_nothing(world):
    before = Matter.objects.count()
    with pytest.raises(NotFound):
        report(world, region=world.regions["grid_a2"])
    with pytest.raises(NotFound):  # routed by location into the next grid
        report(world, region=None, lat=29.655, lon=94.375)
    with pytest.raises(Forbidden):
        report(world, who="leader")
    assert Matter.objects.count() == before


# --- the lifecycle -------------------------------------------------------------------------


def test_a_matter_lives_its_whole_life(world):
    m = report(world)
    m = transition(m, "register", actor=world.user("community_a"))
    assert m.deadline is not None and m.registered_at is not None
    m = transition(m, "dispatch", actor=world.user("community_a"), unit=world.units["bureau"])
    assert m.handling_unit == world.units["bureau"]
    m = transition(m, "accept", actor=world.user("handler"))
    m = transition(m, "handle", actor=world.user("handler"), note="已清理通道")
    assert m.handler == world.users["handler"]
    m = transition(m, "verify", actor=world.user("worker_a1"))
    m = transition(m, "close", actor=world.user("community_a"))
    m = transition(m, "evaluate", actor=world.user("worker_a1"), rating=5)
    assert m.state == State.EVALUATED and m.rating == 5 and m.closed_at
    assert [e.transition for e in m.events.all()] == [
        "report",
        "register",
        "dispatch",
        "accept",
        "handle",
        "verify",
        "close",
        "evaluate",
    ]
    assert audit.verify_chain().ok


def test_the_handler_may_not_verify(world):
    m = to_state(world, report(world), State.HANDLED)
    # the handler also sits as community staff: still refused, and told why
    account_actions.assign_role(
        world.user("handler"), Role.COMMUNITY_STAFF, world.regions["community_a"], actor="test"
    )
    handler = world.user("handler")
    assert "verify" not in [t.name for t in allowed(handler, m)]
    with pytest.raises(Forbidden, match="whoever handled a matter may not verify it"):
        transition(m, "verify", actor=handler)
    with pytest.raises(Forbidden, match="may not verify"):
        transition(m, "rework", actor=handler, reason="x")
    assert Matter.objects.get(pk=m.pk).state == State.HANDLED


def test_the_reporter_may_not_handle(world):
    # the grid worker is also a handler for the bureau, and reported the matter
    account_actions.assign_role(
        world.user("worker_a1"),
        Role.DEPARTMENT_HANDLER,
        world.regions["district"],
        unit=world.units["bureau"],
        actor="test",
    )
    m = to_state(world, report(world), State.DISPATCHED)
    with pytest.raises(Forbidden, match="whoever reported a matter may not handle it"):
        transition(m, "accept", actor=world.user("worker_a1"))
    assert transition(m, "accept", actor=world.user("handler")).state == State.IN_HAND


def test_only_the_units_handlers_take_a_matter(world):
    from gridgov.people.actions import create_unit

    other = create_unit(world.regions["district"], "巴宜区公安分局", "agency", actor="test")
    m = to_state(world, report(world), State.REGISTERED)
    m = transition(m, "dispatch", actor=world.user("community_a"), unit=other)
    with pytest.raises((Forbidden, NotFound)):
        transition(m, "accept", actor=world.user("handler"))


def test_an_invalid_transition_is_a_conflict_and_changes_nothing(world):
    m = report(world)
    entries = AuditEntry.objects.count()
    with pytest.raises(Conflict, match="cannot be"):
        transition(m, "close", actor=world.user("community_a"))
    with pytest.raises(NotFound):
        transition(m, "teleport", actor=world.user("community_a"))
    with pytest.raises(Invalid, match="Required"):
        transition(m, "reject", actor=world.user("community_a"))
    with pytest.raises(Forbidden):
        transition(m, "register", actor=world.user("leader"))
    fresh = Matter.objects.get(pk=m.pk)
    assert (fresh.state, fresh.version) == (State.REPORTED, 1)
    assert AuditEntry.objects.count() == entries


def test_a_stale_version_is_refused(world):
    m = report(world)
    transition(m, "register", actor=world.user("community_a"), version=1)
    with pytest.raises(Conflict, match="changed this matter"):
        transition(m, "reject", actor=world.user("community_a"), version=1, reason="重复")
    with pytest.raises(Conflict):  # the in-memory copy is stale too
        transition(m, "reject", actor=world.user("community_a"), reason="重复")


def test_rework_goes_back_to_the_handler_and_is_counted(world):
    m = to_state(world, report(world), State.HANDLED)
    m = transition(m, "rework", actor=world.user("worker_a1"), reason="仍有车辆")
    assert m.state == State.IN_HAND and m.rework_count == 1 and m.handled_at is None
    m = transition(m, "handle", actor=world.user("handler"), note="已拖离")
    m = transition(m, "verify", actor=world.user("worker_a1"))
    assert m.state == State.VERIFIED and m.rework_count == 1


def test_extension_is_requested_by_the_handler_and_approved_by_staff(world):
    m = to_state(world, report(world), State.IN_HAND)
    old = m.deadline
    with pytest.raises(Invalid):
        transition(
            m,
            "request_extension",
            actor=world.user("handler"),
            until=old.date() - datetime.timedelta(days=1),
            reason="x",
        )
    m = transition(
        m,
        "request_extension",
        actor=world.user("handler"),
        until=old.date() + datetime.timedelta(days=10),
        reason="需协调车主",
    )
    assert m.extension_until and m.deadline == old
    with pytest.raises(Forbidden):
        transition(m, "approve_extension", actor=world.user("handler"))
    m = transition(m, "approve_extension", actor=world.user("community_a"))
    assert m.deadline.date() == old.date() + datetime.timedelta(days=10)
    assert m.extension_count == 1 and m.extension_until is None


def test_reject_and_merge(world):
    a, b, c = report(world), report(world), report(world)
    b = transition(b, "merge", actor=world.user("community_a"), duplicate_of=a)
    assert b.state == State.MERGED and b.merged_into == a
    with pytest.raises(Invalid):
        transition(c, "merge", actor=world.user("community_a"), duplicate_of=b)
    c = transition(c, "reject", actor=world.user("community_a"), reason="不属于受理范围")
    assert c.state == State.REJECTED
    assert c.events.last().note == "不属于受理范围"


def test_overdue_is_computed_live(world):
    m = to_state(world, report(world), State.DISPATCHED)
    assert not m.is_overdue and not Matter.objects.overdue().exists()
    Matter.objects.filter(pk=m.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    m.refresh_from_db()
    assert m.is_overdue and list(Matter.objects.overdue()) == [m]
    m = to_state(world, m, State.HANDLED)
    assert not m.is_overdue  # the clock stops when the handler reports back


def test_matters_are_scoped(world):
    m = report(world)
    assert list(Matter.objects.visible_to(world.user("worker_a1"))) == [m]
    assert not Matter.objects.visible_to(world.user("worker_a2")).exists()
    assert not Matter.objects.visible_to(world.user("street_b")).exists()
    assert list(Matter.objects.visible_to(world.user("leader"))) == [m]
    # a department handler sees it once it is dispatched to their unit
    assert not Matter.objects.visible_to(world.user("handler")).exists()
    m = to_state(world, m, State.DISPATCHED)
    assert list(Matter.objects.visible_to(world.user("handler"))) == [m]


def test_every_transition_declares_roles_and_sources():
    for t in TRANSITIONS.values():
        assert t.sources and t.roles, t.name


# --- notes for the reporter (shown publicly) --------------------------------------------------


def test_a_public_note_is_kept_apart_from_the_internal_one(world):
    m = to_state(world, report(world), State.VERIFIED)
    m = transition(
        m,
        "close",
        actor=world.user("community_a"),
        note="内部：已约谈车主",
        public_note="  占道车辆已移走。 ",
    )
    event = m.events.last()
    assert event.note == "内部：已约谈车主" and event.public_note == "占道车辆已移走。"
    entry = AuditEntry.objects.filter(action=AuditAction.MATTER_TRANSITION).first()  # newest
    assert entry.after["public_note"] == "占道车辆已移走。"


@pytest.mark.parametrize(
    "step, state, public_note, words",
    [
        ("register", State.REPORTED, "已登记", "takes no note for the reporter"),
        ("close", State.VERIFIED, "请联系车主13908940001", "phone"),
        ("close", State.VERIFIED, "长" * 501, "500"),
        # a vertical tab would make Open311's XML unreadable for every client
        ("close", State.VERIFIED, "已处理\x0b完毕", "control characters"),
    ],
)
def test_bad_public_notes_are_refused_and_change_nothing(world, step, state, public_note, words):
    m = to_state(world, report(world), state)
    events = m.events.count()
    with pytest.raises(Invalid) as refused:
        transition(m, step, actor=world.user("community_a"), public_note=public_note)
    assert words in refused.value.message
    m.refresh_from_db()
    assert m.state == state and m.events.count() == events


def test_a_sensitive_categorys_matter_takes_no_public_note(world):
    m = report(world, category=world.categories["dispute"], attributes={"parties": 2})
    with pytest.raises(Invalid) as refused:
        transition(m, "reject", actor=world.user("community_a"), reason="x", public_note="已处理")
    assert "sensitive" in refused.value.message
    assert Matter.objects.get(pk=m.pk).state == State.REPORTED


def test_the_close_form_takes_a_public_note(world):
    m = to_state(world, report(world), State.VERIFIED)
    c = english_client()
    c.force_login(world.users["community_a"])
    page = c.get(f"/matters/{m.code}/").content.decode()
    assert 'name="public_note"' in page and "shown publicly" in page
    done = c.post(
        f"/matters/{m.code}/do/close/", {"version": m.version, "public_note": "已清理完毕。"}
    )
    assert done.status_code == 302
    assert Matter.objects.get(pk=m.pk).events.last().public_note == "已清理完毕。"
    assert "已清理完毕。" in c.get(f"/matters/{m.code}/").content.decode()
    refused = c.post(f"/matters/{m.code}/do/evaluate/", {"rating": "5", "public_note": "x"})
    assert refused.status_code == 400 and Matter.objects.get(pk=m.pk).state == State.CLOSED
