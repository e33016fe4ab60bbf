"""The visit and patrol pages: in scope 200, out of scope 404, no role 403, bad input 400
with nothing changed, and the home panel's figures equal the lists they link to."""

import datetime
import json
import re

from django.test import Client
from django.utils import timezone

from gridgov.core import panels
from gridgov.matters.models import Matter
from gridgov.people import actions as people
from gridgov.visits import actions
from gridgov.visits.models import Need, Patrol, Visit


def client_for(world, key) -> Client:
    c = Client()
    c.force_login(world.users[key])
    return c


def visit_form(world, **extra):
    data = {
        "household": world.households["h_a1"].pk,
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "met": [world.residents["tashi"].pk],
        "notes": "身体硬朗",
        "need_0": "楼道灯坏了",
        "need_0_category": "fire-lane",
    }
    return {**data, **extra}


def test_a_worker_records_a_visit_from_the_form(world):
    c = client_for(world, "worker_a1")
    page = c.get(f"/visits/new/?household={world.households['h_a1'].pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "扎西" in html and "张伟" in html and "退役军人" in html  # members and their groups
    done = c.post("/visits/new/", visit_form(world))
    visit = Visit.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/visits/{visit.pk}/"
    detail = c.get(done["Location"]).content.decode()
    assert "楼道灯坏了" in detail and "扎西" in detail


def test_bad_visit_input_is_400_with_the_typed_text_kept_and_nothing_saved(world):
    c = client_for(world, "worker_a1")
    bad = c.post("/visits/new/", visit_form(world, met=[], notes="我写的笔记"))
    html = bad.content.decode()
    assert bad.status_code == 400 and "error-summary" in html
    assert "我写的笔记" in html and "楼道灯坏了" in html
    future = c.post("/visits/new/", visit_form(world, visited_at="2099-01-01T10:00"))
    assert future.status_code == 400
    for odd in ("99999999999999999999", "x", str(world.residents["dawa"].pk)):
        assert c.post("/visits/new/", visit_form(world, met=[odd])).status_code == 400
    assert Visit.objects.count() == 0


def test_visit_pages_are_scoped(world):
    visit = actions.record_visit(
        world.households["h_a1"], actor=world.user("worker_a1"), nobody_home=True
    )
    assert client_for(world, "worker_a2").get(f"/visits/{visit.pk}/").status_code == 404
    assert (
        client_for(world, "worker_a2")
        .get(f"/visits/new/?household={world.households['h_a1'].pk}")
        .status_code
        == 404
    )
    assert client_for(world, "community_a").get(f"/visits/{visit.pk}/").status_code == 200
    assert client_for(world, "leader").get("/visits/").status_code == 200
    assert client_for(world, "leader").get("/visits/new/").status_code == 403
    assert client_for(world, "stranger").get("/visits/").status_code == 403
    assert client_for(world, "court_officer").get("/patrols/").status_code == 403
    assert "0301" not in client_for(world, "worker_a1").get("/visits/new/?q=03").content.decode()


def test_a_need_is_reported_as_a_matter_in_one_tap(world):
    worker = world.user("worker_a1")
    visit = actions.record_visit(
        world.households["h_a1"],
        actor=worker,
        nobody_home=True,
        needs=[
            actions.NeedInput("消防通道堵了", world.categories["fire_lane"]),
            actions.NeedInput("邻里吵架", world.categories["dispute"]),
        ],
    )
    fire, dispute = visit.needs.order_by("pk")
    c = client_for(world, "worker_a1")
    url = f"/visits/{visit.pk}/needs/{fire.pk}/report/"
    one_tap = c.post(url, {f"n{fire.pk}-category": "fire-lane", f"n{fire.pk}-priority": "2"})
    assert one_tap.status_code == 302
    matter = Need.objects.get(pk=fire.pk).matter
    assert matter is not None and matter.reporter_id == worker.pk
    assert matter.code in c.get(f"/visits/{visit.pk}/").content.decode()
    # the matter links back to its visit, for those who may see visits
    back = c.get(f"/matters/{matter.code}/").content.decode()
    assert 'id="visit-origin"' in back and f"/visits/{visit.pk}/" in back
    handler = client_for(world, "handler").get(f"/matters/{matter.code}/")
    assert 'id="visit-origin"' not in handler.content.decode()
    # a dispute wants the number of parties: asked for on the page, nothing reported yet
    url = f"/visits/{visit.pk}/needs/{dispute.pk}/report/"
    asked = c.post(
        url, {f"n{dispute.pk}-category": "neighbour-dispute", f"n{dispute.pk}-priority": "2"}
    )
    assert asked.status_code == 400 and f"n{dispute.pk}-attr_parties" in asked.content.decode()
    assert Matter.objects.count() == 1
    # the next grid's worker cannot report it
    other = client_for(world, "worker_a2").post(url, {f"n{dispute.pk}-category": "fire-lane"})
    assert other.status_code == 404 and Matter.objects.count() == 1


def _panel(user):
    return next(p for p in panels.panels_for(user) if p.key == "visits.due")


def _count_on(html, element_id):
    text = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html).group(1)
    return int(re.search(r"\d+", text.replace(",", "")).group())


