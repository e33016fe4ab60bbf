"""Throttling of failed sign-ins and keys on all five ways in, over real HTTP.

The live server trusts X-Forwarded-For as production does behind its proxy, so each test
acts from addresses of its own (TEST-NET ranges) and leaves 127.0.0.1 to the other tests;
the lockouts are cleared when each test ends."""

import json
import re

import httpx
import pytest

from gridgov.enforcement import simulator
from gridgov.testing.world import PASSWORD

pytestmark = pytest.mark.django_db(transaction=False)

LOCKED = "Too many failed attempts. Please wait 15 minutes and try again."

LOCKOUTS = """
import json
from gridgov.core.models import AuditEntry
print(json.dumps(sorted(
    [e.after["channel"], e.after["account"], e.object_type]
    for e in AuditEntry.objects.filter(action=150) if e.after["address"] == "{address}"
)))
"""


@pytest.fixture
def live(live_app):
    yield live_app
    live_app.manage("axes_reset")


def lockouts(live_app, address) -> list:
    out = live_app.manage("shell", "-c", LOCKOUTS.format(address=address))
    return json.loads(out.strip().splitlines()[-1])


def sign_in(live_app, address, username, password, path="/login/"):
    with httpx.Client(
        base_url=live_app.url,
        headers={"X-Forwarded-For": address},
        cookies={"django_language": "en"},
        timeout=20,
    ) as c:
        form = c.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        return c.post(
            path,
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        )


def test_login_page_locks_the_account_at_the_attackers_address_only(live):
    attacker, user = "198.51.100.11", "198.51.100.12"
    for _ in range(4):
        wrong = sign_in(live, attacker, "worker_b1", "not-the-password")
        assert wrong.status_code == 200 and "User name or password is wrong." in wrong.text
    locked = sign_in(live, attacker, "worker_b1", "still-not-it")
    assert locked.status_code == 429 and LOCKED in locked.text
    assert 'value="worker_b1"' in locked.text  # the form again, the name kept
    # from there even the right password waits ...
    assert sign_in(live, attacker, "worker_b1", PASSWORD).status_code == 429
    # ... while the real user, elsewhere, signs in as ever
    assert sign_in(live, user, "worker_b1", PASSWORD).status_code == 302
    # another account from the attacker's address is not locked by this one
    assert sign_in(live, attacker, "worker_a2", PASSWORD).status_code == 302
    # one audit entry for the one lockout, naming channel and account (refusals add none)
    assert lockouts(live, attacker) == [["login", "worker_b1", "accounts.user"]]


def test_admin_login_counts_together_with_the_login_page(live):
    address = "198.51.100.21"
    for _ in range(3):
        assert sign_in(live, address, "police_a1", "wrong").status_code == 200
    assert sign_in(live, address, "police_a1", "wrong", "/admin/login/").status_code == 200
    locked = sign_in(live, address, "police_a1", "wrong", "/admin/login/")
    assert locked.status_code == 429 and LOCKED in locked.text
    assert sign_in(live, address, "police_a1", PASSWORD).status_code == 429
    assert lockouts(live, address) == [["admin", "police_a1", "accounts.user"]]


def test_an_address_trying_many_accounts_is_locked_as_a_whole(live):
    address = "198.51.100.31"
    for i in range(19):  # one failure each: no account reaches its own limit
        assert sign_in(live, address, f"guess{i}", "wrong").status_code == 200
    assert sign_in(live, address, "guess19", "wrong").status_code == 429
    assert sign_in(live, address, "liaison_a1", PASSWORD).status_code == 429
    assert sign_in(live, "198.51.100.32", "liaison_a1", PASSWORD).status_code == 302
    assert lockouts(live, address) == [["login", "guess19", "throttle"]]


