"""Visits and patrols through the JSON API over real HTTP (a gunicorn-served gridgov with
the test world): the same actions, scope and refusals as the pages."""

import datetime

import httpx
import pytest

pytestmark = pytest.mark.django_db(transaction=False)

# The live server is shared by every API test module and some give worker_a2 a role in grid
# A1 (staffing); worker_b1, of the other street, is the outsider here.
GRID_A1 = "540402001001001"


@pytest.fixture(scope="module")
def tokens(live_app):
    keys = ["worker_a1", "worker_b1", "police_a1", "leader", "community_a", "stranger"]
    return {k: live_app.manage("create-token", k).strip() for k in keys}


def api(live_app, tokens, who):
    return httpx.Client(
        base_url=live_app.url + "/api",
        headers={"Authorization": f"Bearer {tokens[who]}", "Accept-Language": "en"},
        timeout=20,
    )


def _household_and_people(c):
    residents = c.get("/residents", params={"q": "扎西"}).json()["items"]
    tashi = residents[0]
    return tashi["household_id"], tashi["id"]


def test_schema_lists_visits_and_patrols(live_app):
    paths = httpx.get(live_app.url + "/api/schema").json()["paths"]
    for p in (
        "/api/visits",
        "/api/visits/{visit_id}/needs/{need_id}/matter",
        "/api/visits-due",
        "/api/patrols",
        "/api/patrols/{patrol_id}/points",
        "/api/patrols/{patrol_id}/end",
    ):
        assert p in paths, p


def test_a_visit_and_its_need_reported_as_a_matter(live_app, tokens):
    with api(live_app, tokens, "worker_a1") as c:
        household_id, tashi = _household_and_people(c)
        body = {
            "household_id": household_id,
            "met": [tashi],
            "notes": "老人身体不错",
            "needs": [{"description": "楼道消防通道堆了杂物", "category": "fire-lane"}],
        }
        made = c.post("/visits", json=body)
        assert made.status_code == 201, made.text
        visit = made.json()
        assert visit["met"] == [tashi] and visit["needs"][0]["matter"] is None
        need = visit["needs"][0]["id"]
        reported = c.post(f"/visits/{visit['id']}/needs/{need}/matter", json={})
        assert reported.status_code == 201, reported.text
        code = reported.json()["matter"]
        assert c.get(f"/matters/{code}").json()["state"] == "reported"
        assert c.get(f"/visits/{visit['id']}").json()["needs"][0]["matter"] == code
        twice = c.post(f"/visits/{visit['id']}/needs/{need}/matter", json={})
        assert twice.status_code == 409
    with api(live_app, tokens, "worker_b1") as c:
        assert c.get(f"/visits/{visit['id']}").status_code == 404
        assert c.get("/visits").json()["count"] == 0
        refused = c.post("/visits", json={**body, "needs": []})
        assert refused.status_code == 404
    with api(live_app, tokens, "leader") as c:
        assert c.get(f"/visits/{visit['id']}").status_code == 200
        assert c.post("/visits", json={**body, "needs": []}).status_code == 403
    with api(live_app, tokens, "stranger") as c:
        assert c.get("/visits").status_code == 403


def test_a_visit_synced_twice_is_recorded_once(live_app, tokens):
    with api(live_app, tokens, "worker_a1") as c:
        household_id, _tashi = _household_and_people(c)
        before = c.get("/visits").json()["count"]
        body = {"household_id": household_id, "nobody_home": True, "notes": "离线登记"}
        key = {"Idempotency-Key": "visit-offline-0001"}
        first = c.post("/visits", json=body, headers=key)
        again = c.post("/visits", json=body, headers=key)
        assert first.status_code == 201 and again.status_code == 201
        assert first.json()["id"] == again.json()["id"]
        assert c.get("/visits").json()["count"] == before + 1


