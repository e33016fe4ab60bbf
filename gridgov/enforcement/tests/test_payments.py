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
def test_bad_signatures_and_stale_timestamps_are_refused_and_store_nothing(setup, tamper, status):
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
    assert not PaymentNotice.objects.exists()


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
    # the signed ones are kept, rejected; the unknown provider's stores nothing
    assert PaymentNotice.objects.filter(status=NoticeStatus.REJECTED).count() == 3
    assert PaymentNotice.objects.count() == 3 and case_balance(case) == 0


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


# --- odd notices (issue 8, item 12) ------------------------------------------------------------


def post_notice(body, headers, provider="testbank", address="127.0.0.1"):
    return Client(REMOTE_ADDR=address).post(
        f"/enforcement/notify/{provider}/",
        data=body,
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.parametrize(
    "header, value",
    [
        ("X-Gridgov-Signature", "é" * 64),
        ("X-Gridgov-Signature", "签名"),
        ("X-Gridgov-Timestamp", "１７００００００００"),  # full-width digits
    ],
)
def test_a_non_ascii_signature_header_is_a_400_and_stores_nothing(setup, header, value):
    case, secret, code = setup
    headers, body = simulator.notice(secret, code.code, 100)
    response = post_notice(body, {**headers, header: value})
    assert response.status_code == 400 and response.json()["result"] == "rejected"
    assert not PaymentNotice.objects.exists() and case_balance(case) == 0


def test_a_deeply_nested_signed_body_is_a_400_not_a_crash(setup):
    case, secret, code = setup
    body = b"[" * 60_000  # within the 64 KB a notice may have
    ts = str(int(time.time()))
    response = post_notice(
        body, {"X-Gridgov-Timestamp": ts, "X-Gridgov-Signature": payments.sign(secret, ts, body)}
    )
    assert response.status_code == 400 and "nests more than" in response.json()["reason"]
    assert PaymentNotice.objects.get().status == NoticeStatus.REJECTED
    assert case_balance(case) == 0


def test_an_unsigned_flood_stores_nothing_and_is_throttled(setup):
    from gridgov.core.models import AuditAction, AuditEntry

    case, secret, code = setup
    statuses = []
    for i in range(30):
        headers, body = simulator.notice("not-the-secret", code.code, 100, txn_id=f"F{i}")
        statuses.append(post_notice(body, headers, address="192.0.2.9").status_code)
    assert statuses == [401] * 4 + [429] * 26
    assert not PaymentNotice.objects.exists() and case_balance(case) == 0
    lockout = AuditEntry.objects.get(action=AuditAction.LOCKED_OUT)
    assert lockout.after["channel"] == "payment" and lockout.after["account"] == "testbank"
    # the provider itself, from its own address, is not affected
    headers, body = simulator.notice(secret, code.code, 100, txn_id="REAL")
    assert post_notice(body, headers, address="192.0.2.10").status_code == 200


def test_notices_are_rate_limited_per_provider_and_address(setup, settings):
    case, secret, code = setup
    settings.GRIDGOV_NOTICE_LIMIT = 3
    _other, other_secret = payments.create_provider("otherbank")

    def send_from(address, txn, provider="testbank", key=secret):
        headers, body = simulator.notice(key, code.code, 100, txn_id=txn)
        return post_notice(body, headers, provider=provider, address=address)

    for i in range(3):
        assert send_from("192.0.2.21", f"R{i}").status_code == 200
    refused = send_from("192.0.2.21", "R3")
    assert refused.status_code == 429 and refused.json()["result"] == "rejected"
    assert send_from("192.0.2.22", "R3").status_code == 200  # another address
    assert send_from("192.0.2.21", "O1", "otherbank", other_secret).status_code == 200
    assert case_balance(case) == 500


def _crashed_notice(secret, code, amount, txn, *, minutes_ago=5):
    """A notice as a crash leaves it: verified and stored, then nothing more."""
    headers, body = simulator.notice(secret, code, amount, txn_id=txn)
    notice = PaymentNotice.objects.create(
        provider_name="testbank",
        timestamp=headers["X-Gridgov-Timestamp"],
        signature=headers["X-Gridgov-Signature"],
        raw_body=body.decode(),
    )
    PaymentNotice.objects.filter(pk=notice.pk).update(
        received_at=notice.received_at - datetime.timedelta(minutes=minutes_ago)
    )
    return notice


def test_a_notice_left_received_is_listed_and_settled_once_by_the_sweep(setup, world):
    from io import StringIO

    from django.core.management import call_command

    from gridgov.core.models import AuditAction, AuditEntry

    case, secret, code = setup
    mine = _crashed_notice(secret, code.code, 2_000, "CRASH-1")
    unknown = _crashed_notice(secret, "NOSUCHCODE", 300, "CRASH-2")
    send(secret, code.code, 50, txn_id="CRASH-3")  # applied, then its retry was cut short
    retry = _crashed_notice(secret, code.code, 50, "CRASH-3")
    fresh = _crashed_notice(secret, code.code, 70, "CRASH-4", minutes_ago=0)  # still running

    def listed(key):
        c = Client()
        c.force_login(world.users[key])
        page = c.get("/enforcement/finance/").content.decode()
        return {n.pk for n in (mine, unknown, retry, fresh) if f'data-notice="{n.pk}"' in page}

    # court finance of the district sees its case's; a system admin at the city sees all
    assert listed("court_finance") == {mine.pk, retry.pk}
    assert listed("admin") == {mine.pk, unknown.pk, retry.pk}

    out = StringIO()
    call_command("sweep", stdout=out)
    assert "settled 3 interrupted payment notices" in out.getvalue()
    assert case_balance(case) == 2_050  # CRASH-1 posted; CRASH-3 not a second time
    assert ledger.balance(ledger.system_account(AccountKind.SUSPENSE)) == 300
    statuses = dict(PaymentNotice.objects.values_list("pk", "status"))
    assert statuses[mine.pk] == NoticeStatus.APPLIED
    assert statuses[unknown.pk] == NoticeStatus.SUSPENSE
    assert statuses[retry.pk] == NoticeStatus.DUPLICATE
    assert statuses[fresh.pk] == NoticeStatus.RECEIVED
    assert AuditEntry.objects.filter(action=AuditAction.PAYMENT_NOTICE_SETTLED).count() == 3

    out = StringIO()
    call_command("sweep", stdout=out)  # once is once
    assert "settled 0 interrupted payment notices" in out.getvalue()
    assert case_balance(case) == 2_050 and ledger.check().ok
    assert listed("admin") == set()


def test_the_sweep_does_not_post_a_stored_notice_whose_signature_fails(setup):
    from gridgov.core.models import AuditAction, AuditEntry

    case, secret, code = setup
    forged = _crashed_notice("not-the-secret", code.code, 9_000, "FORGED")
    payments.settle_stuck()
    forged.refresh_from_db()
    assert forged.status == NoticeStatus.REJECTED and case_balance(case) == 0
    assert AuditEntry.objects.filter(action=AuditAction.PAYMENT_NOTICE_SETTLED).count() == 1


def test_a_cut_short_notice_on_a_courts_own_account_is_listed_for_its_finance(setup, world):
    """Money with an unknown code on a provider paying into the court's account becomes
    that court's unclaimed money once settled: its finance sees the notice before, too."""
    from gridgov.enforcement import unclaimed

    case, secret, code = setup
    from gridgov.enforcement.models import PaymentProvider

    provider = PaymentProvider.objects.get(name="testbank")
    unclaimed.attribute_provider(provider, case.court, actor="system:test")
    unknown = _crashed_notice(secret, "NOSUCHCODE", 300, "CRASH-9")
    c = Client()
    c.force_login(world.users["court_finance"])
    assert f'data-notice="{unknown.pk}"' in c.get("/enforcement/finance/").content.decode()
