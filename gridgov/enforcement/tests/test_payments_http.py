"""Concurrent and duplicate notices against a multi-process gunicorn server."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from gridgov.enforcement import simulator

pytestmark = pytest.mark.django_db(transaction=False)

SETUP = """
import datetime
from gridgov.enforcement.models import Court, EnforcementCase
from gridgov.enforcement.payments import new_code
from gridgov.regions.models import Region
d = Region.objects.get(code="540402")
court, _ = Court.objects.get_or_create(code="J0402", defaults=dict(
    name="巴宜区人民法院", region=d, region_path=d.path))
case = EnforcementCase.objects.create(court=court, region_path=d.path,
    number="（2026）藏0402执900号", kind="first", applicant="甲", respondent="乙",
    amount_fen=100000, filed_on=datetime.date(2026, 3, 1))
print(new_code(case, 100000).code)
"""

BALANCE = """
from gridgov.enforcement import ledger
from gridgov.enforcement.models import EnforcementCase
case = EnforcementCase.objects.get(number="（2026）藏0402执900号")
print(ledger.balance(ledger.case_account(case)), ledger.check().ok)
"""


def last_line(out: str) -> str:
    return out.strip().splitlines()[-1]  # the shell may print its auto-imports first


def test_the_same_notice_sent_eight_times_at_once_posts_once(live_app):
    secret = live_app.manage("create-payment-provider", "racebank").strip()
    code = last_line(live_app.manage("shell", "-c", SETUP))
    headers, body = simulator.notice(secret, code, 4_200, txn_id="RACE-1")

    def send(_):
        return httpx.post(
            f"{live_app.url}/enforcement/notify/racebank/",
            content=body,
            headers={**headers, "Content-Type": "application/json"},
            timeout=30,
        ).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, range(8)))
    assert statuses == [200] * 8
    balance, ok = last_line(live_app.manage("shell", "-c", BALANCE)).split()
    assert balance == "4200" and ok == "True"
    # the simulator command signs and sends like a provider
    out = live_app.manage("simulate-payment", "racebank", code, "800", "--url", live_app.url)
    assert out.startswith("200")
    assert last_line(live_app.manage("shell", "-c", BALANCE)).split()[0] == "5000"
