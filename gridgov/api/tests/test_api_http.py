"""The JSON API over real HTTP against a gunicorn-served gridgov (see gridgov.testing.server).
The server's database is its own; each test leaves data the others do not depend on."""

import datetime
import re

import httpx
import pytest

from gridgov.testing.world import PASSWORD, make_id_number

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def tokens(live_app):
    keys = [
        "worker_a1",
        "worker_b1",
        "leader",
        "stranger",
        "community_a",
        "admin",
        "volunteer",
        "handler",
        "police_a1",
        "street_b",
    ]
    return {k: live_app.manage("create-token", k).strip() for k in keys}


def api(live_app, tokens, who, **headers):
    return httpx.Client(
        base_url=live_app.url + "/api",
        headers={"Authorization": f"Bearer {tokens[who]}", "Accept-Language": "en", **headers},
        timeout=20,
    )


def test_schema_is_served(live_app):
    response = httpx.get(live_app.url + "/api/schema")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/residents" in paths and "/api/grids/{code}" in paths


def test_authentication_is_required(live_app):
    response = httpx.get(live_app.url + "/api/grids")
    assert response.status_code == 401
    bad = httpx.get(live_app.url + "/api/grids", headers={"Authorization": "Bearer ggv_nope"})
    assert bad.status_code == 401


def test_grid_worker_sees_own_grid_only(live_app, tokens):
    with api(live_app, tokens, "worker_a1") as c:
        assert [g["code"] for g in c.get("/grids").json()] == ["540402001001001"]
        assert c.get("/grids/540402001001002").status_code == 404
        own = c.get("/grids/540402001001001").json()
        assert own["polygon"]["type"] == "Polygon" and own["missing"] == []
        assert [w["username"] for w in own["grid_workers"]] == ["worker_a1"]
        names = {r["name"] for r in c.get("/residents").json()["items"]}
        assert names == {"扎西", "张伟"}


