"""Enforcement KPIs on hand-made cases whose figures are worked out by hand below."""

import datetime

import pytest
from django.utils import timezone

from gridgov.core.errors import Forbidden, Invalid
from gridgov.enforcement import cases, kpis, ledger
from gridgov.enforcement.models import ClosureType, RecoveryMeans

D = datetime.date
H1 = (D(2026, 1, 1), D(2026, 6, 30))


@pytest.fixture
def courts(world):
    a, b = world.regions["street_a"], world.regions["street_b"]
    return (
        cases.create_court(a, "A", "甲法院", actor="system:test"),
        cases.create_court(b, "B", "乙法院", actor="system:test"),
    )


@pytest.fixture
def book(world, courts):
    """Seven cases in court A around the first half of 2026."""
    officer = world.user("court_officer")
    a = courts[0]

    def file(n, filed_on, closed_on=None, closure=ClosureType.COMPLETED):
        case = cases.file_case(
            a,
            number=f"（2026）藏0402执{n}号",
            kind="first",
            applicant="甲公司",
            respondent="乙",
            amount_fen=200_000,
            filed_on=filed_on,
            actor=officer,
        )
        if closed_on:
            case = cases.move(case, "close", closure_type=closure, on=closed_on, actor=officer)
        return case

    c = {
        1: file(1, D(2025, 10, 1), D(2026, 2, 1)),  # carried over, closed within the limit
        2: file(2, D(2025, 5, 1)),  # carried over, still open: pending over a year
        3: file(3, D(2026, 1, 10), D(2026, 9, 1)),  # new, closed after the period
        4: file(4, D(2026, 2, 1), D(2026, 3, 1), ClosureType.TERMINATED_THIS_TIME),
        5: file(5, D(2025, 11, 1), D(2025, 12, 20)),  # closed before the period
        6: file(6, D(2025, 12, 1), D(2026, 6, 15), ClosureType.SETTLED),  # past its limit
        7: file(7, D(2026, 7, 1)),  # filed after the period
    }
    cases.record_recovery(c[1], 100_000, RecoveryMeans.DIRECT, on=D(2026, 1, 20), actor=officer)
    cases.record_recovery(c[6], 50_000, RecoveryMeans.AUCTION, on=D(2026, 6, 10), actor=officer)
    cases.record_recovery(c[3], 70_000, RecoveryMeans.DIRECT, on=D(2026, 8, 5), actor=officer)
    return c


def figures(court, start, end):
    return kpis.compute(kpis.in_scope(end, court.region_path), start, end).as_dict()


def test_first_half_figures_as_worked_out_by_hand(courts, book):
    f = figures(courts[0], *H1)
    assert f["new"] == 2  # 3 and 4
    assert f["carried_over"] == 3  # 1, 2 and 6
    assert f["received"] == 5
    assert f["closed"] == 3  # 1, 4 and 6
    assert f["closure_rate"] == 0.6
    assert f["within_limit_rate"] == 0.6667  # 6 closed past its limit
    assert f["actual_rate"] == 0.6667  # completed and settled
    assert f["terminated_this_time_rate"] == 0.3333
    assert f["recovered_fen"] == 150_000  # the August recovery is outside the period
    assert f["recovery_rate"] == 0.25  # 150,000 of the 600,000 applied for on 1, 4, 6
    assert f["pending_over_year"] == 1
    long = kpis.long_pending(kpis.in_scope(H1[1], courts[0].region_path), H1[1])
    assert [c.number for c in long] == [book[2].number]
    assert figures(courts[1], *H1)["received"] == 0
    by_court = kpis.compute(kpis.in_scope(H1[1], "", court=courts[0]), *H1).as_dict()
    assert by_court == f


def test_a_past_period_reads_the_same_after_later_changes(world, courts, book):
    before = figures(courts[0], *H1)
    officer = world.user("court_officer")
    today = timezone.localdate()
    # later: the open case goes to court B, money arrives on case 7 and is partly reversed
    cases.assign_to_court(book[2], courts[1], "异地执行", actor=officer)
    entry = ledger.receive(30_000, case=book[7], actor="test")
    ledger.receive(5_000, case=book[7], actor="test")
    ledger.reverse(entry, actor="test")
    cases.move(book[7], "close", closure_type=ClosureType.TERMINATED, actor=officer)
    assert figures(courts[0], *H1) == before
    assert figures(courts[1], *H1)["received"] == 0  # B did not hold it then
    by_court = kpis.compute(kpis.in_scope(H1[1], "", court=courts[0]), *H1).as_dict()
    assert by_court == before
    now_a, now_b = figures(courts[0], today, today), figures(courts[1], today, today)
    assert now_b["carried_over"] == 1 and now_b["pending_over_year"] == 1
    assert now_a["recovered_fen"] == 5_000  # receipts less the reversal
    assert now_a["closed"] == 1


