"""The home page: each role opens on its own work, with its main action one tap away, and
every figure equals the rows of the list it links to."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.enforcement import cases, ledger, payouts
from gridgov.enforcement.models import Court
from gridgov.matters.models import Matter, State
from gridgov.matters.tests.test_workflow import report, to_state
from gridgov.testing.world import USERS

ROLE_KEYS = [key for key, _role, _region in USERS]
FIGURE = re.compile(r'<a class="(?:figure[^"]*)" href="([^"]+)" data-count="(\d+)"')
BREAKDOWN = re.compile(r'<a href="([^"]+)" data-count="(\d+)"')


@pytest.fixture
def busy(world, settings):
    """The test world with matters at several steps, late and soon due, new today and
    older, and a court with a case near its limit, an extension and a payout to approve."""
    settings.GRIDGOV_PAYOUT_APPROVAL_FEN = 100
    now = timezone.now()
    fresh = report(world)  # new today, waiting to be registered
    report(world, who="worker_b1", region=world.regions["grid_b1"])
    late = to_state(world, report(world), State.DISPATCHED)
    soon = to_state(
        world, report(world, who="worker_a2", region=world.regions["grid_a2"]), State.IN_HAND
    )
    handled = to_state(world, report(world), State.HANDLED)
    to_state(world, report(world), State.CLOSED)
    Matter.objects.filter(pk=late.pk).update(deadline=now - datetime.timedelta(days=4))
    Matter.objects.filter(pk=soon.pk).update(deadline=now + datetime.timedelta(days=2))
    Matter.objects.exclude(pk=fresh.pk).update(created_at=now - datetime.timedelta(days=3))

    d = world.regions["district"]
    court = Court.objects.create(code="J0402", name="巴宜区人民法院", region=d, region_path=d.path)
    officer = world.user("court_officer")
    old = cases.file_case(
        court,
        number="（2026）藏0402执123号",
        kind="first",
        applicant="甲公司",
        respondent="乙",
        amount_fen=2_000_000,
        filed_on=timezone.localdate() - datetime.timedelta(days=200),
        actor=officer,
    )
    recent = cases.file_case(
        court,
        number="（2026）藏0402执124号",
        kind="first",
        applicant="甲公司",
        respondent="丙",
        amount_fen=1_000_000,
        filed_on=timezone.localdate() - datetime.timedelta(days=5),
        actor=officer,
    )
    from gridgov.accounts import actions as account_actions
    from gridgov.accounts.roles import Role

    colleague = account_actions.create_user("officer2", "pw-officer2-x", actor="test")
    account_actions.assign_role(colleague, Role.COURT_OFFICER, d, actor="test")
    cases.request_extension(recent, 30, "财产处置中", actor=colleague)
    ledger.receive(100_000, case=old, actor="test")
    payee = payouts.add_payee(old, "甲公司", "农业银行", "6228 0000 1111", actor=officer)
    payouts.verify_payee(payee, actor=world.user("court_finance"))
    payouts.request_payout(old, payee, 30_000, actor=officer)
    return {"handled": handled, "late": late, "soon": soon, "fresh": fresh}


def client_for(world, key) -> Client:
    c = Client()
    c.force_login(world.users[key])
    return c


def rows_behind(c: Client, url: str) -> int:
    """How many rows the list at `url` shows (across its pages)."""
    path, _, fragment = url.partition("#")
    response = c.get(path)
    assert response.status_code == 200, url
    ctx = response.context
    if fragment == "payouts-to-approve":
        return len(ctx["to_approve"])
    if fragment == "overdue-payouts":
        return len(ctx["overdue"])
    if "page" in ctx:
        return ctx["page"].paginator.count
    return len(ctx["rows"])  # the coverage list


@pytest.mark.parametrize("key", ROLE_KEYS)
def test_every_figure_equals_the_list_behind_it(world, busy, key):
    c = client_for(world, key)
    home = c.get("/").content.decode()
    figures = FIGURE.findall(home) + BREAKDOWN.findall(home)
    assert figures or key in ("liaison_a1", "volunteer"), key  # everyone else has work counted
    for url, count in figures:
        assert rows_behind(c, url.replace("&amp;", "&")) == int(count), (key, url)


def panel(home: str, key: str) -> str:
    start = home.index(f'id="panel-{key}"')
    return home[start : home.index("</section>", start)]


def test_each_role_opens_on_its_own_work(world, busy):
    # the grid worker: reporting one tap away, then the handled matter to verify
    worker = client_for(world, "worker_a1").get("/").content.decode()
    work = panel(worker, "matters-work")
    first_button = re.search(r'<a class="button" href="([^"]+)">([^<]+)</a>', work)
    assert first_button.group(1) == "/matters/new/"
    assert busy["handled"].code in work and "/people/residents/new/" in worker
    assert "觉木一网格" in worker  # their grid, one tap away
    assert 'id="panel-regions-population"' not in worker  # no population tiles for them
    # the handler: the matter waiting longest is the primary button
    handler = panel(client_for(world, "handler").get("/").content.decode(), "matters-work")
    first_button = re.search(r'<a class="button" href="([^"]+)"', handler)
    assert first_button.group(1) == f"/matters/{busy['late'].code}/"
    assert "overdue by 4 days" in handler or "超期 4 天" in handler
    # community staff: new reports and verifications waiting, population below the work
    staff = client_for(world, "community_a").get("/").content.decode()
    assert staff.index('id="panel-matters-work"') < staff.index('id="panel-regions-population"')
    assert '?state=reported" data-count="1"' in staff and '?state=handled" data-count="1"' in staff
    street = client_for(world, "street_a").get("/").content.decode()
    assert 'id="breakdown"' in street and "觉木社区" in street and "双拥社区" not in street
    # the leader reads figures and writes nothing
    leader = client_for(world, "leader").get("/").content.decode()
    assert "/people/residents/new/" not in leader and "/matters/new/" not in leader
    assert 'id="panel-enforcement-cases"' in leader and 'id="breakdown"' in leader
    # court people see their cases, never residents
    court = client_for(world, "court_officer").get("/").content.decode()
    assert "（2026）藏0402执123号" in panel(court, "enforcement-cases")
    assert "财产处置中" not in court  # they did not ask for it, but they run the case
    assert "residents" not in court and "居民" not in court
    finance = client_for(world, "court_finance").get("/").content.decode()
    assert '#payouts-to-approve" data-count="1"' in finance


@pytest.mark.parametrize("key", ["liaison_a1", "volunteer"])
def test_liaison_and_volunteer_see_what_they_can_do_not_zeros(world, key):
    home = client_for(world, key).get("/").content.decode()
    # no panel of zero tiles: a panel whose figures are all zero says what will come instead
    for one in re.findall(r'<section class="panel.*?</section>', home, flags=re.S):
        counts = re.findall(r'data-count="(\d+)"', one)
        assert not counts or any(int(n) for n in counts), one
    assert 'class="empty"' in home  # an honest word about what will appear here
    if key == "liaison_a1":
        assert 'href="/matters/new/"' in home and "1号楼" in home


def test_the_colleague_is_asked_to_approve_the_extension(world, busy):
    from gridgov.accounts import actions as account_actions
    from gridgov.accounts.roles import Role

    third = account_actions.create_user("officer3", "pw-officer3-x", actor="test")
    account_actions.assign_role(third, Role.COURT_OFFICER, world.regions["district"], actor="test")
    c = Client()
    c.force_login(third)
    home = panel(c.get("/").content.decode(), "enforcement-cases")
    assert "财产处置中" in home and '?extensions=waiting" data-count="1"' in home


def test_no_role_no_panels(world):
    home = client_for(world, "stranger").get("/").content.decode()
    assert 'class="panel' not in home and ("administrator" in home or "管理员" in home)
    assert Client().get("/").status_code == 302
