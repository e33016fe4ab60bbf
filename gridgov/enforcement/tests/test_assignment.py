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


def test_assignment_and_campaign_from_the_case_page(world):
    from django.test import Client

    a = cases.create_court(world.regions["street_a"], "A", "甲法院", actor="system")
    b = cases.create_court(world.regions["street_b"], "B", "乙法院", actor="system")
    officer = world.user("court_officer")  # at the district: above both courts
    case = cases.file_case(
        a,
        number="（2026）藏0402执8号",
        kind="first",
        applicant="甲",
        respondent="乙",
        amount_fen=100,
        filed_on=datetime.date(2026, 1, 5),
        actor=officer,
    )
    campaign = cases.create_campaign(
        a, "qj", "清积案", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), actor=officer
    )
    client = Client()
    client.force_login(world.users["court_officer"])
    page = client.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert 'id="assign"' in page and "乙法院" in page
    url = f"/enforcement/cases/{case.pk}/do/"
    assert client.post(url + "assign/", {"court": b.pk, "reason": " "}).status_code == 400
    assert client.post(url + "assign/", {"court": b.pk, "reason": "异地执行"}).status_code == 302
    assert client.post(url + "tag/", {"campaign": campaign.pk}).status_code == 400  # now B's
    case.refresh_from_db()
    assert case.court == b and not campaign.cases.exists()
    page = client.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "甲法院 → 乙法院" in page