def test_the_home_panel_lists_households_due_and_its_figures_equal_the_lists(world):
    people.set_special_groups(world.residents["zhang"], ["elderly_alone"], actor="system:test")
    people.set_special_groups(world.residents["dawa"], ["disabled"], actor="system:test")
    # h_a1 visited 9 days ago (elderly alone: every 7) is due; h_a2 never visited: overdue
    actions.record_visit(
        world.households["h_a1"],
        actor=world.user("worker_a1"),
        nobody_home=True,
        visited_at=timezone.now() - datetime.timedelta(days=9),
    )
    worker = world.user("worker_a1")
    panel = _panel(worker)
    assert [(f.count, f.tone) for f in panel.figures] == [(0, "danger"), (1, "warn")]
    assert [i.text for i in panel.items] == ["1-101"]
    assert panel.items[0].url == f"/visits/new/?household={world.households['h_a1'].pk}"
    assert panel.actions[0].label and panel.actions[0].url == "/visits/new/"
    community = world.user("community_a")
    staff_panel = _panel(community)
    assert [f.count for f in staff_panel.figures] == [1, 1]
    for user_key, p in (("worker_a1", panel), ("community_a", staff_panel)):
        c = client_for(world, user_key)
        for figure in p.figures:
            html = c.get(figure.url).content.decode()
            assert _count_on(html, "due-count") == figure.count
            assert html.count('class="card overdue"') + html.count('class="card due-soon"') == (
                figure.count
            )


def test_the_panel_is_only_for_those_who_walk_or_supervise(world):
    keys = {p.key for p in panels.panels_for(world.user("leader"))}
    assert "visits.due" not in keys
    assert "visits.due" in {p.key for p in panels.panels_for(world.user("police_a1"))}


def test_patrol_pages_start_conflict_end(world):
    c = client_for(world, "worker_a1")
    listing = c.get("/patrols/")
    assert listing.status_code == 200 and 'id="start-patrol"' in listing.content.decode()
    started = c.post("/patrols/start/", {"grid": "540402001001001"})
    patrol = Patrol.objects.get()
    assert started.status_code == 302 and started["Location"] == f"/patrols/{patrol.pk}/"
    page = c.get(started["Location"]).content.decode()
    assert 'id="patrol-tracker"' in page and "patrol.js" in page
    assert f'data-points-url="/api/patrols/{patrol.pk}/points"' in page
    again = c.post("/patrols/start/", {"grid": "540402001001001"})
    assert again.status_code == 409 and Patrol.objects.count() == 1
    assert c.post("/patrols/start/", {"grid": "540402001001002"}).status_code == 404
    # the next grid's worker sees nothing of it
    other = client_for(world, "worker_a2")
    assert other.get(f"/patrols/{patrol.pk}/").status_code == 404
    assert other.post(f"/patrols/{patrol.pk}/end/").status_code == 404
    assert other.get("/patrols/geojson/?grid=540402001001001").status_code == 404
    ended = c.post(f"/patrols/{patrol.pk}/end/", {"notes": "一切正常"})
    assert ended.status_code == 302 and not Patrol.objects.get().is_open
    assert c.post(f"/patrols/{patrol.pk}/end/").status_code == 409


def test_grid_page_lists_the_last_patrols_and_geojson_draws_them(world):
    worker = world.user("worker_a1")
    start = timezone.now() - datetime.timedelta(hours=3)
    points = [
        actions.PointInput(29.651 + i * 0.001, 94.365, at=start + datetime.timedelta(minutes=i))
        for i in range(5)
    ] + [actions.PointInput(29.655, 94.375, at=start + datetime.timedelta(minutes=6))]
    patrol = actions.record_patrol(
        world.regions["grid_a1"],
        worker=worker,
        started_at=start,
        ended_at=start + datetime.timedelta(minutes=30),
        points=points,
        actor="system:test",
    )
    c = client_for(world, "community_a")
    grid_page = c.get("/regions/540402001001001/").content.decode()
    assert 'id="grid-patrols"' in grid_page and f"/patrols/{patrol.pk}/" in grid_page
    data = json.loads(c.get("/patrols/geojson/?in=540402001001001").content)
    assert json.loads(c.get("/patrols/geojson/?grid=540402001001001").content) == data
    (feature,) = data["features"]
    assert feature["geometry"]["type"] == "LineString"
    assert len(feature["geometry"]["coordinates"]) == 6
    assert feature["properties"]["url"] == f"/patrols/{patrol.pk}/"
    assert feature["properties"]["tone"] == "warn"  # a point outside the grid
    empty = json.loads(c.get("/patrols/geojson/?grid=540402001001002").content)
    assert empty == {"type": "FeatureCollection", "features": []}
    outside = c.get("/patrols/geojson/?grid=540402002001001")  # another street's grid
    assert outside.status_code == 404 and json.loads(outside.content)["detail"]
    detail = c.get(f"/patrols/{patrol.pk}/").content.decode()
    assert 'class="track"' in detail and 'class="outside"' in detail
    assert c.get("/patrols/geojson/?grid=540402001001001&n=0").status_code == 400


def test_a_visit_with_a_need_of_no_category_opens_and_offers_the_category(world):
    # a need typed without a category made the visit's page a 500 (the need's form)
    worker = world.user("worker_a1")
    visit = actions.record_visit(
        world.households["h_a1"],
        actor=worker,
        nobody_home=True,
        needs=[actions.NeedInput("楼道灯坏了", None)],
    )
    need = visit.needs.get()
    page = client_for(world, "worker_a1").get(f"/visits/{visit.pk}/")
    assert page.status_code == 200
    assert f'name="n{need.pk}-category"' in page.content.decode()
