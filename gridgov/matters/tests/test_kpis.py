"""KPI formulas on hand-made data (see gridgov.matters.kpis for the definitions)."""

import datetime
import re

from django.test import Client

from gridgov.matters import kpis
from gridgov.matters.models import Matter
from gridgov.matters.tests.test_workflow import report

T = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)


def make(
    world,
    *,
    registered,
    deadline,
    handled=None,
    closed=None,
    rework=0,
    extensions=0,
    unit="bureau",
    grid="grid_a1",
):
    m = report(world)
    Matter.objects.filter(pk=m.pk).update(
        registered_at=registered,
        deadline=deadline,
        handled_at=handled,
        closed_at=closed,
        rework_count=rework,
        extension_count=extensions,
        handling_unit=world.units[unit],
        region=world.regions[grid],
        region_path=world.regions[grid].path,
        state="closed" if closed else ("handled" if handled else "dispatched"),
    )
    return m


def test_formulas_on_hand_made_data(world):
    # in June: 5 registered
    make(world, registered=T, deadline=T + 3 * D, handled=T + 24 * H, closed=T + 2 * D)  # on time
    make(
        world, registered=T, deadline=T + 3 * D, handled=T + 96 * H, closed=T + 5 * D, rework=1
    )  # late, reworked
    make(world, registered=T + D, deadline=T + 40 * D, handled=T + 2 * D, extensions=1)
    make(world, registered=T + 2 * D, deadline=T + 5 * D)  # still running, due
    make(world, registered=T + 3 * D, deadline=T + 60 * D, unit="shop_a1")  # not yet due
    # outside the period
    make(world, registered=T - 10 * D, deadline=T, handled=T, closed=T)
    end = T + 30 * D
    [total] = kpis.compute(Matter.objects.all(), T, end)
    assert (total.registered, total.due, total.closed, total.closed_on_time) == (5, 3, 2, 1)
    assert total.handled == 3 and total.reworked == 1 and total.extended == 1
    assert total.closure_rate == 0.4
    assert (total.on_time, total.late, total.overdue_open) == (2, 2, 1)
    assert total.on_time_rate == 0.5
    assert total.rework_rate == round(1 / 3, 4)
    assert total.extension_rate == 0.2
    assert total.average_handling_hours == round((24 + 96 + 24) / 3, 1)


def make_state(world, state, **kw):
    m = make(world, **kw)
    Matter.objects.filter(pk=m.pk).update(state=state)
    return m


def test_overdue_open_matters_are_not_on_time(world):
    """A unit that closed one matter on time and lets three run past their deadline is
    not on time 100 %: the open overdue ones count as late."""
    make(world, registered=T, deadline=T + 3 * D, handled=T + 5 * H, closed=T + 2 * D)
    for _ in range(3):
        make(world, registered=T, deadline=T + 3 * D)  # dispatched, never handled
    make(world, registered=T, deadline=T + 60 * D)  # running, not yet due: undecided
    [total] = kpis.compute(Matter.objects.all(), T, T + 30 * D)
    assert (total.on_time, total.late, total.overdue_open) == (1, 3, 3)
    assert total.on_time_rate == 0.25
    # as it stood before the deadlines passed, nothing was late yet
    [early] = kpis.compute(Matter.objects.all(), T, T + 2 * D)
    assert early.late == 0 and early.on_time_rate == 1.0


def test_rework_counts_matters_back_in_hand(world):
    """Returned for rework clears the report of handling: the matter is in hand again and
    still counts as reworked."""
    make(world, registered=T, deadline=T + 9 * D, handled=T + 2 * H)
    make_state(world, "in_hand", registered=T, deadline=T + 9 * D, rework=1)
    make(world, registered=T, deadline=T + 9 * D, handled=T + 8 * H, closed=T + D, rework=2)
    [total] = kpis.compute(Matter.objects.all(), T, T + 30 * D)
    assert total.reworked == 2
    assert total.rework_rate == round(2 / 3, 4)


def test_a_merged_duplicate_is_neither_on_time_nor_late(world):
    make_state(world, "merged", registered=T, deadline=T + D)
    [total] = kpis.compute(Matter.objects.all(), T, T + 30 * D)
    assert total.registered == 1 and total.late == 0 and total.on_time_rate is None


