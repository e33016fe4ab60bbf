import datetime

import pytest

from gridgov.accounts import actions as account_actions
from gridgov.accounts.roles import Role
from gridgov.core.errors import Forbidden, Invalid
from gridgov.enforcement import cases, ledger
from gridgov.enforcement.models import Court, EnforcementCase


def officer_at(world, name, region):
    user = account_actions.create_user(name, "a-long-enough-pw", actor="test")
    account_actions.assign_role(user, Role.COURT_OFFICER, world.regions[region], actor="test")
    return type(user).objects.get(pk=user.pk)


def test_cross_court_assignment_moves_scope_and_keeps_history(world):
    a = Court.objects.create(
        code="A",
        name="甲法院",
        region=world.regions["street_a"],
        region_path=world.regions["street_a"].path,
    )
    b = Court.objects.create(
        code="B",
        name="乙法院",
        region=world.regions["street_b"],
        region_path=world.regions["street_b"].path,
    )
    officer_a, officer_b = officer_at(world, "oa", "street_a"), officer_at(world, "ob", "street_b")
    case = cases.file_case(
        a,
        number="（2026）藏0402执7号",
        kind="first",
        applicant="甲",
        respondent="乙",
        amount_fen=100,
        filed_on=datetime.date(2026, 1, 5),
        actor=officer_a,
    )
    ledger.receive(300, case=case, actor="test")
    with pytest.raises(Forbidden):  # the original court cannot send it away on its own
        cases.assign_to_court(case, b, "阻力较大", actor=officer_a)
    with pytest.raises(Invalid):
        cases.assign_to_court(case, a, "x", actor=world.user("court_officer"))
    record = cases.assign_to_court(
        case, b, "推进缓慢，指定异地执行", actor=world.user("court_officer")
    )
    assert record.from_court == a and record.to_court == b
    assert list(EnforcementCase.objects.visible_to(officer_b)) == [case]
    assert not EnforcementCase.objects.visible_to(officer_a).exists()
    case.refresh_from_db()
    assert ledger.balance(ledger.case_account(case)) == 300  # the money and history stay
    assert case.entries.count() == 1
