"""Visits and patrols at the action level: scope, validation (nothing changes on a
refusal), audit, the due-visit rule, one open patrol per worker."""

import datetime

import pytest
from django.utils import timezone

from gridgov.core.errors import Conflict, Forbidden, Invalid, NotFound
from gridgov.core.models import AuditAction, AuditEntry
from gridgov.matters.models import Matter
from gridgov.people import actions as people
from gridgov.people.models import SpecialGroup
from gridgov.visits import actions, queries
from gridgov.visits.models import Need, Patrol, PatrolPoint, Visit

pytestmark = pytest.mark.django_db

# grid A1 is the square 94.36–94.37 E, 29.65–29.66 N (gridgov.testing.world)
INSIDE = (29.655, 94.365)
OUTSIDE = (29.655, 94.375)  # in grid A2


def audit_count(action):
    return AuditEntry.objects.filter(action=action).count()


def test_worker_records_a_visit_in_their_grid_with_audit(world):
    worker = world.user("worker_a1")
    h = world.households["h_a1"]
    visit = actions.record_visit(
        h,
        actor=worker,
        met=[world.residents["tashi"]],
        notes="身体不错",
        needs=[actions.NeedInput("楼道灯坏了", world.categories["fire_lane"])],
    )
    assert visit.region_path == h.region_path and visit.worker == worker
    assert [r.name for r in visit.met.all()] == ["扎西"]
    assert [n.description for n in visit.needs.all()] == ["楼道灯坏了"]
    entry = AuditEntry.objects.get(action=AuditAction.VISIT_RECORDED)
    assert entry.actor == worker and entry.after["needs"] == ["楼道灯坏了"]


def test_the_next_grids_household_is_not_found_and_nothing_is_written(world):
    with pytest.raises(NotFound):
        actions.record_visit(
            world.households["h_a2"], actor=world.user("worker_a1"), nobody_home=True
        )
    with pytest.raises(Forbidden):  # a leader reads, never writes
        actions.record_visit(world.households["h_a1"], actor=world.user("leader"), nobody_home=True)
    assert Visit.objects.count() == 0 and audit_count(AuditAction.VISIT_RECORDED) == 0


def test_liaison_visits_in_their_building(world):
    visit = actions.record_visit(
        world.households["h_a1"], actor=world.user("liaison_a1"), nobody_home=True
    )
    assert visit.nobody_home


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({}, "met"),  # neither met nor nobody home
        ({"nobody_home": True, "met": ["tashi"]}, "met"),
        ({"met": ["dawa"]}, "met"),  # not of this household
        ({"nobody_home": True, "visited_at": "2099-01-01T10:00:00+08:00"}, "visited_at"),
        ({"nobody_home": True, "visited_at": "2020-01-01T10:00:00+08:00"}, "visited_at"),
        ({"nobody_home": True, "needs": [actions.NeedInput("x" * 501)]}, "needs.0.description"),
        ({"nobody_home": True, "notes": "a\x00b"}, "notes"),
    ],
)
def test_bad_visits_are_refused_with_the_field_and_change_nothing(world, kwargs, field):
    if "met" in kwargs:
        kwargs["met"] = [world.residents[k] for k in kwargs["met"]]
    with pytest.raises(Invalid) as exc:
        actions.record_visit(world.households["h_a1"], actor=world.user("worker_a1"), **kwargs)
    assert exc.value.errors[0]["field"] == field
    assert Visit.objects.count() == 0 and Need.objects.count() == 0


def test_a_need_becomes_a_matter_once_through_the_matters_reporting(world):
    worker = world.user("worker_a1")
    visit = actions.record_visit(
        world.households["h_a1"],
        actor=worker,
        nobody_home=True,
        needs=[actions.NeedInput("消防通道被杂物堵了", world.categories["fire_lane"])],
    )
    need = visit.needs.get()
    matter = actions.report_need(need, actor=worker)
    assert matter.reporter == worker and matter.region == world.households["h_a1"].region
    assert "消防通道被杂物堵了" in matter.description and matter.state == "reported"
    assert Matter.objects.get(pk=matter.pk).visit_need.visit == visit  # links back
    assert audit_count(AuditAction.MATTER_REPORTED) == 1
    assert audit_count(AuditAction.VISIT_NEED_REPORTED) == 1
    with pytest.raises(Conflict):
        actions.report_need(Need.objects.get(pk=need.pk), actor=worker)
    assert Matter.objects.count() == 1


