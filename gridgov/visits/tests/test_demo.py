"""The demo's month of visits and patrols reads true: visits on working days in working
hours, patrols inside the walker's grid, nothing in the future, all of it audited."""

import datetime
import random

from django.utils import timezone

from gridgov.core.audit import verify_chain
from gridgov.core.models import AuditAction, AuditEntry
from gridgov.demo import visits as demo_visits
from gridgov.people import actions as people
from gridgov.testing.world import make_id_number
from gridgov.visits import queries
from gridgov.visits.models import Patrol, PatrolPoint, Visit


def test_a_month_of_visits_and_patrols(world):
    people.set_special_groups(world.residents["dawa"], ["elderly_alone"], actor="system:test")
    demo_visits.build(random.Random(1), log=lambda *a: None)
    now = timezone.now()
    visits = list(Visit.objects.all())
    assert visits and all(v.worker is not None for v in visits)
    for v in visits:
        local = timezone.localtime(v.visited_at)
        assert v.visited_at < now and local.weekday() < 5, local
        assert 9 <= local.hour < 18 and not 12 <= local.hour + local.minute / 60 < 14.5, local
        assert v.region_path.startswith(v.worker.role_assignments.get().region.path)
    # the weekly household (达瓦, elderly alone) is called at up to once a week (fewer
    # when the demo leaves it due or overdue)
    weekly = Visit.objects.filter(household=world.households["h_a2"]).count()
    assert 1 <= weekly <= 6
    patrols = list(Patrol.objects.order_by("worker", "started_at"))
    assert len(patrols) >= 3 * 10
    for p in patrols:
        assert p.ended_at < now and p.region_path == p.worker.role_assignments.get().region.path
        assert p.points_count == p.points.count() > 20 and p.distance_m > 300
    inside = PatrolPoint.objects.filter(inside=True).count()
    assert inside / PatrolPoint.objects.count() > 0.95
    for a, b in zip(patrols, patrols[1:], strict=False):
        assert a.worker_id != b.worker_id or a.ended_at <= b.started_at  # one walk at a time
    assert AuditEntry.objects.filter(action=AuditAction.VISIT_RECORDED).count() == len(visits)
    assert AuditEntry.objects.filter(action=AuditAction.PATROL_RECORDED).count() == len(patrols)
    assert verify_chain().ok


def test_every_worker_has_households_overdue_and_due(world):
    people.set_special_groups(world.residents["tashi"], ["elderly_alone"], actor="system:test")
    people.set_special_groups(world.residents["zhang"], [], actor="system:test")
    h = people.create_household(world.regions["grid_a1"], "0102", actor="system:test")
    people.create_residents(
        [
            people.ResidentInput(
                world.regions["grid_a1"],
                "卓玛",
                make_id_number("540402", datetime.date(1950, 3, 1), 55),
                "",
                h,
                "藏族",
                "户主",
                ["disabled"],
            )
        ],
        actor="system:test",
    )
    demo_visits.build(random.Random(3), log=lambda *a: None)
    today = timezone.localdate()
    states = sorted(d.state(today) for d in queries.due_households(world.user("worker_a1")))
    assert states == [queries.DUE, queries.OVERDUE]
