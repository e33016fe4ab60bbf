import datetime
import json
import time

import pytest
from django.test import Client

from gridgov.enforcement import ledger, payments, simulator
from gridgov.enforcement.models import (
    AccountKind,
    NoticeStatus,
    PaymentApplication,
    PaymentNotice,
)
from gridgov.enforcement.tests.test_ledger import make_cases
from gridgov.notifications.models import Notification


@pytest.fixture
def setup(world):
    case, *_ = make_cases(world)
    provider, secret = payments.create_provider("testbank")
    code = payments.new_code(case, 1_000_000)
    return case, secret, code


def send(secret, code, amount, **kw):
    headers, body = simulator.notice(secret, code, amount, **kw)
    return Client().post(
        "/enforcement/notify/testbank/",
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items()},
    )


def case_balance(case):
    return ledger.balance(ledger.case_account(case))


def test_a_signed_notice_lands_in_the_case_account(setup):
    case, secret, code = setup
    response = send(secret, code.code, 12_345, txn_id="T1")
    assert response.status_code == 200 and response.json()["result"] == "ok"
    assert case_balance(case) == 12_345
    notice = PaymentNotice.objects.get()
    assert notice.status == NoticeStatus.APPLIED and '"T1"' in notice.raw_body


def test_a_repeat_is_answered_the_same_and_posts_nothing(setup):
    case, secret, code = setup
    first = send(secret, code.code, 500, txn_id="T2")
    again = send(secret, code.code, 500, txn_id="T2")
    assert first.json() == again.json() and again.status_code == 200
    assert case_balance(case) == 500 and PaymentApplication.objects.count() == 1
    assert list(PaymentNotice.objects.values_list("status", flat=True).order_by("id")) == [
        NoticeStatus.APPLIED,
        NoticeStatus.DUPLICATE,
    ]


def test_same_id_different_amount_is_a_conflict_never_posted(setup, world):
    from gridgov.accounts import actions
    from gridgov.accounts.roles import Role

    actions.assign_role(
        world.user("stranger"), Role.COURT_FINANCE, world.regions["district"], actor="test"
    )
    case, secret, code = setup
    send(secret, code.code, 500, txn_id="T3")
    response = send(secret, code.code, 50_000, txn_id="T3")
    assert response.status_code == 409
    assert case_balance(case) == 500
    assert PaymentNotice.objects.filter(status=NoticeStatus.CONFLICT).count() == 1
    assert Notification.objects.filter(user=world.users["stranger"], kind="conflict").exists()


def test_unknown_or_expired_codes_go_to_suspense(setup):
    case, secret, code = setup
    send(secret, "NOSUCHCODE", 700)
    code.expires_on = datetime.date(2020, 1, 1)
    code.save()
    send(secret, code.code, 300)
    assert case_balance(case) == 0
    assert ledger.balance(ledger.system_account(AccountKind.SUSPENSE)) == 1_000
    assert ledger.check().ok


@pytest.mark.parametrize(
    "tamper, status",
    [
        ("signature", 401),
        ("stale", 401),
        ("future", 401),
        ("body", 401),
    ],
)
def test_bad_signatures_and_stale_timestamps_are_refused_and_kept(setup, tamper, status):
    case, secret, code = setup
    ts = int(time.time())
    if tamper == "stale":
        ts -= 301
    if tamper == "future":
        ts += 301
    headers, body = simulator.notice(secret, code.code, 100, timestamp=ts)
    if tamper == "signature":
        headers["X-Gridgov-Signature"] = "0" * 64
    if tamper == "body":
        body = body.replace(b"100", b"999")
    response = Client().post(
        "/enforcement/notify/testbank/", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == status
    assert case_balance(case) == 0
    notice = PaymentNotice.objects.get()
    assert notice.status == NoticeStatus.REJECTED and notice.raw_body == body.decode()


@pytest.mark.parametrize("amount", [-5, 0, 1.5, "100", None, True, 10**20])
def test_bad_amounts_are_refused(setup, amount):
    case, secret, code = setup
    response = send(secret, code.code, amount)
    assert response.status_code == 400 and "amount_fen" in response.json()["reason"]
    assert case_balance(case) == 0


def test_malformed_bodies_and_unknown_providers(setup):
    case, secret, code = setup
    for body in [b"{not json", b"[1, 2]", json.dumps({"code": "X", "amount_fen": 5}).encode()]:
        ts = str(int(time.time()))
        response = Client().post(
            "/enforcement/notify/testbank/",
            data=body,
            content_type="application/json",
            headers={
                "X-Gridgov-Timestamp": ts,
                "X-Gridgov-Signature": payments.sign(secret, ts, body),
            },
        )
        assert response.status_code == 400
    assert (
        Client()
        .post("/enforcement/notify/nobank/", data=b"{}", content_type="application/json")
        .status_code
        == 404
    )
    assert Client().get("/enforcement/notify/testbank/").status_code == 405
    assert PaymentNotice.objects.count() == 4 and case_balance(case) == 0


def test_case_page_and_finance_desk_cost_the_same_queries_for_more_payments(setup, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case, secret, code = setup
    finance = Client()
    finance.force_login(world.users["court_finance"])

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert finance.get(url).status_code == 200
        return len(ctx)

    pages = [f"/enforcement/cases/{case.pk}/", "/enforcement/finance/"]
    send(secret, code.code, 100)
    send(secret, "NOPE0001", 100)
    before = [queries(u) for u in pages]
    for n in range(4):
        send(secret, code.code, 100 + n)
        send(secret, f"NOPE100{n}", 100 + n)
    assert [queries(u) for u in pages] == before
