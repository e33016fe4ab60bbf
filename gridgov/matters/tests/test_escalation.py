import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from gridgov.core.errors import Conflict, Forbidden, Invalid, NotFound
from gridgov.matters import escalation
from gridgov.matters.models import Matter, MeetingState, State, Tier
from gridgov.matters.tests.test_workflow import report, to_state
from gridgov.notifications.models import Kind, Notification

DAY = datetime.timedelta(days=1)


def late(world, days_late=1, state=State.DISPATCHED):
    m = to_state(world, report(world), state)
    Matter.objects.filter(pk=m.pk).update(deadline=timezone.now() - days_late * DAY)
    m.refresh_from_db()
    return m


def test_sweep_climbs_the_ladder_one_step_at_a_time(world):
    m = late(world)
    now = timezone.now()
    assert escalation.sweep(now).escalated == 1
    m.refresh_from_db()
    assert m.tier == Tier.COMMUNITY
    assert Notification.objects.filter(kind=Kind.OVERDUE, user=world.users["community_a"]).exists()
    assert Notification.objects.filter(kind=Kind.OVERDUE, user=world.users["handler"]).exists()
    # idempotent: nothing more until the community's window has passed
    assert escalation.sweep(now).escalated == 0
    later = now + 6 * DAY  # at least 3 working days whatever the weekday
    assert escalation.sweep(later).escalated == 1
    m.refresh_from_db()
    assert m.tier == Tier.WEEKLY
    assert Notification.objects.filter(kind=Kind.ESCALATED, user=world.users["street_a"]).exists()
    assert not Notification.objects.filter(user=world.users["street_b"]).exists()
    for _ in range(3):
        later += 40 * DAY
        escalation.sweep(later)
    m.refresh_from_db()
    assert m.tier == Tier.JOINT
    assert [e.transition for e in m.events.all()].count("escalate") == 4


def test_matters_on_time_or_handled_do_not_escalate(world):
    on_time = to_state(world, report(world), State.DISPATCHED)
    done = late(world, state=State.HANDLED)
    escalation.sweep()
    on_time.refresh_from_db(), done.refresh_from_db()
    assert on_time.tier == done.tier == Tier.GRID


def test_sweep_command(world, capsys):
    late(world)
    call_command("sweep")
    call_command("sweep")
    out = [line for line in capsys.readouterr().out.splitlines() if "matters" in line]
    assert out == [
        "checked 1 overdue matters, escalated 1",
        "checked 1 overdue matters, escalated 0",
    ]


def weekly(world):
    m = late(world)
    Matter.objects.filter(pk=m.pk).update(tier=Tier.WEEKLY, escalated_at=timezone.now())
    m.refresh_from_db()
    return m


def test_meeting_agenda_attendance_and_resolution(world):
    m = weekly(world)
    other = weekly(world)
    Matter.objects.filter(pk=other.pk).update(
        region=world.regions["grid_b1"], region_path=world.regions["grid_b1"].path
    )
    street = world.regions["street_a"]
    meeting = escalation.call_meeting(
        street, Tier.WEEKLY, timezone.localdate(), actor=world.user("street_a")
    )
    assert [i.matter for i in meeting.items.all()] == [m]  # the other street's is not on it
    # already on an undecided agenda: not on a second one
    second = escalation.call_meeting(
        street, Tier.WEEKLY, timezone.localdate(), actor=world.user("street_a")
    )
    assert not second.items.exists()
    escalation.record_attendance(
        meeting, ["街道党工委书记", "住建局副局长", ""], actor=world.user("street_a")
    )
    assert meeting.state == MeetingState.HELD and len(meeting.attendance) == 2
    item = meeting.items.get()
    new = timezone.localdate() + 10 * DAY
    escalation.resolve_item(
        item,
        units=[world.units["bureau"]],
        new_deadline=new,
        note="住建局牵头，十日内清理",
        actor=world.user("street_a"),
    )
    m.refresh_from_db()
    assert m.deadline.date() == new and not m.is_overdue and m.tier == Tier.WEEKLY
    assert m.events.last().transition == "meeting"
    with pytest.raises(Conflict):
        escalation.resolve_item(
            item,
            units=[world.units["bureau"]],
            new_deadline=new,
            note="",
            actor=world.user("street_a"),
        )