def test_bad_visits_are_400_and_change_nothing(live_app, tokens):
    with api(live_app, tokens, "worker_a1") as c:
        household_id, tashi = _household_and_people(c)
        before = c.get("/visits").json()["count"]
        for body, field in [
            ({"household_id": household_id}, "met"),
            ({"household_id": household_id, "met": [tashi], "nobody_home": True}, "met"),
            (
                {
                    "household_id": household_id,
                    "nobody_home": True,
                    "visited_at": "2099-01-01T00:00:00Z",
                },
                "visited_at",
            ),
            (
                {
                    "household_id": household_id,
                    "nobody_home": True,
                    "needs": [{"description": "x", "category": "nope"}],
                },
                "needs.0.category",
            ),
            ({"household_id": household_id, "nobody_home": True, "notes": "x" * 2001}, "notes"),
        ]:
            response = c.post("/visits", json=body)
            assert response.status_code == 400, (body, response.text)
            assert field in [e["field"] for e in response.json()["errors"]], response.text
        assert c.get("/visits").json()["count"] == before
        huge = "9" * 25  # beyond any id column: a 400, never a 500
        assert c.get("/visits", params={"household_id": huge}).status_code == 400
        assert c.get(f"/visits/{huge}").status_code in (400, 404)
        assert c.get(f"/patrols/{huge}").status_code in (400, 404)


def test_a_patrol_through_the_api(live_app, tokens):
    now = datetime.datetime.now(datetime.UTC)
    with api(live_app, tokens, "police_a1") as c:
        started = c.post("/patrols", json={"grid": GRID_A1})
        assert started.status_code == 201, started.text
        patrol = started.json()
        assert patrol["open"] and patrol["grid"] == GRID_A1
        assert c.post("/patrols", json={"grid": GRID_A1}).status_code == 409
        points = [
            {"lat": 29.652, "lon": 94.362, "at": (now + datetime.timedelta(seconds=5)).isoformat()},
            {
                "lat": 29.655,
                "lon": 94.365,
                "at": (now + datetime.timedelta(seconds=35)).isoformat(),
                "accuracy": 8,
            },
            {
                "lat": 29.655,
                "lon": 94.375,
                "at": (now + datetime.timedelta(seconds=65)).isoformat(),
            },
        ]
        added = c.post(f"/patrols/{patrol['id']}/points", json={"points": points})
        assert added.status_code == 200, added.text
        assert added.json() == {"added": 3, "points": 3, "outside": 1}
        again = c.post(f"/patrols/{patrol['id']}/points", json={"points": points})
        assert again.json() == {"added": 0, "points": 3, "outside": 1}
        bad = c.post(f"/patrols/{patrol['id']}/points", json={"points": [{"lat": 95, "lon": 1}]})
        assert bad.status_code == 400
        assert c.post(f"/patrols/{patrol['id']}/points", json={"points": []}).status_code == 400
    with api(live_app, tokens, "worker_a1") as c:  # sees it, may not touch it
        assert c.get(f"/patrols/{patrol['id']}").status_code == 200
        assert c.post(f"/patrols/{patrol['id']}/end", json={}).status_code == 403
    with api(live_app, tokens, "worker_b1") as c:
        assert c.get(f"/patrols/{patrol['id']}").status_code == 404
        assert c.post(f"/patrols/{patrol['id']}/points", json={"points": points}).status_code == 404
        assert c.post("/patrols", json={"grid": GRID_A1}).status_code == 404
    with api(live_app, tokens, "police_a1") as c:
        ended = c.post(f"/patrols/{patrol['id']}/end", json={"notes": "正常"})
        assert ended.status_code == 200 and not ended.json()["open"]
        assert ended.json()["distance_m"] > 1000
        assert c.post(f"/patrols/{patrol['id']}/end", json={}).status_code == 409
    with api(live_app, tokens, "community_a") as c:
        listed = c.get("/patrols", params={"grid": GRID_A1}).json()
        assert patrol["id"] in [p["id"] for p in listed["items"]]
        assert c.post("/patrols", json={"grid": GRID_A1}).status_code == 403