def test_a_need_whose_category_needs_details_is_refused_until_given(world):
    worker = world.user("worker_a1")
    visit = actions.record_visit(
        world.households["h_a1"],
        actor=worker,
        nobody_home=True,
        needs=[actions.NeedInput("邻居噪音纠纷")],
    )
    need = visit.needs.get()
    with pytest.raises(Invalid):  # no category yet
        actions.report_need(need, actor=worker)
    with pytest.raises(Invalid) as exc:  # the dispute category wants the number of parties
        actions.report_need(need, actor=worker, category=world.categories["dispute"])
    assert exc.value.errors[0]["field"] == "parties"
    assert Matter.objects.count() == 0 and not Need.objects.get(pk=need.pk).matter_id
    matter = actions.report_need(
        need, actor=worker, category=world.categories["dispute"], attributes={"parties": 2}
    )
    assert matter.category == world.categories["dispute"]


def _in_group(world, key, group):
    people.set_special_groups(world.residents[key], [group], actor="system:test")


def test_households_fall_due_by_their_groups_frequency(world):
    worker = world.user("worker_a1")
    today = timezone.localdate()
    # tashi is a veteran (visited every 90 days) and has never been visited
    assert [(d.household, d.every) for d in queries.due_households(worker, today=today)] == [
        (world.households["h_a1"], 90)
    ]
    _in_group(world, "zhang", "elderly_alone")  # every 7 days: the shortest counts
    due = queries.due_households(worker, today=today)
    assert [(d.household, d.every, d.state(today)) for d in due] == [
        (world.households["h_a1"], 7, queries.OVERDUE)  # never visited
    ]
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    actions.record_visit(
        world.households["h_a1"], actor=worker, nobody_home=True, visited_at=eight_days_ago
    )
    assert [d.state(today) for d in queries.due_households(worker, today=today)] == [queries.DUE]
    assert (
        queries.due_households(worker, today=today + datetime.timedelta(days=7))[0].state(
            today + datetime.timedelta(days=7)
        )
        == queries.OVERDUE
    )
    actions.record_visit(world.households["h_a1"], actor=worker, nobody_home=True)
    assert queries.due_households(worker, today=today) == []
    # the next grid's worker does not see this household at all
    assert queries.due_households(world.user("worker_a2"), today=today) == []


def test_frequency_is_set_by_a_system_admin_only(world):
    group = SpecialGroup.objects.get(code="veteran")
    assert group.visit_every_days == 90  # the migration's default
    with pytest.raises(Forbidden):
        actions.set_visit_frequency(group, 30, actor=world.user("street_a"))
    with pytest.raises(Invalid):
        actions.set_visit_frequency(group, 0, actor=world.user("admin"))
    actions.set_visit_frequency(group, 30, actor=world.user("admin"))
    assert SpecialGroup.objects.get(code="veteran").visit_every_days == 30


def test_a_patrol_start_points_end_with_audit(world):
    worker = world.user("worker_a1")
    patrol = actions.start_patrol(world.regions["grid_a1"], actor=worker)
    now = timezone.now()
    added = actions.add_points(
        patrol,
        [
            actions.PointInput(*INSIDE, at=now),
            actions.PointInput(29.656, 94.365, at=now + datetime.timedelta(seconds=30)),
            actions.PointInput(*OUTSIDE, at=now + datetime.timedelta(seconds=60)),
        ],
        actor=worker,
    )
    assert added == 3
    # the same points again (a phone resending its backlog) add nothing
    again = actions.add_points(patrol, [actions.PointInput(*INSIDE, at=now)], actor=worker)
    assert again == 0 and PatrolPoint.objects.count() == 3
    assert list(patrol.points.values_list("inside", flat=True)) == [True, True, False]
    patrol = actions.end_patrol(
        patrol, actor=worker, at=now + datetime.timedelta(minutes=2), notes="正常"
    )
    assert not patrol.is_open and 900 < patrol.distance_m < 1200
    assert patrol.points_count == 3 and patrol.points_outside == 1
    assert [e.action for e in AuditEntry.objects.filter(action__gte=610).order_by("id")] == [
        AuditAction.PATROL_STARTED,
        AuditAction.PATROL_POINTS_ADDED,
        AuditAction.PATROL_ENDED,
    ]
    with pytest.raises(Conflict):
        actions.add_points(patrol, [actions.PointInput(*INSIDE)], actor=worker)