def test_bearer_tokens(live):
    token = live.manage("create-token", "worker_a1").strip()
    attacker, client = "198.51.100.41", "198.51.100.42"

    def grids(address, bearer):
        return httpx.get(
            live.url + "/api/grids",
            headers={
                "Authorization": f"Bearer {bearer}",
                "X-Forwarded-For": address,
                "Accept-Language": "en",
            },
            timeout=20,
        )

    for i in range(4):
        assert grids(attacker, f"ggv_guess{i}").status_code == 401
    locked = grids(attacker, "ggv_guess4")
    assert locked.status_code == 429 and locked.json() == {"detail": LOCKED, "errors": []}
    assert grids(attacker, token).status_code == 429
    assert grids(client, token).status_code == 200
    assert lockouts(live, attacker) == [["bearer", "", "throttle"]]


def test_open311_api_keys(live):
    key = live.manage("create-open311-client", "throttle-app").strip()
    attacker, client = "198.51.100.51", "198.51.100.52"
    report = {
        "service_code": "fire-lane",
        "lat": "29.655",
        "long": "94.365",
        "description": "消防通道被占用",
        "attribute[kind]": "车辆",
    }

    def post(address, api_key, fmt="json"):
        return httpx.post(
            f"{live.url}/open311/v2/requests.{fmt}",
            data={**report, "api_key": api_key},
            headers={"X-Forwarded-For": address, "Accept-Language": "en"},
            timeout=20,
        )

    for i in range(4):
        assert post(attacker, f"guess{i}").status_code == 403
    locked = post(attacker, "guess4")
    assert locked.status_code == 429 and locked.json() == [{"code": 429, "description": LOCKED}]
    as_xml = post(attacker, key, fmt="xml")
    assert as_xml.status_code == 429 and b"<code>429</code>" in as_xml.content
    assert post(client, key).status_code == 201
    assert lockouts(live, attacker) == [["open311", "", "throttle"]]


def test_payment_signatures(live):
    secret = live.manage("create-payment-provider", "throttlebank").strip()
    attacker, provider = "198.51.100.61", "198.51.100.62"

    def notify(address, signing_secret, txn):
        headers, body = simulator.notice(signing_secret, "NOSUCHCODE", 100, txn_id=txn)
        return httpx.post(
            f"{live.url}/enforcement/notify/throttlebank/",
            content=body,
            headers={**headers, "Content-Type": "application/json", "X-Forwarded-For": address},
            timeout=20,
        )

    for i in range(4):
        assert notify(attacker, "forged", f"F{i}").status_code == 401
    locked = notify(attacker, "forged", "F4")
    assert locked.status_code == 429 and locked.json()["result"] == "rejected"
    assert notify(attacker, secret, "REAL-1").status_code == 429
    assert notify(provider, secret, "REAL-1").json() == {"result": "ok", "txn_id": "REAL-1"}
    assert lockouts(live, attacker) == [["payment", "throttlebank", "throttle"]]


# --- in-process: how long a lockout lasts ------------------------------------------------------


def test_a_lockout_ends_after_the_cooloff_and_refusals_do_not_prolong_it(world):
    import datetime

    from axes.models import AccessAttempt
    from django.test import Client

    from gridgov.core.models import AuditAction, AuditEntry

    c = Client(REMOTE_ADDR="203.0.113.7")

    def attempt(password):
        return c.post("/login/", {"username": "worker_a1", "password": password})

    for _ in range(5):
        attempt("wrong")
    assert attempt(PASSWORD).status_code == 429
    for _ in range(10):  # hammering on during the lockout ...
        assert attempt("wrong").status_code == 429
    # ... counted nothing more: 16 minutes after the failures that locked, it is over
    assert sum(a.failures_since_start for a in AccessAttempt.objects.all()) == 5
    # the page says how long is really left, not the whole cool-off again
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=10, seconds=5)
    )
    assert "请等待 5 分钟后再试" in attempt(PASSWORD).content.decode()
    # ... counted from this account's own failures, not another account's newer one
    c.post("/login/", {"username": "worker_a2", "password": "wrong"})
    assert "请等待 5 分钟后再试" in attempt(PASSWORD).content.decode()
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    assert attempt(PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).count() == 1
