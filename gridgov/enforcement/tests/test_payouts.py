import datetime

import pytest

from gridgov.accounts import actions as account_actions
from gridgov.accounts.roles import Role
from gridgov.core.errors import Conflict, Forbidden, Invalid
from gridgov.enforcement import ledger, payouts
from gridgov.enforcement.models import AccountKind, EnforcementCase, PayoutState
from gridgov.enforcement.tests.test_ledger import make_cases


@pytest.fixture
def court(world):
    case, *_ = make_cases(world)
    officer, finance = world.user("court_officer"), world.user("court_finance")
    EnforcementCase.objects.filter(pk=case.pk).update(officer=officer)
    case.refresh_from_db()
    ledger.receive(100_000, case=case, actor="test")
    payee = payouts.add_payee(
        case, "申请人甲", "中国银行林芝分行", "6217 0000 1234 5678", actor=officer
    )
    return case, payee, officer, finance


def balance(case):
    return ledger.balance(ledger.case_account(case))


def test_payee_must_be_verified(court):
    case, payee, officer, finance = court
    assert payee.account_masked == "6217****5678"
    with pytest.raises(Invalid, match="verified"):
        payouts.request_payout(case, payee, 1_000, actor=officer)
    with pytest.raises(Forbidden):
        payouts.verify_payee(payee, actor=officer)
    payouts.verify_payee(payee, actor=finance)
    p = payouts.request_payout(case, payee, 1_000, actor=officer)
    assert p.state == PayoutState.PENDING  # under the threshold: sent at once
    assert balance(case) == 99_000
    assert p.due_on == datetime.date.today() + datetime.timedelta(days=30)


def test_above_the_threshold_someone_else_approves(court, settings):
    settings.GRIDGOV_PAYOUT_APPROVAL_FEN = 10_000
    case, payee, officer, finance = court
    payouts.verify_payee(payee, actor=finance)
    p = payouts.request_payout(case, payee, 60_000, actor=officer)
    assert p.state == PayoutState.REQUESTED and balance(case) == 100_000
    with pytest.raises(Forbidden):  # the officer holds a finance role too: still refused
        account_actions.assign_role(officer, Role.COURT_FINANCE, case.court.region, actor="test")
        payouts.approve_payout(p, actor=type(officer).objects.get(pk=officer.pk))
    p = payouts.approve_payout(p, actor=finance)
    assert p.state == PayoutState.PENDING and p.approved_by == finance
    with pytest.raises(Conflict):
        payouts.approve_payout(p, actor=finance)


def test_bank_failure_restores_the_balance(court):
    case, payee, officer, finance = court
    payouts.verify_payee(payee, actor=finance)
    p = payouts.request_payout(case, payee, 40_000, actor=officer)
    p = payouts.bank_result(p, ok=False, reason="户名不符", actor="bank")
    assert p.state == PayoutState.VOIDED and balance(case) == 100_000
    with pytest.raises(Conflict):
        payouts.bank_result(p, ok=True, actor="bank")
    q = payouts.request_payout(case, payee, 40_000, actor=officer)
    payouts.bank_result(q, ok=True, actor="bank")
    assert balance(case) == 60_000
    assert ledger.balance(ledger.system_account(AccountKind.CUSTODY)) == 60_000
    assert ledger.check().ok


def test_two_payouts_never_overdraw(court, settings):
    settings.GRIDGOV_PAYOUT_APPROVAL_FEN = 1
    case, payee, officer, finance = court
    payouts.verify_payee(payee, actor=finance)
    a = payouts.request_payout(case, payee, 70_000, actor=officer)
    b = payouts.request_payout(case, payee, 70_000, actor=officer)  # both fit alone
    payouts.approve_payout(a, actor=finance)
    with pytest.raises(Invalid, match="Not enough"):
        payouts.approve_payout(b, actor=finance)
    b.refresh_from_db()
    assert b.state == PayoutState.REQUESTED and balance(case) == 30_000


def test_overdue_payouts_are_flagged(court):
    case, payee, officer, finance = court
    payouts.verify_payee(payee, actor=finance)
    p = payouts.request_payout(case, payee, 1_000, actor=officer)
    assert not payouts.overdue().exists()
    assert list(payouts.overdue(datetime.date.today() + datetime.timedelta(days=31))) == [p]


def test_bank_answers_and_unclaimed_money_are_court_finances(court):
    from gridgov.core.models import AuditAction, AuditEntry

    case, payee, officer, finance = court
    payouts.verify_payee(payee, actor=finance)
    p = payouts.request_payout(case, payee, 1_000, actor=officer)
    with pytest.raises(Forbidden):
        payouts.bank_result(p, ok=True, actor=officer)
    assert payouts.bank_result(p, ok=True, actor=finance).state == PayoutState.POSTED
    ledger.receive(500, case=None, actor="test", court=case.court)
    with pytest.raises(Forbidden):
        payouts.assign_unclaimed(500, case, actor=officer)
    payouts.assign_unclaimed(500, case, actor=finance, note="电话核实")
    assert ledger.balance(ledger.suspense_account(case.court)) == 0
    entry = AuditEntry.objects.get(action=AuditAction.UNCLAIMED_ASSIGNED)
    assert entry.actor_id == finance.pk and entry.after["amount_fen"] == 500