def test_one_open_patrol_per_worker(world):
    worker = world.user("worker_a1")
    actions.start_patrol(world.regions["grid_a1"], actor=worker)
    with pytest.raises(Conflict):
        actions.start_patrol(world.regions["grid_a1"], actor=worker)
    assert Patrol.objects.count() == 1


def test_patrols_are_scoped_and_walked_by_their_walker_only(world):
    with pytest.raises(NotFound):
        actions.start_patrol(world.regions["grid_a2"], actor=world.user("worker_a1"))
    with pytest.raises(Forbidden):
        actions.start_patrol(world.regions["grid_a1"], actor=world.user("leader"))
    with pytest.raises(Invalid):  # a community is not a grid
        actions.start_patrol(world.regions["community_a"], actor=world.user("community_a"))
    patrol = actions.start_patrol(world.regions["grid_a1"], actor=world.user("police_a1"))
    with pytest.raises(Forbidden):  # the grid worker sees it but did not walk it
        actions.end_patrol(patrol, actor=world.user("worker_a1"))
    with pytest.raises(NotFound):
        actions.end_patrol(patrol, actor=world.user("worker_a2"))
    assert Patrol.objects.get().is_open
    assert Patrol.objects.visible_to(world.user("worker_a2")).count() == 0
    assert Patrol.objects.visible_to(world.user("community_a")).count() == 1


def test_bad_points_are_refused_and_nothing_is_added(world):
    worker = world.user("worker_a1")
    patrol = actions.start_patrol(world.regions["grid_a1"], actor=worker)
    for bad in [
        [actions.PointInput(91, 94.365)],
        [actions.PointInput(*INSIDE, at="2099-01-01T00:00:00Z")],
        [actions.PointInput(*INSIDE, at=patrol.started_at - datetime.timedelta(hours=1))],
        [actions.PointInput(*INSIDE, accuracy=-1)],
        [],
    ]:
        with pytest.raises(Invalid):
            actions.add_points(patrol, bad, actor=worker)
    assert PatrolPoint.objects.count() == 0 and Patrol.objects.get().points_count == 0


def test_matters_on_the_way_and_linked_by_hand(world):
    from gridgov.matters.actions import MatterInput, report_matter

    worker = world.user("worker_a1")
    before = report_matter(
        MatterInput(world.categories["fire_lane"], "早先的", region=world.regions["grid_a1"]),
        actor=world.user("community_a"),
    )
    patrol = actions.start_patrol(world.regions["grid_a1"], actor=worker)
    on_way = report_matter(
        MatterInput(world.categories["fire_lane"], "路上发现", region=world.regions["grid_a1"]),
        actor=worker,
    )
    viewer = world.user("community_a")
    assert list(patrol.matters_on_the_way(viewer)) == [on_way]
    assert actions.link_matter(patrol, before, actor=worker) is True
    assert actions.link_matter(patrol, before, actor=worker) is False
    assert set(patrol.matters_on_the_way(viewer)) == {on_way, before}
    assert audit_count(AuditAction.PATROL_MATTER_LINKED) == 1


def test_a_finished_walk_is_recorded_at_once(world):
    worker = world.user("worker_a1")
    start = timezone.now() - datetime.timedelta(days=3)
    points = [
        actions.PointInput(29.651 + i * 0.001, 94.365, at=start + datetime.timedelta(minutes=i))
        for i in range(8)
    ]
    patrol = actions.record_patrol(
        world.regions["grid_a1"],
        worker=worker,
        started_at=start,
        ended_at=start + datetime.timedelta(minutes=40),
        points=points,
        actor="system:test",
    )
    assert patrol.points_count == 8 and patrol.distance_m > 700
    with pytest.raises(Invalid):  # a community worker does not patrol
        actions.record_patrol(
            world.regions["grid_a1"],
            worker=world.user("community_a"),
            started_at=start,
            ended_at=start + datetime.timedelta(minutes=40),
            points=points,
            actor="system:test",
        )
