import pytest
from django.test import Client
from django.utils import timezone

from gridgov.enforcement import ledger, payments, payouts
from gridgov.enforcement.models import Payout, PayoutState
from gridgov.enforcement.tests.test_cases import court, file  # noqa: F401


def client_for(world, key):
    c = Client()
    c.force_login(world.users[key])
    return c


@pytest.fixture
def case(world, court):  # noqa: F811
    return file(world, court)


def test_case_pages_for_officer_finance_and_others(world, case):
    officer = client_for(world, "court_officer")
    assert case.number in officer.get("/enforcement/").content.decode()
    page = officer.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert 'id="days-overdue"' in page and 'id="do-start"' in page  # limit was 2026-09-10
    assert (
        officer.post(f"/enforcement/cases/{case.pk}/do/code/", {"amount": "1234.50"}).status_code
        == 302
    )
    code = case.payment_codes.get()
    assert code.amount_due_fen == 123_450
    sheet = officer.get(f"/enforcement/cases/{case.pk}/codes/{code.code}/sheet.svg")
    assert sheet["Content-Type"].startswith("image/svg+xml")
    assert case.number in sheet.content.decode() and "¥1,234.50" in sheet.content.decode()
    assert (
        officer.post(f"/enforcement/cases/{case.pk}/do/code/", {"amount": "12.345"}).status_code
        == 400
    )
    for key in ["worker_a1", "community_a", "stranger"]:
        assert client_for(world, key).get(f"/enforcement/cases/{case.pk}/").status_code in (
            403,
            404,
        ), key


def test_payout_flow_through_pages(world, case):
    ledger.receive(100_000, case=case, actor="test")
    officer, finance = client_for(world, "court_officer"), client_for(world, "court_finance")
    url = f"/enforcement/cases/{case.pk}/do/"
    officer.post(
        url + "payee/", {"holder": "甲公司", "bank": "农业银行", "account_no": "6228 0000 1111"}
    )
    payee = case.payees.get()
    assert finance.post(url + "verify/", {"payee": payee.pk}).status_code == 302
    assert officer.post(url + "payout/", {"payee": payee.pk, "amount": "300"}).status_code == 302
    payout = Payout.objects.get()
    assert payout.state == PayoutState.PENDING and payout.amount_fen == 30_000
    assert officer.post(url + "paid/", {"payout": payout.pk}).status_code == 403
    assert finance.post(url + "paid/", {"payout": payout.pk}).status_code == 302
    assert ledger.balance(ledger.case_account(case)) == 70_000
    overdraw = officer.post(url + "payout/", {"payee": payee.pk, "amount": "800"})
    assert overdraw.status_code == 400
    close = officer.post(url + "close/", {"closure_type": "completed"})
    assert close.status_code == 409 and "700.00" in close.content.decode()


def test_finance_desk_assigns_suspense(world, case):
    provider, secret = payments.create_provider("desk")
    ledger.receive(9_900, case=None, actor="test", court=case.court)  # on the court's account
    finance = client_for(world, "court_finance")
    page = finance.get("/enforcement/finance/").content.decode()
    assert 'data-fen="9900">¥99.00<' in page and "已平衡" in page
    month = timezone.localdate().strftime("%Y-%m")
    assert f'data-month="{month}" data-unclaimed="9900"' in page  # the clear-to-zero list
    bad = finance.post("/enforcement/finance/", {"case": "nope", "amount": "99"})
    assert bad.status_code == 400
    # the number typed with half-width brackets (as a keyboard gives them) finds the case
    typed = case.number.replace("（", "(").replace("）", ")")
    assert typed != case.number
    ok = finance.post("/enforcement/finance/", {"case": typed, "amount": "99"})
    assert ok.status_code == 302
    assert ledger.balance(ledger.suspense_account(case.court)) == 0
    assert ledger.balance(ledger.case_account(case)) == 9_900
    page = finance.get("/enforcement/finance/").content.decode()
    assert f'data-month="{month}" data-unclaimed="0"' in page  # cleared to zero
    assert (
        client_for(world, "court_officer")
        .post("/enforcement/finance/", {"case": case.number, "amount": "1"})
        .status_code
        == 403
    )
    assert payouts.overdue().count() == 0