def test_closure_counting_rules_are_configurable(settings, courts, book):
    settings.GRIDGOV_ENFORCEMENT_KPI = {"actual": [ClosureType.COMPLETED]}
    assert figures(courts[0], *H1)["actual_rate"] == 0.3333
    settings.GRIDGOV_ENFORCEMENT_KPI = {"long_pending_days": 600}
    assert figures(courts[0], *H1)["pending_over_year"] == 0


def test_recoveries_are_checked(world, book):
    officer = world.user("court_officer")
    with pytest.raises(Invalid):
        cases.record_recovery(book[1], -5, RecoveryMeans.DIRECT, actor=officer)
    with pytest.raises(Invalid):
        cases.record_recovery(book[1], 5, "magic", actor=officer)
    with pytest.raises(Invalid):  # before filing
        cases.record_recovery(book[1], 5, RecoveryMeans.DIRECT, on=D(2020, 1, 1), actor=officer)
    with pytest.raises(Forbidden):
        cases.record_recovery(book[1], 5, RecoveryMeans.DIRECT, actor=world.user("worker_a1"))
    assert book[1].recoveries.count() == 1


def test_campaign_progress_counts_its_own_cases(world, courts, book):
    officer = world.user("court_officer")
    campaign = cases.create_campaign(
        courts[0], "qingjian", "清积案", D(2026, 1, 1), D(2026, 6, 30), actor=officer
    )
    assert cases.tag_cases(campaign, [book[2], book[6], book[1]], actor=officer) == 3
    assert cases.tag_cases(campaign, [book[2]], actor=officer) == 0
    f = kpis.compute(kpis.campaign_scope(campaign), campaign.starts_on, campaign.ends_on)
    assert (f.received, f.closed, f.closure_rate) == (3, 2, 0.6667)
    b_case = cases.file_case(
        courts[1],
        number="（2026）藏0402执99号",
        kind="first",
        applicant="丙",
        respondent="丁",
        amount_fen=1,
        filed_on=D(2026, 1, 1),
        actor=officer,
    )
    with pytest.raises(Invalid, match="99"):
        cases.tag_cases(campaign, [b_case], actor=officer)


def test_dashboard_page(world, courts, book):
    from django.test import Client

    officer = Client()
    officer.force_login(world.users["court_officer"])
    h1 = {"start": "2026-01-01", "end": "2026-06-30"}
    page = officer.get("/enforcement/kpis/", h1)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="k-received">5<' in html and 'id="k-closure">60.00%<' in html
    assert 'id="kpi-chart-data"' in html and "echarts.common.min.js" in html
    assert book[2].number in html  # the long-pending list
    one = officer.get(
        "/enforcement/kpis/", {"start": "2026-01-01", "end": "2026-06-30", "court": "B"}
    )
    assert 'id="k-received">0<' in one.content.decode()
    assert (
        officer.get("/enforcement/kpis/", {"start": "2026-07-01", "end": "2026-01-01"}).status_code
        == 400
    )
    assert officer.get("/enforcement/kpis/", {"court": "nope"}).status_code == 404
    assert officer.get("/enforcement/kpis/", {"year": "1"}).status_code == 400
    worker = Client()
    worker.force_login(world.users["worker_a1"])
    assert worker.get("/enforcement/kpis/").status_code == 403


def test_dashboard_opens_on_the_last_complete_year(world, courts, book):
    """The current year is near empty for months; unless asked otherwise the page shows the
    last complete one. Its court table labels every cell, so it reads as cards on a phone."""
    import re

    from django.test import Client
    from django.utils import timezone

    officer = Client()
    officer.force_login(world.users["court_officer"])
    last = timezone.localdate().year - 1
    html = officer.get("/enforcement/kpis/").content.decode()
    assert f'name="start" value="{last}-01-01"' in html
    assert f'name="end" value="{last}-12-31"' in html
    asked = officer.get("/enforcement/kpis/", {"start": "2026-01-01", "end": "2026-06-30"})
    assert 'name="start" value="2026-01-01"' in asked.content.decode()
    table = re.search(r'<table id="by-court" class="cards">.*?</table>', html, re.S).group(0)
    cells = re.findall(r"<td[^>]*>", table)
    assert cells and all("data-label=" in td for td in cells)


def test_the_last_complete_year_is_one_with_cases(world, courts, book):
    """A deployment whose history stops some years back (the demo's ends in 2023) opens on
    the last year with cases, not on an empty one."""
    from gridgov.enforcement.kpi_views import last_complete_year

    officer = world.user("court_officer")
    assert last_complete_year(officer, D(2026, 11, 29)) == 2025
    assert last_complete_year(officer, D(2029, 2, 1)) == 2026
    assert last_complete_year(world.user("worker_a1"), D(2029, 2, 1)) == 2028
