"""The case list as cards: parties, court and officer, days left in colour; filters chosen
from lists; a pager that keeps them; no query per case."""

import datetime
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.enforcement import cases
from gridgov.enforcement.models import Court
from gridgov.enforcement.tests.test_cases import court, file  # noqa: F401


def client_for(world, key) -> Client:
    c = Client()
    c.force_login(world.users[key])
    return c


def cards(html: str) -> list[str]:
    return re.findall(r'<tr class="case.*?</tr>', html, re.S)


def filed(world, court, n, start=0, **kw):  # noqa: F811
    today = timezone.localdate()
    return [
        file(
            world,
            court,
            number=f"（2026）藏0402执{start + i + 1}号",
            filed_on=kw.pop("filed_on", today - datetime.timedelta(days=20 + i)),
            **kw,
        )
        for i in range(n)
    ]


def test_a_card_shows_parties_court_officer_days_left_and_state(world, court):  # noqa: F811
    today = timezone.localdate()
    late = file(
        world,
        court,
        number="（2025）藏0402执9号",
        filed_on=today - datetime.timedelta(days=400),
        officer=world.user("court_officer"),
    )
    six_months_ago = cases.add_months(today, -cases.limit_months("litigation"))
    near = file(
        world,
        court,
        number="（2026）藏0402执7号",
        filed_on=six_months_ago + datetime.timedelta(days=10),
    )
    fresh = file(world, court, number="（2026）藏0402执8号", filed_on=today)
    page = client_for(world, "court_officer").get("/enforcement/").content.decode()
    by = {c.number: card for c in (late, near, fresh) for card in cards(page) if c.number in card}
    assert 'class="overdue"' in by[late.number] and "court_officer" in by[late.number]
    assert 'class="due-soon"' in by[near.number]
    assert 'class="overdue"' not in by[fresh.number] and 'class="due-soon"' not in by[fresh.number]
    assert "甲公司" in by[fresh.number] and "巴宜区人民法院" in by[fresh.number]
    assert 'class="status status-filed"' in by[fresh.number]


def test_filters_from_lists_and_the_pager_keeps_them(world, court):  # noqa: F811
    other = Court.objects.create(
        code="J0403",
        name="林芝市中级人民法院",
        region=world.regions["district"],
        region_path=world.regions["district"].path,
    )
    filed(world, court, 27)
    filed(world, other, 2, start=100)
    c = client_for(world, "court_officer")
    page = c.get("/enforcement/").content.decode()
    courts = page.split('name="court"', 1)[1].split("</select>", 1)[0]
    assert "巴宜区人民法院" in courts and "林芝市中级人民法院" in courts
    only = c.get(f"/enforcement/?court={other.pk}").content.decode()
    assert len(cards(only)) == 2
    first = c.get(f"/enforcement/?court={court.pk}&state=filed&kind=first").content.decode()
    assert len(cards(first)) == 25
    nxt = re.search(r'href="([^"]+)" rel="next"', first)[1].replace("&amp;", "&")
    for kept in (f"court={court.pk}", "state=filed", "kind=first", "page=2"):
        assert kept in nxt
    assert len(cards(c.get("/enforcement/" + nxt).content.decode())) == 2
    assert c.get("/enforcement/?court=abc&q=" + "执" * 500).status_code == 200


def test_the_query_count_does_not_grow_with_the_rows(world, court):  # noqa: F811
    def count():
        c = client_for(world, "court_officer")
        c.get("/enforcement/")
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/enforcement/").status_code == 200
        return len(ctx.captured_queries)

    filed(world, court, 2, officer=world.user("court_officer"))
    few = count()
    filed(world, court, 10, start=50, officer=world.user("court_officer"))
    assert count() == few