def test_meeting_rules(world):
    weekly(world)
    street = world.regions["street_a"]
    with pytest.raises(Invalid):
        escalation.call_meeting(
            world.regions["community_a"], Tier.WEEKLY, timezone.localdate(), actor="test"
        )
    with pytest.raises(Invalid):
        escalation.call_meeting(street, Tier.COMMUNITY, timezone.localdate(), actor="test")
    with pytest.raises(NotFound):
        escalation.call_meeting(
            street, Tier.WEEKLY, timezone.localdate(), actor=world.user("street_b")
        )
    with pytest.raises(Forbidden):
        escalation.call_meeting(
            street, Tier.WEEKLY, timezone.localdate(), actor=world.user("leader")
        )
    meeting = escalation.call_meeting(street, Tier.WEEKLY, timezone.localdate(), actor="test")
    item = meeting.items.get()
    with pytest.raises(Invalid):
        escalation.resolve_item(
            item, units=[], new_deadline=timezone.localdate() + DAY, note="", actor="test"
        )
    with pytest.raises(Invalid):
        escalation.resolve_item(
            item,
            units=[world.units["bureau"]],
            new_deadline=timezone.localdate(),
            note="",
            actor="test",
        )


def test_meeting_pages_and_agenda_export(world):
    m = weekly(world)
    c = Client()
    c.force_login(world.users["street_a"])
    response = c.post(
        "/matters/meetings/",
        {"region": "540402001", "tier": "2", "held_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    page = c.get(response["Location"]).content.decode()
    assert m.code in page
    xlsx = c.get(response["Location"] + "agenda.xlsx")
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert m.code in [row[0] for row in ws.iter_rows(values_only=True)]
    meeting_url = response["Location"]
    item = m.meeting_items.get()
    bad = c.post(meeting_url + f"items/{item.pk}/", {"units": [], "new_deadline": "x"})
    assert bad.status_code == 400
    ok = c.post(
        meeting_url + f"items/{item.pk}/",
        {
            "units": [world.units["bureau"].pk],
            "new_deadline": (timezone.localdate() + 7 * DAY).isoformat(),
            "note": "限期办结",
        },
    )
    assert ok.status_code == 302
    assert c.post(meeting_url + "attendance/", {"attendance": "张三\n李四"}).status_code == 302
    assert Client().get(meeting_url).status_code == 302
    leader = Client()
    leader.force_login(world.users["leader"])
    assert leader.get(meeting_url).status_code == 200
    assert (
        leader.post(
            "/matters/meetings/", {"region": "540402001", "tier": "2", "held_on": "2026-12-01"}
        ).status_code
        == 403
    )
    other = Client()
    other.force_login(world.users["street_b"])
    assert other.get(meeting_url).status_code == 404


def test_agenda_cells_are_text_never_formulas(world):
    m = weekly(world)
    formula = '=HYPERLINK("http://x","y")'
    Matter.objects.filter(pk=m.pk).update(description=formula)
    meeting = escalation.call_meeting(
        world.regions["street_a"], Tier.WEEKLY, timezone.localdate(), actor="test"
    )
    c = Client()
    c.force_login(world.users["street_a"])
    xlsx = c.get(f"/matters/meetings/{meeting.pk}/agenda.xlsx")
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    row = next(r for r in ws.iter_rows() if r[0].value == m.code)
    description = row[7]
    assert description.data_type == "s" and description.value == "'" + formula
    assert not any(cell.data_type == "f" for r in ws.iter_rows() for cell in r)
    assert row[5].data_type == "n"  # days overdue stays a number