def test_extension_asked_and_approved_and_recovery_recorded_on_the_page(world, court):  # noqa: F811
    from gridgov.enforcement.tests.test_assignment import officer_at

    today = timezone.localdate()
    recent = file(world, court, number="（2026）藏0402执130号", filed_on=today.replace(day=1))
    officer = client_for(world, "court_officer")
    url = f"/enforcement/cases/{recent.pk}/do/"
    assert officer.post(url + "extend/", {"days": "abc", "reason": "x"}).status_code == 400
    assert officer.post(url + "extend/", {"days": "30", "reason": "财产处置中"}).status_code == 302
    ext = recent.extensions.get()
    page = officer.get(f"/enforcement/cases/{recent.pk}/").content.decode()
    assert "财产处置中" in page and f'id="approve-extension-{ext.pk}"' not in page  # not by them
    assert officer.post(url + "approve_extension/", {"extension": ext.pk}).status_code == 403
    colleague = Client()
    colleague.force_login(officer_at(world, "officer2", "district"))
    assert colleague.post(url + "approve_extension/", {"extension": ext.pk}).status_code == 302
    recent.refresh_from_db()
    assert recent.extension_days == 30
    # a recovery outside the account, in yuan; a future date is refused
    future = (today + timezone.timedelta(days=3)).isoformat()
    bad = officer.post(url + "recover/", {"amount": "500", "means": "direct", "on": future})
    assert bad.status_code == 400 and not recent.recoveries.exists()
    ok = officer.post(url + "recover/", {"amount": "1,500.50", "means": "auction", "note": "拍卖"})
    assert ok.status_code == 302
    assert recent.recoveries.get().amount_fen == 150_050
    assert "1,500.50" in officer.get(f"/enforcement/cases/{recent.pk}/").content.decode()


def test_home_page_shows_what_the_court_must_do(world, court, case):  # noqa: F811
    from gridgov.enforcement import cases
    from gridgov.enforcement.tests.test_assignment import officer_at

    today = timezone.localdate()
    fresh = file(world, court, number="（2026）藏0402执140号", filed_on=today.replace(day=1))
    cases.request_extension(fresh, 10, "评估中", actor=world.user("court_officer"))
    officer = client_for(world, "court_officer")
    home = officer.get("/").content.decode()
    panel = home.split('id="panel-enforcement-cases"')[1].split("</section>")[0]
    assert case.number in panel  # its limit passed in September
    assert fresh.number not in panel  # months left, and the extension is their own
    colleague = Client()
    colleague.force_login(officer_at(world, "officer3", "district"))
    assert "评估中" in colleague.get("/").content.decode()
    worker = client_for(world, "worker_a1").get("/").content.decode()
    assert 'id="panel-enforcement-cases"' not in worker


def test_ids_and_dates_that_are_not_there_are_refused_not_crashed_on(world, case):
    from gridgov.enforcement import cases

    officer = client_for(world, "court_officer")
    url = f"/enforcement/cases/{case.pk}/do/"
    for name, field in [("verify", "payee"), ("reveal", "party"), ("approve", "payout")]:
        assert officer.post(url + name + "/", {field: "abc", "reason": "x"}).status_code == 404
    assert officer.post(url + "assign/", {"court": "1 OR 1=1", "reason": "x"}).status_code == 404
    officer_user = world.user("court_officer")
    for bad_day in (
        case.filed_on - timezone.timedelta(days=1),
        timezone.localdate() + timezone.timedelta(days=1),
    ):
        with pytest.raises(cases.Invalid):
            cases.move(case, "close", closure_type="withdrawn", on=bad_day, actor=officer_user)
    case.refresh_from_db()
    assert case.state == "filed"


def test_the_finance_desk_offers_its_forms_only_to_court_finance(world, case):
    officer = client_for(world, "court_officer").get("/enforcement/finance/").content.decode()
    finance = client_for(world, "court_finance").get("/enforcement/finance/").content.decode()
    for form in ('name="case"', 'name="statement"'):
        assert form in finance and form not in officer  # the officer would only meet a 403
