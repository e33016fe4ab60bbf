"""The enforcement API over real HTTP against the demo served by gunicorn: the regional
court system's 2023 figures as the page reports them, scoping, and bad input."""

import datetime

import httpx
import pytest

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def tokens(live_demo):
    return {
        k: live_demo.manage("create-token", k).strip()
        for k in ("court-city", "court", "worker", "finance")
    }


def api(live_demo, tokens, who):
    return httpx.Client(
        base_url=live_demo.url + "/api",
        headers={"Authorization": f"Bearer {tokens[who]}", "Accept-Language": "en"},
        timeout=60,
    )


def test_the_regional_courts_2023_figures_are_the_pages(live_demo, tokens):
    with api(live_demo, tokens, "court-city") as c:
        y23 = c.get("/enforcement/kpis", params={"start": "2023-01-01", "end": "2023-12-31"})
        y22 = c.get("/enforcement/kpis", params={"start": "2022-01-01", "end": "2022-12-31"})
        campaigns = {x["code"]: x for x in c.get("/enforcement/campaigns").json()}
    f, before = y23.json(), y22.json()
    assert round(f["received"] / 10_000, 2) == 3.44  # 3.44万件
    assert f["received"] - before["received"] == 8_967
    assert round((f["received"] - before["received"]) / before["received"] * 100, 2) == 35.24
    assert f["closed"] // 100 / 100 == 3.12  # 3.12万件
    assert f["closure_rate"] == 0.9094
    assert f["within_limit_rate"] == 0.9925
    assert f["recovered_fen"] == 3_506_000_000 * 100  # 35.06亿元
    assert f["recovered_fen"] - before["recovered_fen"] == 554_000_000 * 100  # +5.54亿元
    assert (before["pending_over_year"], f["pending_over_year"]) == (297, 12)
    assert len(f["long_pending"]) == 12
    q = campaigns["qingjian"]
    assert (q["cases"], q["closed"], q["closure_rate"]) == (297, 285, 0.9596)
    thunder = campaigns["leiting2023"]
    assert thunder["cases"] == 42 and thunder["recovered_fen"] == 164_000_000 * 100


def test_a_district_court_officer_sees_only_their_courts(live_demo, tokens):
    with api(live_demo, tokens, "court") as c, api(live_demo, tokens, "court-city") as city:
        mine = c.get("/enforcement/cases", params={"q": "藏0481"}).json()
        # 米林's cases are not Bayi's, but for those assigned to Bayi
        assert {x["court"] for x in mine["items"]} <= {"lz-by"}
        assert mine["count"] < 10
        other = city.get("/enforcement/cases", params={"court": "lz-ml"}).json()["items"][0]
        assert c.get(f"/enforcement/cases/{other['id']}").status_code == 404
        part = c.get("/enforcement/kpis", params={"start": "2023-01-01", "end": "2023-12-31"})
        assert 0 < part.json()["received"] < 34_412
        assert (
            c.get(
                "/enforcement/kpis",
                params={"start": "2023-01-01", "end": "2023-12-31", "court": "lz-ml"},
            ).status_code
            == 404
        )
    with api(live_demo, tokens, "worker") as w:
        assert w.get("/enforcement/cases").status_code == 403


def test_filing_and_moving_a_case_through_the_api(live_demo, tokens):
    today = datetime.date.today().isoformat()
    body = {
        "court": "lz-by",
        "number": "（2026）藏0402执99001号",
        "kind": "first",
        "applicant": "林芝雪域商贸有限公司",
        "respondent": "王伟",
        "amount_fen": 1_250_000,
        "filed_on": today,
    }
    with api(live_demo, tokens, "court") as c:
        for bad in ({"amount_fen": -1}, {"amount_fen": 12.5}, {"number": " "}, {"kind": "x"}):
            r = c.post("/enforcement/cases", json={**body, **bad})
            assert r.status_code == 400, (bad, r.text)
            assert r.json()["detail"]
        assert c.get("/enforcement/cases", params={"q": body["number"]}).json()["count"] == 0
        made = c.post("/enforcement/cases", json=body)
        assert made.status_code == 201, made.text
        case = made.json()
        assert case["state"] == "filed" and case["days_left"] > 170
        assert c.post("/enforcement/cases", json=body).status_code == 409
        pk = case["id"]
        assert c.post(f"/enforcement/cases/{pk}/steps/resume", json={}).status_code == 409
        assert (
            c.post(f"/enforcement/cases/{pk}/steps/start", json={}).json()["state"] == "enforcing"
        )
        assert c.post(f"/enforcement/cases/{pk}/steps/suspend", json={}).status_code == 400
        before = c.get("/enforcement/kpis", params={"start": today, "end": today}).json()
        r = c.post(
            f"/enforcement/cases/{pk}/recoveries",
            json={"amount_fen": 250_000, "means": "direct"},
        )
        assert r.status_code == 201
        after = c.get("/enforcement/kpis", params={"start": today, "end": today}).json()
        assert after["recovered_fen"] - before["recovered_fen"] == 250_000
        closed = c.post(
            f"/enforcement/cases/{pk}/steps/close", json={"closure_type": "settled"}
        ).json()
        assert closed["state"] == "closed" and closed["closed_within_limit"] is True
        bad = c.get("/enforcement/kpis", params={"start": "2024-01-01", "end": "2023-01-01"})
        assert bad.status_code == 400


def _live_case(c, n):
    number = f"（{datetime.date.today().year}）藏0402执{n}号"
    return c.get("/enforcement/cases", params={"q": number}).json()["items"][0]


