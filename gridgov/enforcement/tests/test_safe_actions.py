"""Safe actions on a case's page: closing starts on "choose…" (never on 执行完毕), the money
steps are warning buttons that ask first, and an empty choice is refused clearly."""

import re

from gridgov.enforcement import ledger
from gridgov.enforcement.models import CaseState, EnforcementCase, Payout, PayoutState
from gridgov.enforcement.tests.test_cases import court, file  # noqa: F401
from gridgov.enforcement.tests.test_pages import case, client_for  # noqa: F401


def _select(page: str, name: str) -> str:
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert found, name
    return found.group(1)


def test_closing_a_case_starts_on_choose_and_an_empty_choice_is_refused(world, case):  # noqa: F811
    officer = client_for(world, "court_officer")
    officer.cookies["django_language"] = "en"
    page = officer.get(f"/enforcement/cases/{case.pk}/").content.decode()
    options = _select(page, "closure_type")
    assert options.startswith('<option value="" selected>')
    assert options.count(" selected") == 1
    button = re.search(r'<button[^>]*id="do-close"[^>]*>', page).group(0)
    assert 'class="warning"' in button and "data-confirm=" in button
    refused = officer.post(f"/enforcement/cases/{case.pk}/do/close/", {"closure_type": ""})
    assert refused.status_code == 400 and "Choose how the case closes." in refused.content.decode()
    assert EnforcementCase.objects.get(pk=case.pk).state != CaseState.CLOSED


def test_payout_steps_ask_first_and_no_account_is_chosen_for_the_officer(world, case):  # noqa: F811
    ledger.receive(100_000_00, case=case, actor="test")
    officer, finance = client_for(world, "court_officer"), client_for(world, "court_finance")
    officer.cookies["django_language"] = "en"
    url = f"/enforcement/cases/{case.pk}/do/"
    account = {"holder": "甲公司", "bank": "农业银行", "account_no": "6228 0001"}
    officer.post(url + "payee/", account)
    payee = case.payees.get()
    finance.post(url + "verify/", {"payee": payee.pk})
    page = officer.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert _select(page, "payee").startswith('<option value="">')
    assert " selected" not in _select(page, "payee")
    ask = re.search(r'<button[^>]*id="request-payout"[^>]*>', page).group(0)
    assert "warning" in ask and "data-confirm=" in ask
    refused = officer.post(url + "payout/", {"payee": "", "amount": "60000"})
    assert refused.status_code == 400
    assert "Choose the verified account to pay." in refused.content.decode()
    assert not Payout.objects.exists()
    # above the threshold: finance approves, after a question that names amount and payee
    assert officer.post(url + "payout/", {"payee": payee.pk, "amount": "60000"}).status_code == 302
    payout = Payout.objects.get()
    assert payout.state == PayoutState.REQUESTED
    desk = finance.get(f"/enforcement/cases/{case.pk}/").content.decode()
    approve = re.search(rf'<button[^>]*id="approve-{payout.pk}"[^>]*>', desk).group(0)
    assert 'class="warning"' in approve
    question = re.search(r'data-confirm="([^"]*)"', approve).group(1)
    assert "¥60,000.00" in question and "甲公司" in question
