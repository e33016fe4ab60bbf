"""The worklist filters the home page's figures link to: due within a week, reported today."""

import datetime

from django.test import Client
from django.utils import timezone

from gridgov.matters.models import Matter, State
from gridgov.matters.tests.test_workflow import report, to_state


def codes(world, user, query) -> set[str]:
    c = Client()
    c.force_login(world.users[user])
    page = c.get("/matters/?" + query).content.decode()
    return {m.code for m in Matter.objects.all() if f"/matters/{m.code}/" in page}


def test_due_within_a_week_and_reported_today(world):
    now = timezone.now()
    soon = to_state(world, report(world), State.DISPATCHED)
    later = to_state(world, report(world), State.DISPATCHED)
    late = to_state(world, report(world), State.DISPATCHED)
    fresh = report(world)
    Matter.objects.filter(pk=soon.pk).update(deadline=now + datetime.timedelta(days=3))
    Matter.objects.filter(pk=later.pk).update(deadline=now + datetime.timedelta(days=9))
    Matter.objects.filter(pk=late.pk).update(deadline=now - datetime.timedelta(days=1))
    Matter.objects.exclude(pk=fresh.pk).update(created_at=now - datetime.timedelta(days=2))

    assert codes(world, "community_a", "due=week") == {soon.code}
    assert codes(world, "community_a", "new=today") == {fresh.code}
    assert codes(world, "community_a", "state=") == {soon.code, later.code, late.code, fresh.code}
    assert codes(world, "worker_b1", "new=today") == set()  # scope still applies