def test_codes_payouts_assignment_and_campaigns_through_the_api(live_demo, tokens):
    with (
        api(live_demo, tokens, "court") as c,
        api(live_demo, tokens, "finance") as fin,
        api(live_demo, tokens, "court-city") as city,
    ):
        big = _live_case(c, 901)  # paid in full; its payout is above the approval threshold
        waiting = c.get(f"/enforcement/cases/{big['id']}/payouts").json()
        assert [p["state"] for p in waiting] == ["requested"]
        pid = waiting[0]["id"]
        assert c.post(f"/enforcement/cases/{big['id']}/payouts/{pid}/approve").status_code == 403
        approved = fin.post(f"/enforcement/cases/{big['id']}/payouts/{pid}/approve")
        assert approved.status_code == 200 and approved.json()["state"] == "pending"
        again = fin.post(f"/enforcement/cases/{big['id']}/payouts/{pid}/approve")
        assert again.status_code == 409
        assert c.get(f"/enforcement/cases/{big['id']}").json()["balance_fen"] == 0

        other = _live_case(c, 906)
        code = c.post(f"/enforcement/cases/{other['id']}/codes", json={"amount_due_fen": 50_000})
        assert code.status_code == 201 and code.json()["sheet_url"].endswith(".svg")
        bad = c.post(f"/enforcement/cases/{other['id']}/codes", json={"amount_due_fen": -5})
        assert bad.status_code == 400

        assert (
            c.post(
                "/enforcement/campaigns/qingjian/cases", json={"cases": [other["id"]]}
            ).status_code
            == 404
        )
        before = {x["code"]: x for x in city.get("/enforcement/campaigns").json()}["qingjian"]
        tagged = city.post("/enforcement/campaigns/qingjian/cases", json={"cases": [other["id"]]})
        assert tagged.status_code == 200
        assert tagged.json()["cases"] >= before["cases"]  # counted if filed in the period
        assert (
            other["number"]
            and "qingjian" in c.get(f"/enforcement/cases/{other['id']}").json()["campaigns"]
        )

        denied = c.post(
            f"/enforcement/cases/{other['id']}/assignment", json={"court": "lz-ml", "reason": "x"}
        )
        assert denied.status_code == 404  # 米林's court is not a district officer's to name
        same = city.post(
            f"/enforcement/cases/{other['id']}/assignment", json={"court": "lz-by", "reason": "x"}
        )
        assert same.status_code == 400  # not to its own court
        moved = city.post(
            f"/enforcement/cases/{other['id']}/assignment",
            json={"court": "lz-ml", "reason": "被执行人财产在米林"},
        )
        assert moved.status_code == 200 and moved.json()["court"] == "lz-ml"
        assert c.get(f"/enforcement/cases/{other['id']}").status_code == 404


def test_extension_through_the_api(live_demo, tokens):
    with api(live_demo, tokens, "court") as c, api(live_demo, tokens, "court-city") as city:
        case = _live_case(c, 907)
        asked = c.post(
            f"/enforcement/cases/{case['id']}/extensions", json={"days": 20, "reason": "评估拍卖中"}
        )
        assert asked.status_code == 201 and asked.json()["approved"] is False
        ext = asked.json()["id"]
        mine = c.post(f"/enforcement/cases/{case['id']}/extensions/{ext}/approve")
        assert mine.status_code == 403  # the case's own officer does not approve
        approved = city.post(f"/enforcement/cases/{case['id']}/extensions/{ext}/approve")
        assert approved.status_code == 200
        assert approved.json()["days_left"] == case["days_left"] + 20
        bad = c.post(f"/enforcement/cases/{case['id']}/extensions", json={"days": 0, "reason": "x"})
        assert bad.status_code == 400


def test_paging_and_dates_out_of_range_are_answered_not_crashed_on(live_demo, tokens):
    with api(live_demo, tokens, "court-city") as c:
        far = c.get("/enforcement/cases", params={"offset": 10**20, "limit": 10**20})
        assert far.status_code == 200 and far.json()["items"] == []
        assert far.json()["count"] > 50_000
        first = c.get("/enforcement/cases", params={"limit": 3}).json()["items"]
        assert len(first) == 3
        for start, end in (("0001-01-01", "0001-12-31"), ("9999-01-01", "9999-12-31")):
            r = c.get("/enforcement/kpis", params={"start": start, "end": end})
            assert r.status_code == 400 and r.json()["detail"]


def test_payees_through_the_api(live_demo, tokens):
    with api(live_demo, tokens, "court") as c, api(live_demo, tokens, "finance") as fin:
        case = _live_case(c, 908)
        url = f"/enforcement/cases/{case['id']}/payees"
        bad = c.post(url, json={"holder": "甲", "bank": "农行", "account_no": "12ab"})
        assert bad.status_code == 400
        made = c.post(
            url,
            json={
                "holder": "林芝某公司",
                "bank": "农行林芝分行",
                "account_no": "6228 4800 1234 5678",
            },
        )
        assert made.status_code == 201, made.text
        payee = made.json()
        assert payee["account_masked"] == "6228****5678" and payee["verified"] is False
        assert c.post(f"{url}/{payee['id']}/verify").status_code == 403  # not the officer's
        assert fin.post(f"{url}/{payee['id']}/verify").json()["verified"] is True
        assert payee["id"] in [p["id"] for p in c.get(url).json() if p["verified"]]
