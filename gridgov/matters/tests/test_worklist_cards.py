"""The worklist as cards: what decides the next step on each row, filters chosen from
lists, a pager that keeps them, and no query per row."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.matters.models import Matter, State
from gridgov.matters.tests.test_pages import client_for
from gridgov.matters.tests.test_workflow import report, to_state


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r"<tr class=\"matter.*?</tr>", body, re.S)


def test_a_card_shows_place_grid_age_deadline_holder_and_state(world):
    in_building = to_state(
        world, report(world, region=world.regions["building_a1"]), State.DISPATCHED
    )
    Matter.objects.filter(pk=in_building.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3, hours=2),
        deadline=timezone.now() - datetime.timedelta(days=2, hours=1),
    )
    soon = to_state(world, report(world), State.DISPATCHED)
    Matter.objects.filter(pk=soon.pk).update(deadline=timezone.now() + datetime.timedelta(hours=5))
    page = client_for(world, "community_a").get("/matters/?state=").content.decode()
    late, due = rows(page)  # overdue first
    assert in_building.code in late and soon.code in due
    assert "1号楼" in late and "觉木一网格" in late  # the place and the grid it lies in
    assert re.search(r"3\s*(日|days)", late)  # reported how long ago
    assert re.search(r'class="overdue">[^<]*2\s*(日|days)', late)  # overdue by two days
    assert 'class="due-soon"' in due and 'class="overdue"' not in due
    assert "巴宜区住建局" in late  # who holds it
    assert 'class="status status-dispatched"' in late
    assert 'data-label="' in late and '<table class="cards"' in page


def test_filters_are_chosen_from_lists_of_what_the_user_sees_and_applied(world):
    a1 = report(world)
    a2 = report(world, "worker_a2", region=world.regions["grid_a2"])
    dispatched = to_state(world, report(world), State.DISPATCHED)
    c = client_for(world, "community_a")
    page = c.get("/matters/?state=").content.decode()
    grid_select = page.split('name="grid"', 1)[1].split("</select>", 1)[0]
    assert "觉木一网格" in grid_select and "觉木二网格" in grid_select
    assert "双拥一网格" not in grid_select  # the next street's grid is not offered
    assert 'name="unit"' in page and "巴宜区住建局" in page.split('name="unit"', 1)[1]
    by_grid = c.get("/matters/?grid=540402001001002").content.decode()
    assert a2.code in by_grid and a1.code not in by_grid
    assert '<option value="540402001001002" selected>' in by_grid
    unit = world.units["bureau"].pk
    by_unit = c.get(f"/matters/?unit={unit}").content.decode()
    assert dispatched.code in by_unit and a1.code not in by_unit
    by_state = c.get("/matters/?state=reported").content.decode()
    assert a1.code in by_state and dispatched.code not in by_state
    worker = client_for(world, "worker_a1").get("/matters/?state=").content.decode()
    worker_grids = worker.split('name="grid"', 1)[1].split("</select>", 1)[0]
    assert "觉木一网格" in worker_grids and "觉木二网格" not in worker_grids


def test_a_bad_filter_is_a_400_with_the_field_named_never_a_500(world):
    c = client_for(world, "community_a")
    bad = c.get("/matters/?unit=abc&state=nonsense")
    assert bad.status_code == 400
    assert 'class="field-error"' in bad.content.decode()
    assert c.get("/matters/?grid=" + "9" * 30).status_code == 400


def test_the_pager_keeps_every_filter_including_waiting_for_me(world):
    for _ in range(27):
        report(world)
    c = client_for(world, "community_a")
    first = c.get("/matters/").content.decode()  # opens on "waiting for me"
    assert "27" in first.split('id="worklist-count"', 1)[1][:80]
    nxt = re.search(r'href="([^"]+)" rel="next"', first)[1].replace("&amp;", "&")
    assert "mine=on" in nxt and "page=2" in nxt
    second = c.get("/matters/" + nxt).content.decode()
    assert len(rows(second)) == 2
    filtered = c.get("/matters/?state=reported&grid=540402001001001&category=fire-lane")
    nxt = re.search(r'href="([^"]+)" rel="next"', filtered.content.decode())[1]
    for kept in ("state=reported", "grid=540402001001001", "category=fire-lane", "page=2"):
        assert kept in nxt
    # a parameter the filter box does not show (a link may add one) is kept by the pager
    extra = c.get("/matters/?mine=on&from=home").content.decode()
    assert "from=home" in re.search(r'href="([^"]+)" rel="next"', extra)[1]
    # the home page's "due within a week" is a filter of the box, shown as chosen
    panel = c.get("/matters/?mine=on&due=week").content.decode()
    assert '<option value="week" selected>' in panel


def test_the_query_count_does_not_grow_with_the_rows(world):
    def count():
        c = client_for(world, "community_a")
        c.get("/matters/?state=")  # warm the session and caches
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/matters/?state=").status_code == 200
        return len(ctx.captured_queries)

    to_state(world, report(world, region=world.regions["building_a1"]), State.DISPATCHED)
    few = count()
    for i in range(8):
        m = (
            report(world, "worker_a2", region=world.regions["grid_a2"])
            if i % 2
            else report(world, region=world.regions["building_a1"])
        )
        if i % 3 == 0:
            to_state(world, m, State.IN_HAND)  # a handler holds it
    assert count() == few
