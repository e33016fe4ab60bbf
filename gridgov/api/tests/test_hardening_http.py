"""Issue 8 over real HTTP: reveals are deliberate, and staffing and recording residents are
no oracles for what lies outside the user's scope."""

import datetime

import httpx
import pytest

from gridgov.testing.world import make_id_number

pytestmark = pytest.mark.django_db(transaction=False)

WHY = "入户核实"


@pytest.fixture(scope="module")
def tokens(live_app):
    keys = ["worker_a1", "worker_a2", "police_a1", "community_a"]
    return {k: live_app.manage("create-token", k).strip() for k in keys}


def api(live_app, tokens, who):
    return httpx.Client(
        base_url=live_app.url + "/api",
        headers={"Authorization": f"Bearer {tokens[who]}", "Accept-Language": "en"},
        timeout=20,
    )


def ask(live_app, expression: str) -> str:
    """A figure from the server's own database (what the people told would see)."""
    code = (
        "from gridgov.core.models import AuditEntry, AuditAction;"
        "from gridgov.notifications.models import Notification;"
        f"print({expression})"
    )
    return live_app.manage("shell", "--no-imports", "-c", code).strip()


def resident_id(c, name):
    return c.get("/residents", params={"q": name}).json()["items"][0]["id"]


def test_a_reveal_takes_one_object_with_a_reason_and_is_not_cached(live_app, tokens):
    with api(live_app, tokens, "worker_a1") as c:
        url = f"/residents/{resident_id(c, '张伟')}/reveal"
        before = ask(
            live_app, "AuditEntry.objects.filter(action=AuditAction.RESIDENT_REVEALED).count()"
        )
        for body in ([{"reason": WHY}], [{"reason": WHY}, {"reason": WHY}], [], "入户核实"):
            refused = c.post(url, json=body)
            assert refused.status_code == 400, body
            assert "13908940002" not in refused.text and "object" in refused.json()["detail"]
        for body in ({}, {"reason": ""}, {"reason": "  "}, {"reason": "ok"}, {"reason": 7}):
            refused = c.post(url, json=body)
            assert refused.status_code == 400, body
            assert "13908940002" not in refused.text
        assert "few words" in c.post(url, json={"reason": " "}).json()["detail"]
        after = ask(
            live_app, "AuditEntry.objects.filter(action=AuditAction.RESIDENT_REVEALED).count()"
        )
        assert after == before  # nothing was revealed
        shown = c.post(url, json={"reason": WHY})
        assert shown.status_code == 200 and shown.json()["phone"] == "13908940002"
        assert shown.headers["Cache-Control"] == "no-store"
        assert shown.headers["Pragma"] == "no-cache"


def test_hammering_reveals_stops_at_the_limit_and_tells_the_community(live_app, tokens):
    with api(live_app, tokens, "police_a1") as c:
        url = f"/residents/{resident_id(c, '扎西')}/reveal"
        answers = [c.post(url, json={"reason": WHY}).status_code for _ in range(20)]
        assert answers == [200] * 20
        for _ in range(3):
            refused = c.post(url, json={"reason": WHY})
            assert refused.status_code == 429 and "13908940001" not in refused.text
            assert "supervisors" in refused.json()["detail"]
    told = "Notification.objects.filter(kind='reveals', user__username='{}').count()"
    assert ask(live_app, told.format("community_a")) == "1"
    assert ask(live_app, told.format("street_a")) == "0"
    refusals = (
        "AuditEntry.objects.filter("
        "action=AuditAction.REVEAL_REFUSED, actor__username='police_a1').count()"
    )
    assert ask(live_app, refusals) == "3"


def test_reveals_sent_in_parallel_stop_at_the_limit_too(live_app, tokens):
    from concurrent.futures import ThreadPoolExecutor

    with api(live_app, tokens, "worker_a2") as c:
        url = f"/residents/{resident_id(c, '达瓦')}/reveal"

    def one(_n):
        with api(live_app, tokens, "worker_a2") as c:
            return c.post(url, json={"reason": WHY})

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(one, range(30)))
    assert sorted(a.status_code for a in answers) == [200] * 20 + [429] * 10
    # every refusal is the reveal's own, saying when more can be seen (none lost to a race
    # over who tells the supervisors)
    refused = [a for a in answers if a.status_code == 429]
    assert all("20" in a.json()["detail"] and a.headers["Retry-After"] for a in refused)


def test_staffing_answers_the_same_for_an_unknown_user_and_one_not_yours(live_app, tokens):
    with api(live_app, tokens, "community_a") as c:

        def assign(username):
            body = {
                "username": username,
                "role": "household_liaison",
                "region_code": "540402001001001001",  # 林芝花园, a compound in grid A1
            }
            return c.post("/staffing", json=body)

        unknown, elsewhere = assign("nobody-at-all"), assign("worker_b1")
        assert unknown.status_code == elsewhere.status_code == 400
        assert unknown.json() == elsewhere.json()
        live_app.manage("create-user", "newcomer", "--password", "gridgov-newcomer-pw")
        assert assign("newcomer").status_code == 201  # a new account without a role yet
        assert assign("worker_a2").status_code == 201  # works in this community already


def test_recording_an_id_number_held_elsewhere_is_one_answer_and_a_referral(live_app, tokens):
    dawa = make_id_number("540402", datetime.date(1980, 5, 17), 31)  # grid A2, same community
    li = make_id_number("540402", datetime.date(1980, 5, 17), 42)  # grid B1, the other street
    with api(live_app, tokens, "worker_a1") as c:

        def record(id_number):
            body = {"region_code": "540402001001001", "name": "新住户", "id_number": id_number}
            return c.post("/residents", json=body)

        near, far = record(dawa), record(li)
        assert near.status_code == far.status_code == 400
        assert near.json() == far.json()
        for word in ("already", "达瓦", "李娜", "觉木二网格", "双拥", "540402002"):
            assert word not in near.text, word
        tashi = make_id_number("540402", datetime.date(1980, 5, 17), 11)
        mine = record(tashi)  # inside the worker's own grid the answer says where
        assert mine.status_code == 400 and "already recorded" in mine.json()["detail"]
        assert "1号楼" in mine.json()["detail"]
    referrals = "Notification.objects.filter(kind='referral', user__username='{}').count()"
    assert ask(live_app, referrals.format("community_a")) == "1"  # keeps 达瓦's record
    assert ask(live_app, referrals.format("street_b")) == "1"  # B has no community staff
    texts = ask(
        live_app,
        "list(Notification.objects.filter(kind='referral').values_list('text', flat=True))",
    )
    assert "worker_a1" in texts and "*" in texts and dawa not in texts and li not in texts
