"""Court finance sees its own court: reconciliation, unclaimed money and the ledger check on
the finance desk are scoped to the user's courts; money with an unknown code belongs to the
court whose account it arrived on, or to city-level finance."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from gridgov.accounts import actions as account_actions
from gridgov.accounts.roles import Role
from gridgov.core.errors import Forbidden, Invalid, NotFound
from gridgov.enforcement import ledger, payments, payouts, simulator, statements, unclaimed
from gridgov.enforcement.models import Court, EnforcementCase, PaymentProvider
from gridgov.notifications.models import Notification
from gridgov.regions import actions as regions
from gridgov.regions.models import Level
from gridgov.testing.world import SYSTEM


def court_at(region, code, name):
    return Court.objects.create(code=code, name=name, region=region, region_path=region.path)


def case_of(court, number):
    return EnforcementCase.objects.create(
        court=court,
        region_path=court.region_path,
        number=number,
        kind="first",
        applicant="申请人",
        respondent="被执行人",
        amount_fen=1_000_000,
        filed_on=datetime.date(2026, 3, 1),
    )


def pay(provider, secret, code, amount, txn):
    headers, body = simulator.notice(secret, code, amount, txn_id=txn)
    answer = Client().post(
        f"/enforcement/notify/{provider}/",
        data=body,
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 200, answer.content


def user_with(username, role, region):
    user = account_actions.create_user(username, None, actor=SYSTEM, check_password=False)
    account_actions.assign_role(user, role, region, actor=SYSTEM)
    return user


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def statement(*rows):
    lines = ["date,txn_id,amount,memo"] + [",".join(r) for r in rows]
    f = io.BytesIO("\n".join(lines).encode())
    f.name = "statement.csv"
    return f


@pytest.fixture
def two_courts(world):
    """Bayi (the world's district, its court_finance) and Mainling (a county of the city)."""
    mainling = regions.create_region(
        world.regions["city"], Level.DISTRICT, "540481", "米林市", actor=SYSTEM
    )
    bayi_court = court_at(world.regions["district"], "J0402", "巴宜区人民法院")
    ml_court = court_at(mainling, "J0481", "米林市人民法院")
    return (
        bayi_court,
        ml_court,
        case_of(bayi_court, "（2026）藏0402执1号"),
        case_of(ml_court, "（2026）藏0481执7号"),
    )


def test_bayi_finance_does_not_see_mainling_money_on_the_desk(world, two_courts):
    _bayi, _ml, bayi_case, ml_case = two_courts
    _provider, secret = payments.create_provider("bank")
    pay("bank", secret, payments.new_code(bayi_case, 100_000).code, 10_000, "BY-1")
    pay("bank", secret, payments.new_code(ml_case, 100_000).code, 23_300, "ML-1")
    pay("bank", secret, "NOSUCHCODE", 4_700, "UP-X")  # a provider of no court: the city's
    finance = client_for(world.user("court_finance"))
    desk = finance.get("/enforcement/finance/").content.decode()
    assert "UP-X" not in desk and "47.00" not in desk  # not on Bayi's account
    assert "233.00" not in desk and "380.00" not in desk  # neither Mainling's nor the total
    assert 'id="ledger-check"' in desk and "100.00" in desk  # Bayi's own case money
    today = timezone.localdate().isoformat()
    page = finance.post(
        "/enforcement/finance/",
        {
            "statement": statement(
                [today, "BY-1", "100.00", ""],
                [today, "ML-1", "233.00", ""],
                [today, "ZZ-9", "1.00", ""],
            )
        },
    ).content.decode()
    assert "1 行与到账通知一致" in page  # BY-1 only
    rows = [f"{today},BY-1,100.00,", f"{today},ML-1,233.00,", f"{today},ZZ-9,1.00,"]
    result = statements.reconcile(
        "\n".join(["date,txn_id,amount,memo", *rows]).encode(), user=world.user("court_finance")
    )
    assert [ln.txn_id for ln, _a in result.matched] == ["BY-1"]
    # another court's transaction is, for this desk, a line with no notice, like ZZ-9
    assert [ln.txn_id for ln in result.only_on_statement] == ["ML-1", "ZZ-9"]
    assert result.only_in_notices == [] and result.amount_differs == []


@pytest.fixture
def attributed(world, two_courts):
    """A provider per court and one of no court, each with money for an unknown code."""
    bayi, ml, bayi_case, ml_case = two_courts
    secrets = {}
    for name, court in [("bayi-bank", bayi), ("ml-bank", ml), ("unionpay", None)]:
        provider, secrets[name] = payments.create_provider(name)
        if court:
            unclaimed.attribute_provider(provider, court, actor=SYSTEM)
    pay("bayi-bank", secrets["bayi-bank"], payments.new_code(bayi_case, 1).code, 10_000, "BY-1")
    pay("ml-bank", secrets["ml-bank"], payments.new_code(ml_case, 1).code, 23_300, "ML-1")
    pay("bayi-bank", secrets["bayi-bank"], "UNKNOWN1", 4_000, "BY-X")
    pay("ml-bank", secrets["ml-bank"], "UNKNOWN2", 3_100, "ML-X")
    pay("unionpay", secrets["unionpay"], "UNKNOWN3", 5_200, "UP-X")
    return {
        "secrets": secrets,
        "ml_finance": user_with("finance_ml", Role.COURT_FINANCE, ml.region),
        "city_finance": user_with("finance_city", Role.COURT_FINANCE, world.regions["city"]),
    }


def test_unknown_code_money_waits_with_the_court_whose_account_it_arrived_on(
    world, two_courts, attributed
):
    bayi, ml, *_ = two_courts
    assert ledger.balance(ledger.suspense_account(bayi)) == 4_000
    assert ledger.balance(ledger.suspense_account(ml)) == 3_100
    assert ledger.balance(ledger.suspense_account()) == 5_200
    seen = {
        who: sorted(unclaimed.unclaimed_payments(user).values_list("txn_id", flat=True))
        for who, user in [
            ("bayi", world.user("court_finance")),
            ("ml", attributed["ml_finance"]),
            ("city", attributed["city_finance"]),
            ("bayi officer", world.user("court_officer")),
        ]
    }
    assert seen == {
        "bayi": ["BY-X"],
        "ml": ["ML-X"],
        "city": ["BY-X", "ML-X", "UP-X"],
        "bayi officer": ["BY-X"],
    }
    desk = client_for(world.user("court_finance")).get("/enforcement/finance/").content.decode()
    assert "BY-X" in desk and 'data-fen="4000"' in desk
    assert "ML-X" not in desk and "UP-X" not in desk and 'id="pools"' not in desk
    city = client_for(attributed["city_finance"]).get("/enforcement/finance/").content.decode()
    assert 'data-fen="12300"' in city and 'id="pools"' in city  # 40 + 31 + 52 yuan
    assert "米林市人民法院" in city


def test_the_desk_ledger_check_reports_the_users_courts_only(world, two_courts, attributed):
    bayi, ml, bayi_case, ml_case = two_courts
    mine = ledger.check(
        cases=EnforcementCase.objects.visible_to(world.user("court_finance")),
        pools=unclaimed.pools(world.user("court_finance")),
    )
    assert mine.ok and mine.scoped and mine.custody is None
    assert (mine.cases, mine.suspense, mine.in_transit) == (10_000, 4_000, 0)
    whole = ledger.check()
    assert whole.ok and whole.custody == 10_000 + 23_300 + 4_000 + 3_100 + 5_200
    desk = client_for(world.user("court_finance")).get("/enforcement/finance/").content.decode()
    assert "456.00" not in desk and "233.00" not in desk and "已平衡" in desk
    city = client_for(attributed["city_finance"]).get("/enforcement/finance/").content.decode()
    assert "456.00" in city  # city level sees the whole ledger


def test_a_court_assigns_only_its_own_unclaimed_money(world, two_courts, attributed):
    bayi, ml, bayi_case, ml_case = two_courts
    finance, city = world.user("court_finance"), attributed["city_finance"]
    with pytest.raises(NotFound):  # Mainling's money is not Bayi's to move
        payouts.assign_unclaimed(3_100, bayi_case, actor=finance, pool=ledger.suspense_account(ml))
    with pytest.raises(NotFound):  # nor is the city's
        payouts.assign_unclaimed(5_200, bayi_case, actor=finance, pool=ledger.suspense_account())
    with pytest.raises(Invalid):  # more than Bayi's own unclaimed money
        payouts.assign_unclaimed(4_001, bayi_case, actor=finance)
    with pytest.raises(Forbidden):  # and never to a case outside Bayi
        payouts.assign_unclaimed(100, ml_case, actor=finance)
    payouts.assign_unclaimed(4_000, bayi_case, actor=finance, note="电话核实")
    assert ledger.balance(ledger.suspense_account(bayi)) == 0
    assert ledger.balance(ledger.suspense_account(ml)) == 3_100
    # city-level finance assigns the city's money, on the desk, choosing where it comes from
    desk = client_for(city)
    pool = ledger.suspense_account()
    answer = desk.post(
        "/enforcement/finance/",
        {"case": ml_case.number, "amount": "52", "pool": pool.pk, "note": "银联来款"},
    )
    assert answer.status_code == 302
    assert ledger.balance(pool) == 0 and ledger.balance(ledger.case_account(ml_case)) == 28_500
    # a pool Bayi does not see cannot be named on Bayi's desk
    refused = client_for(finance).post(
        "/enforcement/finance/",
        {"case": bayi_case.number, "amount": "1", "pool": ledger.suspense_account(ml).pk},
    )
    assert refused.status_code == 400 and ledger.balance(ledger.suspense_account(ml)) == 3_100
    assert ledger.check().ok


def test_a_conflict_on_unclaimed_money_tells_that_courts_finance(world, two_courts, attributed):
    headers, body = simulator.notice(
        attributed["secrets"]["ml-bank"], "UNKNOWN2", 9_999, txn_id="ML-X"
    )
    answer = Client().post(
        "/enforcement/notify/ml-bank/", data=body, content_type="application/json", headers=headers
    )
    assert answer.status_code == 409
    told = set(
        Notification.objects.filter(kind="conflict").values_list("user__username", flat=True)
    )
    assert told == {"finance_ml", "finance_city"}


def test_attributing_a_provider_is_for_admins_and_the_command_line(world, two_courts):
    bayi, ml, *_ = two_courts
    provider, _secret = payments.create_provider("later")
    with pytest.raises(Forbidden):
        unclaimed.attribute_provider(provider, bayi, actor=world.user("court_finance"))
    out = io.StringIO()
    call_command("attribute-payment-provider", "later", "J0481", stdout=out)
    assert PaymentProvider.objects.get(name="later").court == ml
    from gridgov.core.models import AuditAction, AuditEntry

    said = AuditEntry.objects.filter(
        action=AuditAction.PAYMENT_PROVIDER_ATTRIBUTED, object_id=str(provider.pk)
    ).get()
    assert said.after == {"court": "J0481"} and said.actor_label == "cli:attribute-payment-provider"
    call_command("create-payment-provider", "newbank", "--court", "J0402", stdout=out)
    assert PaymentProvider.objects.get(name="newbank").court == bayi
    call_command("attribute-payment-provider", "newbank", stdout=out)
    assert PaymentProvider.objects.get(name="newbank").court is None


def test_the_desk_costs_the_same_queries_for_more_courts_and_accounts(world, two_courts):
    """Balances, the ledger check and the clear-to-zero list read every account at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    city = user_with("finance_city", Role.COURT_FINANCE, world.regions["city"])
    desks = [client_for(city), client_for(world.user("court_finance"))]

    def queries():
        counts = []
        for desk in desks:
            with CaptureQueriesContext(connection) as ctx:
                assert desk.get("/enforcement/finance/").status_code == 200
            counts.append(len(ctx))
        return counts

    def another_court_with_money(n):
        region = regions.create_region(
            world.regions["city"], Level.DISTRICT, f"5404{90 + n}", f"第{n}县", actor=SYSTEM
        )
        court = court_at(region, f"J04{90 + n}", f"第{n}县人民法院")
        provider, secret = payments.create_provider(f"bank-{n}", court=court, actor=SYSTEM)
        pay(
            provider.name, secret, payments.new_code(case_of(court, f"案{n}"), 1).code, 900, f"C{n}"
        )
        pay(provider.name, secret, f"UNKNOWN{n}", 700, f"U{n}")

    another_court_with_money(1)
    before = queries()
    for n in range(2, 5):
        another_court_with_money(n)
    assert queries() == before


def test_a_refused_assignment_leaves_no_new_account(world, two_courts):
    from gridgov.enforcement.models import Account

    _bayi, _ml, bayi_case, _ml_case = two_courts
    accounts = Account.objects.count()
    finance = client_for(world.user("court_finance"))
    answer = finance.post(
        "/enforcement/finance/", {"case": bayi_case.number, "amount": "15.00", "note": ""}
    )
    assert answer.status_code == 400  # nothing ever arrived on Bayi's account
    assert Account.objects.count() == accounts