def test_kpi_page_shows_zero_as_zero_and_late_as_late(world):
    # handled within the hour it was registered: average handling 0.0 h, which is a figure
    minute = datetime.timedelta(minutes=1)
    make(world, registered=T, deadline=T + 3 * D, handled=T + minute, closed=T + D)
    make(world, registered=T, deadline=T + 3 * D)  # overdue, still open
    c = Client()
    c.force_login(world.users["leader"])
    html = c.get("/matters/kpis/", {"start": "2026-06-01", "end": "2026-06-30"}).content.decode()

    row = re.search(r'<tr data-registered="2" class="total">(.*?)</tr>', html, re.S).group(1)
    cell = lambda cls: re.search(rf'class="{cls}[^"]*">([^<]*)<', row).group(1)  # noqa: E731
    assert cell("average-hours") == "0.0"
    assert cell("on-time-rate") == "50%"
    assert cell("rework-rate") == "0%"
    assert cell("overdue-open") == "1"
    assert 'id="chart-matters"' in html and 'id="matters-kpi-chart-data"' in html


def test_as_of_the_end_of_the_period(world):
    make(world, registered=T, deadline=T + 3 * D, handled=T + 24 * H, closed=T + 40 * D)
    [june] = kpis.compute(Matter.objects.all(), T, T + 30 * D)
    assert june.closed == 0 and june.handled == 1  # closed only in July
    [july] = kpis.compute(Matter.objects.all(), T, T + 60 * D)
    assert july.closed == 1


def test_by_unit_and_by_region(world):
    make(world, registered=T, deadline=T + D, unit="bureau", grid="grid_a1")
    make(world, registered=T, deadline=T + D, unit="bureau", grid="grid_b1")
    make(world, registered=T, deadline=T + D, unit="shop_a1", grid="grid_a2")
    by_unit = {
        f.label: f.registered for f in kpis.compute(Matter.objects.all(), T, T + D * 9, by="unit")
    }
    assert by_unit == {"巴宜区住建局": 2, "雪域便利店": 1, "total": 3}
    by_region = {
        f.label: f.registered for f in kpis.compute(Matter.objects.all(), T, T + D * 9, by="region")
    }
    assert by_region == {"觉木街道": 2, "双拥街道": 1, "total": 3}


def test_empty_period_has_no_rates(world):
    [f] = kpis.compute(Matter.objects.all(), T, T + D)
    assert f.registered == 0 and f.closure_rate is None and f.average_handling_hours is None


def test_kpi_page_is_scoped(world):
    make(world, registered=T, deadline=T + D, grid="grid_a1")
    make(world, registered=T, deadline=T + D, grid="grid_b1")
    c = Client()
    c.force_login(world.users["street_b"])
    page = c.get("/matters/kpis/", {"start": "2026-06-01", "end": "2026-06-30", "by": "unit"})
    assert page.status_code == 200
    assert 'data-registered="1"' in page.content.decode()
    leader = Client()
    leader.force_login(world.users["leader"])
    body = leader.get("/matters/kpis/", {"start": "2026-06-01", "end": "2026-06-30"}).content
    assert 'data-registered="2"' in body.decode()
    assert leader.get("/matters/kpis/", {"start": "nope"}).status_code == 400
    year_one = {"start": "0001-01-01", "end": "0001-01-02"}  # the day before is off the calendar
    assert leader.get("/matters/kpis/", year_one).status_code == 400
    assert leader.get("/api/matters-kpis", year_one).status_code == 400


def test_kpi_api(world):
    make(world, registered=T, deadline=T + D, grid="grid_a1")
    c = Client()
    c.force_login(world.users["leader"])
    rows = c.get(
        "/api/matters-kpis", {"start": "2026-06-01", "end": "2026-06-30", "by": "unit"}
    ).json()
    assert rows[-1]["label"] == "total" and rows[-1]["registered"] == 1
    assert (
        c.get("/api/matters-kpis", {"start": "2026-06-30", "end": "2026-06-01"}).status_code == 400
    )
    assert c.get("/api/matters-kpis", {"start": "x", "end": "2026-06-01"}).status_code == 400
