import datetime

import pytest

from gridgov.core.errors import Conflict, Forbidden, Invalid
from gridgov.enforcement import cases, ledger, payouts
from gridgov.enforcement.models import CaseState, ClosureType, Court

D = datetime.date


@pytest.fixture
def court(world):
    d = world.regions["district"]
    return Court.objects.create(code="J0402", name="巴宜区人民法院", region=d, region_path=d.path)


def file(world, court, **kw):
    args = dict(
        number="（2026）藏0402执123号",
        kind="first",
        applicant="甲公司",
        respondent="乙",
        amount_fen=2_000_000,
        filed_on=D(2026, 3, 10),
        actor=world.user("court_officer"),
    )
    args.update(kw)
    return cases.file_case(court, **args)


def test_statutory_limit_with_suspension_and_extension(world, court):
    case = file(world, court)
    assert cases.deadline(case) == D(2026, 9, 10)
    non_lit = file(world, court, number="（2026）藏0402执124号", basis_kind="non_litigation")
    assert cases.deadline(non_lit) == D(2026, 6, 10)
    officer = world.user("court_officer")
    case = cases.move(case, "start", actor=officer, on=D(2026, 3, 11))
    case = cases.move(case, "suspend", actor=officer, reason="被执行人下落不明", on=D(2026, 4, 1))
    case = cases.move(case, "resume", actor=officer, on=D(2026, 4, 21))
    assert cases.deadline(case) == D(2026, 9, 30)  # 20 suspended days do not count
    assert cases.days_left(case, today=D(2026, 9, 20)) == 10
    with pytest.raises(Invalid, match="5 days"):
        cases.request_extension(case, 30, "财产处置中", actor=officer, today=D(2026, 9, 27))
    ext = cases.request_extension(case, 30, "财产处置中", actor=officer, today=D(2026, 9, 20))
    with pytest.raises(Forbidden):  # not by the officer who asked
        cases.approve_extension(ext, actor=officer)
    case = cases.approve_extension(ext, actor="system:test")
    assert cases.deadline(case) == D(2026, 10, 30)
    with pytest.raises(Conflict):
        cases.approve_extension(ext, actor="system:test")


def test_closing_as_completed_with_money_in_the_account_is_refused(world, court):
    officer = world.user("court_officer")
    case = cases.move(file(world, court), "start", actor=officer)
    ledger.receive(5_000, case=case, actor="test")
    with pytest.raises(Conflict, match="¥50.00 is still"):
        cases.move(case, "close", closure_type=ClosureType.COMPLETED, actor=officer)
    payee = payouts.add_payee(case, "甲公司", "农业银行", "622800001111", actor=officer)
    payouts.verify_payee(payee, actor=world.user("court_finance"))
    p = payouts.request_payout(case, payee, 5_000, actor=officer)
    payouts.bank_result(p, ok=True, actor="bank")
    case = cases.move(case, "close", closure_type=ClosureType.COMPLETED, actor=officer)
    assert case.state == CaseState.CLOSED and case.closure_type == ClosureType.COMPLETED


def test_case_rules(world, court):
    officer = world.user("court_officer")
    with pytest.raises(Forbidden):
        file(world, court, actor=world.user("worker_a1"))
    with pytest.raises(Invalid):
        file(world, court, amount_fen=-1)
    case = file(world, court)
    with pytest.raises(Conflict):
        file(world, court)
    with pytest.raises(Conflict):
        cases.move(case, "resume", actor=officer)
    with pytest.raises(Invalid):
        cases.move(cases.move(case, "start", actor=officer), "suspend", actor=officer)
    with pytest.raises(Invalid):
        cases.move(case, "close", closure_type="nonsense", actor=officer)


def test_absurd_amounts_are_refused_before_the_database_sees_them(world, court):
    from gridgov.enforcement import payments

    officer = world.user("court_officer")
    with pytest.raises(Invalid, match="larger"):
        file(world, court, amount_fen=10**20)
    case = file(world, court)
    with pytest.raises(Invalid, match="larger"):
        cases.record_recovery(case, 10**20, "direct", actor=officer)
    with pytest.raises(Invalid, match="larger"):
        payments.new_code(case, 10**19, actor=officer)
    with pytest.raises(Invalid, match="larger"):
        ledger.receive(2**63, case=case, actor="test")
    assert not case.recoveries.exists() and not case.payment_codes.exists()