def test_personal_data_is_masked_and_reveal_is_audited(live_app, tokens):
    with api(live_app, tokens, "worker_a1") as c:
        items = c.get("/residents", params={"q": "扎西"}).json()["items"]
        tashi = items[0]
        assert re.fullmatch(r"540402\*{8}\d{3}[\dX]", tashi["id_number"])
        assert tashi["phone"] == "139****0001"
        revealed = c.post(f"/residents/{tashi['id']}/reveal", json={"reason": "核实身份"})
        assert revealed.status_code == 200
        assert revealed.json()["phone"] == "13908940001"
        assert revealed.json()["id_number"].startswith("540402198005170")
    # the administrator sees the reveal in the audit trail, with who and why
    admin = httpx.Client(base_url=live_app.url, timeout=20)
    login = admin.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    admin.post(
        "/login/", data={"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    page = admin.get("/audit/", params={"action": "302"}).text
    assert "worker_a1" in page and "扎西" in page


def test_other_grid_is_not_found_for_every_kind_of_object(live_app, tokens):
    with api(live_app, tokens, "worker_b1") as c:
        assert c.get("/residents", params={"q": "扎西"}).json()["count"] == 0
        tashi_id = None
    with api(live_app, tokens, "worker_a1") as c:
        tashi_id = c.get("/residents", params={"q": "扎西"}).json()["items"][0]["id"]
    with api(live_app, tokens, "worker_b1") as c:
        assert c.get(f"/residents/{tashi_id}").status_code == 404
        assert (
            c.post(f"/residents/{tashi_id}/reveal", json={"reason": "核实身份"}).status_code == 404
        )
        assert c.get("/regions/540402001001001").status_code == 404


def test_leader_reads_but_cannot_write(live_app, tokens):
    with api(live_app, tokens, "leader") as c:
        assert c.get("/residents").json()["count"] >= 4
        body = {
            "region_code": "540402001001001",
            "name": "领导",
            "id_number": make_id_number("540402", datetime.date(1960, 1, 1), 9),
        }
        response = c.post("/residents", json=body)
        assert response.status_code == 403
        assert "role" in response.json()["detail"]


def test_no_role_is_forbidden(live_app, tokens):
    with api(live_app, tokens, "stranger") as c:
        assert c.get("/grids").status_code == 403
    with api(live_app, tokens, "volunteer") as c:
        assert c.get("/residents").json()["count"] == 0  # no base data for volunteers


def test_create_resident_and_bad_input(live_app, tokens):
    with api(live_app, tokens, "worker_a1") as c:
        body = {
            "region_code": "540402001001001",
            "name": "新来的",
            "id_number": make_id_number("540402", datetime.date(1999, 9, 9), 3),
            "phone": "13900000009",
            "special_groups": ["new_employment"],
        }
        created = c.post("/residents", json=body)
        assert created.status_code == 201, created.text
        assert created.json()["special_groups"] == ["new_employment"]
        assert "*" in created.json()["id_number"]
        again = c.post("/residents", json=body)
        assert again.status_code == 400 and "already recorded" in again.json()["detail"]
        bad = c.post("/residents", json={**body, "id_number": "540402199909090000"})
        assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "id_number"
        assert c.post("/residents", json={"name": 1}).status_code == 400
        outside = c.post("/residents", json={**body, "region_code": "540402002001001"})
        assert outside.status_code == 404


def test_errors_speak_chinese_by_default(live_app, tokens):
    with httpx.Client(
        base_url=live_app.url + "/api",
        timeout=20,
        headers={"Authorization": f"Bearer {tokens['leader']}"},
    ) as c:
        response = c.post(
            "/residents", json={"region_code": "540402001001001", "name": "x", "id_number": "1"}
        )
        assert response.status_code == 403
        assert re.search(r"[\u4e00-\u9fff]", response.json()["detail"])


def test_locate(live_app, tokens):
    with api(live_app, tokens, "worker_a1") as c:
        assert (
            c.get("/grids/locate", params={"lat": 29.655, "lon": 94.365}).json()["grid"]["code"]
            == "540402001001001"
        )
        # a point in the next grid: not a grid this worker may see
        assert c.get("/grids/locate", params={"lat": 29.655, "lon": 94.375}).json() == {
            "grid": None
        }
        assert c.get("/grids/locate", params={"lat": 95, "lon": 94}).status_code == 400
        assert c.get("/grids/locate", params={"lat": "north"}).status_code == 400


def test_staffing_and_coverage(live_app, tokens):
    with api(live_app, tokens, "community_a") as c:
        gaps = {g["code"]: g["missing"] for g in c.get("/coverage").json()}
        assert "grid_police" in gaps["540402001001002"]
        assigned = c.post(
            "/staffing",
            json={"username": "police_a1", "role": "grid_police", "region_code": "540402001001002"},
        )
        assert assigned.status_code == 201, assigned.text
        gaps = {g["code"]: g["missing"] for g in c.get("/coverage").json()}
        assert "grid_police" not in gaps["540402001001002"]
        assert (
            c.post(
                "/staffing",
                json={
                    "username": "police_a1",
                    "role": "grid_police",
                    "region_code": "540402001001002",
                },
            ).status_code
            == 409
        )
        assert (
            c.post(
                "/staffing",
                json={
                    "username": "police_a1",
                    "role": "system_admin",
                    "region_code": "540402001001002",
                },
            ).status_code
            == 400
        )
        assert (
            c.post(
                "/staffing",
                json={
                    "username": "police_a1",
                    "role": "grid_police",
                    "region_code": "540402002001001",
                },
            ).status_code
            == 404
        )


def test_session_authentication_needs_csrf(live_app):
    c = httpx.Client(base_url=live_app.url, timeout=20)
    login = c.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    c.post(
        "/login/",
        data={"username": "worker_a1", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert c.get("/api/me").json()["username"] == "worker_a1"
    body = {"region_code": "540402001001001", "number": "0909"}
    assert c.post("/api/households", json=body).status_code == 403
    csrf = c.cookies.get("csrftoken")
    ok = c.post("/api/households", json=body, headers={"X-CSRFToken": csrf})
    assert ok.status_code == 201 and ok.json()["number"] == "0909"


def test_request_id_is_echoed(live_app, tokens):
    with api(live_app, tokens, "worker_a1", **{"X-Request-ID": "trace-123"}) as c:
        assert c.get("/me").headers["X-Request-ID"] == "trace-123"


def test_concurrent_writes_keep_the_audit_chain_whole(live_app, tokens):
    """16 clients write at once to a multi-process server; every write is acknowledged,
    none is lost, and the hash chain still verifies."""
    from concurrent.futures import ThreadPoolExecutor

    def post(i):
        with api(live_app, tokens, "worker_a1") as c:
            return c.post(
                "/households", json={"region_code": "540402001001001", "number": f"C{i:03d}"}
            ).status_code

    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(post, range(48)))
    assert codes == [201] * 48
    with api(live_app, tokens, "worker_a1") as c:
        numbers = {h["number"] for h in c.get("/households", params={"limit": 500}).json()["items"]}
    assert {f"C{i:03d}" for i in range(48)} <= numbers
    assert "Audit chain OK" in live_app.manage("audit", "verify")


MATTER = {
    "category": "fire-lane",
    "description": "楼下消防通道被占",
    "place": "540402001001001",
    "attributes": {"kind": "车辆"},
}


def test_report_a_matter_idempotently(live_app, tokens):
    with api(live_app, tokens, "worker_a1", **{"Idempotency-Key": "k-1"}) as c:
        first = c.post("/matters", json=MATTER)
        again = c.post("/matters", json=MATTER)
        assert first.status_code == again.status_code == 201
        assert first.json()["code"] == again.json()["code"]
        other = c.post("/matters", json={**MATTER, "description": "另一件事"})
        assert other.status_code == 409
    with api(live_app, tokens, "worker_a1") as c:
        codes = [m["code"] for m in c.get("/matters", params={"state": "reported"}).json()["items"]]
        assert codes.count(first.json()["code"]) == 1


def test_concurrent_idempotent_retries_create_one_matter(live_app, tokens):
    from concurrent.futures import ThreadPoolExecutor

    def post(_):
        with api(live_app, tokens, "worker_a1", **{"Idempotency-Key": "race-1"}) as c:
            return c.post("/matters", json={**MATTER, "description": "并发重试"}).json()["code"]

    with ThreadPoolExecutor(8) as pool:
        codes = set(pool.map(post, range(8)))
    assert len(codes) == 1


def test_matter_errors(live_app, tokens):
    with api(live_app, tokens, "worker_a1") as c:
        outside = c.post("/matters", json={**MATTER, "place": None, "lat": 10.0, "lon": 10.0})
        assert outside.status_code == 400 and "not in any grid" in outside.json()["detail"]
        unknown = c.post("/matters", json={**MATTER, "category": "nope"})
        assert unknown.status_code == 400
        missing = c.post(
            "/matters", json={**MATTER, "category": "neighbour-dispute", "attributes": {}}
        )
        assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "parties"
        assert c.post("/matters", json={**MATTER, "place": "540402001001002"}).status_code == 404


def test_two_people_acting_at_once_one_wins(live_app, tokens):
    """Both staff members saw version 1; exactly one register succeeds, the other is told
    the matter changed (409), and the matter is registered once."""
    from concurrent.futures import ThreadPoolExecutor

    with api(live_app, tokens, "worker_a1") as c:
        code = c.post("/matters", json={**MATTER, "description": "并发登记"}).json()["code"]

    def register(who):
        with api(live_app, tokens, who) as c:
            return c.post(f"/matters/{code}/transitions/register", json={"version": 1}).status_code

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(register, ["community_a", "admin"]))
    assert codes == [200, 409]
    with api(live_app, tokens, "community_a") as c:
        m = c.get(f"/matters/{code}").json()
        assert m["state"] == "registered" and m["version"] == 2


def test_matter_walk_through_api(live_app, tokens):
    with api(live_app, tokens, "worker_a1") as c:
        m = c.post("/matters", json={**MATTER, "description": "走完全流程"}).json()
    code = m["code"]
    with api(live_app, tokens, "admin") as c:
        unit = c.get("/units", params={"q": "住建"}).json()["items"][0]["id"]
    with api(live_app, tokens, "community_a") as c:
        m = c.post(f"/matters/{code}/transitions/register", json={}).json()
        m = c.post(f"/matters/{code}/transitions/dispatch", json={"unit_id": unit}).json()
        assert m["state"] == "dispatched"
    with api(live_app, tokens, "handler") as c:
        assert "accept" in c.get(f"/matters/{code}").json()["allowed"]
        c.post(f"/matters/{code}/transitions/accept", json={})
        m = c.post(f"/matters/{code}/transitions/handle", json={"note": "已清理"}).json()
        assert m["state"] == "handled" and "verify" not in m["allowed"]
        refused = c.post(f"/matters/{code}/transitions/close", json={})
        assert refused.status_code == 409
    with api(live_app, tokens, "worker_a1") as c:
        assert c.post(f"/matters/{code}/transitions/verify", json={}).json()["state"] == "verified"
    with api(live_app, tokens, "worker_b1") as c:
        assert c.get(f"/matters/{code}").status_code == 404
    with api(live_app, tokens, "community_a") as c:
        # a note for the reporter is public: no phone numbers in it, and nothing changes
        bad = c.post(
            f"/matters/{code}/transitions/close", json={"public_note": "车主电话139 0894 0001"}
        )
        assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "public_note"
        assert c.get(f"/matters/{code}").json()["state"] == "verified"
        closed = c.post(
            f"/matters/{code}/transitions/close",
            json={"note": "内部：已约谈车主", "public_note": "通道已清理。"},
        )
        assert closed.status_code == 200 and closed.json()["state"] == "closed"
