"""Open311 GeoReport v2 over real HTTP, in JSON and XML."""

import xml.etree.ElementTree as ET

import httpx
import pytest

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def key(live_app):
    return live_app.manage("create-open311-client", "test-app").strip()


def get(live_app, path, **params):
    return httpx.get(f"{live_app.url}/open311/v2/{path}", params=params, timeout=20)


def post(live_app, data, fmt="json", **headers):
    headers.setdefault("Accept-Language", "en")
    return httpx.post(
        f"{live_app.url}/open311/v2/requests.{fmt}", data=data, headers=headers, timeout=20
    )


def test_discovery_in_both_formats(live_app):
    data = get(live_app, "discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    root = ET.fromstring(get(live_app, "discovery.xml").content)
    assert root.tag == "discovery"
    assert root.find("endpoints/endpoint/formats/format").text == "application/json"


def test_services_are_the_public_categories(live_app):
    services = get(live_app, "services.json").json()
    codes = {s["service_code"] for s in services}
    assert codes == {"fire-lane", "dumping"}  # the neighbour-dispute category is not public
    assert all(isinstance(s["service_code"], str) for s in services)
    root = ET.fromstring(get(live_app, "services.xml").content)
    assert {e.text for e in root.findall("service/service_code")} == codes


def test_service_definition(live_app):
    d = get(live_app, "services/fire-lane.json").json()
    attr = d["attributes"][0]
    assert attr["code"] == "kind" and attr["datatype"] == "singlevaluelist"
    assert [v["key"] for v in attr["values"]] == ["车辆", "杂物", "电动车"]
    root = ET.fromstring(get(live_app, "services/dumping.xml").content)
    assert root.find("attributes/attribute/required").text == "true"
    missing = get(live_app, "services/nope.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404
    assert ET.fromstring(get(live_app, "services/nope.xml").content).tag == "errors"


BASE = {
    "service_code": "fire-lane",
    "lat": "29.655",
    "long": "94.365",
    "description": "消防通道被占用",
    "attribute[kind]": "车辆",
    "phone": "13900001111",
}


def test_post_and_read_back_a_request(live_app, key):
    created = post(live_app, {**BASE, "api_key": key})
    assert created.status_code == 201, created.text
    sr = created.json()[0]
    assert isinstance(sr["service_request_id"], str) and sr["service_request_id"].startswith(
        "540402-"
    )
    one = get(live_app, f"requests/{sr['service_request_id']}.json").json()[0]
    assert one["status"] == "open" and one["service_code"] == "fire-lane"
    assert one["lat"] == 29.655 and "13900001111" not in str(one)  # contact kept private
    root = ET.fromstring(get(live_app, f"requests/{sr['service_request_id']}.xml").content)
    assert root.find("request/service_request_id").text == sr["service_request_id"]
    tok = get(live_app, f"tokens/{sr['token']}.json").json()[0]
    assert tok["service_request_id"] == sr["service_request_id"]
    listed = get(live_app, "requests.json", service_request_id=sr["service_request_id"]).json()
    assert [r["service_request_id"] for r in listed] == [sr["service_request_id"]]
    opened = get(live_app, "requests.json", status="open", service_code="fire-lane").json()
    assert sr["service_request_id"] in [r["service_request_id"] for r in opened]
    assert sr["service_request_id"] not in [
        r["service_request_id"] for r in get(live_app, "requests.json", status="closed").json()
    ]


def test_post_in_xml(live_app, key):
    created = post(live_app, {**BASE, "api_key": key, "description": "XML 上报"}, fmt="xml")
    assert created.status_code == 201
    root = ET.fromstring(created.content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text.startswith("540402-")


@pytest.mark.parametrize(
    "change, status, words",
    [
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"service_code": "nope"}, 404, "service_code"),
        ({"service_code": ""}, 400, "service_code"),
        ({"lat": "10", "long": "10"}, 400, "not in any grid"),
        ({"lat": "north"}, 400, "lat"),
        ({"lat": "", "long": "", "address_string": "nowhere"}, 400, "address_string"),
        ({"service_code": "dumping", "attribute[kind]": ""}, 400, "size"),
        ({"attribute[kind]": "飞机"}, 400, "kind"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ],
)
def test_bad_requests_answer_in_the_error_format(live_app, key, change, status, words):
    data = {**BASE, "api_key": key, **change}
    before = len(get(live_app, "requests.json").json())
    for fmt in ("json", "xml"):
        response = post(live_app, data, fmt=fmt)
        assert response.status_code == status
        if fmt == "json":
            error = response.json()[0]
            assert error["code"] == status and words in error["description"]
        else:
            root = ET.fromstring(response.content)
            assert root.tag == "errors" and root.find("error/code").text == str(status)
    assert len(get(live_app, "requests.json").json()) == before


def test_an_address_we_know_is_enough(live_app, key):
    data = {**BASE, "api_key": key, "lat": "", "long": "", "address_string": "1号楼"}
    created = post(live_app, data)
    assert created.status_code == 201


def test_idempotent_post(live_app, key):
    data = {**BASE, "api_key": key, "description": "重试"}
    first = post(live_app, data, **{"Idempotency-Key": "o311-1"})
    again = post(live_app, data, **{"Idempotency-Key": "o311-1"})
    assert first.json() == again.json()
    other = post(live_app, {**data, "description": "别的"}, **{"Idempotency-Key": "o311-1"})
    assert other.status_code == 409 and other.json()[0]["code"] == 409


def test_get_requests_filters(live_app):
    assert (
        get(
            live_app,
            "requests.json",
            start_date="2026-01-10T00:00:00Z",
            end_date="2026-01-01T00:00:00Z",
        ).status_code
        == 400
    )
    assert (
        get(
            live_app,
            "requests.json",
            start_date="2025-01-01T00:00:00Z",
            end_date="2026-01-01T00:00:00Z",
        ).status_code
        == 400
    )
    assert get(live_app, "requests.json", start_date="yesterday").status_code == 400
    assert get(live_app, "requests.json", status="maybe").status_code == 400
    assert get(live_app, "requests.yaml").status_code == 404
    assert get(live_app, "requests/540402-1900-000000.json").status_code == 404


def test_errors_are_in_chinese_unless_asked_otherwise(live_app, key):
    response = post(
        live_app, {**BASE, "api_key": key, "lat": "10", "long": "10"}, **{"Accept-Language": ""}
    )
    assert "不在任何网格" in response.json()[0]["description"]


def test_listing_requests_does_not_query_per_request(db, django_assert_max_num_queries):
    """In-process: the listing's query count does not grow with the number of requests."""
    from django.test import Client

    from gridgov.testing.world import build_world

    world = build_world()
    from gridgov.matters.actions import MatterInput, report_matter
    from gridgov.matters.models import Source

    for i in range(12):
        report_matter(
            MatterInput(
                category=world.categories["fire_lane"],
                description=f"事项{i}",
                source=Source.OPEN311,
                region=world.regions["grid_a1"],
            ),
            actor="test",
        )
    with django_assert_max_num_queries(6):
        listed = Client().get("/open311/v2/requests.json").json()
    assert len(listed) == 12


# --- public channels publish nothing private -----------------------------------------------

WALK = """
import datetime
from gridgov.accounts.models import User
from gridgov.matters import disputes
from gridgov.matters.models import Matter
from gridgov.matters.workflow import transition
from gridgov.people.models import Unit
u = {n: User.objects.get(username=n) for n in ["community_a", "handler", "worker_a1"]}
m = Matter.objects.get(code=CODE)
if STEPS == "reject":
    transition(m, "reject", actor=u["community_a"], reason="报告人王某系精神障碍患者，多次重复举报")
else:
    m = transition(m, "register", actor=u["community_a"])
    unit = Unit.objects.get(name="巴宜区住建局")
    m = transition(m, "dispatch", actor=u["community_a"], unit=unit)
    m = transition(m, "accept", actor=u["handler"])
    m = transition(m, "handle", actor=u["handler"], note="内部：车主张三，电话13908940001")
    m = transition(m, "verify", actor=u["worker_a1"])
    m = transition(m, "close", actor=u["community_a"], note="内部：已约谈张三", **CLOSE)
    if STEPS == "mediate":
        disputes.add_party(m, "李四", "applicant", contact="13908940002", actor=u["worker_a1"])
        disputes.record_session(
            m, held_on=datetime.date.today(), mediators=[u["worker_a1"]], outcome="agreement",
            agreement="调解协议：李四赔偿王五2000元", actor=u["worker_a1"])
print("ok")
"""


def walk(live_app, code, steps="close", **close):
    script = f"CODE = {code!r}\nSTEPS = {steps!r}\nCLOSE = {close!r}\n" + WALK
    assert live_app.manage("shell", "-c", script).strip().endswith("ok")


def get_en(live_app, path, **params):
    return httpx.get(
        f"{live_app.url}/open311/v2/{path}",
        params=params,
        headers={"Accept-Language": "en"},
        timeout=20,
    )


def report(live_app, key, **change):
    data = {k: v for k, v in {**BASE, "api_key": key, **change}.items() if v is not None}
    created = post(live_app, data)
    assert created.status_code == 201, created.text
    return created.json()[0]


def test_status_notes_are_a_public_note_or_a_fixed_text(live_app, key):
    plain = report(live_app, key, description="车辆占用消防通道")
    walk(live_app, plain["service_request_id"])
    noted = report(live_app, key, description="杂物堵塞消防通道")
    walk(live_app, noted["service_request_id"], public_note="占道车辆已移走，消防通道已畅通。")
    rejected = report(live_app, key, description="有人堵路")
    walk(live_app, rejected["service_request_id"], steps="reject")
    ids = ",".join(r["service_request_id"] for r in (plain, noted, rejected))
    for response in (
        get_en(live_app, "requests.json", service_request_id=ids),
        get_en(live_app, "requests.xml", service_request_id=ids),
    ):
        body = response.content.decode()
        for private in ("张三", "13908940001", "王某", "精神障碍", "内部"):
            assert private not in body
    listed = {
        r["service_request_id"]: r
        for r in get_en(live_app, "requests.json", service_request_id=ids).json()
    }
    assert listed[plain["service_request_id"]]["status_notes"] == (
        "Closed: handled by the responsible unit."
    )
    assert listed[noted["service_request_id"]]["status_notes"] == "占道车辆已移走，消防通道已畅通。"
    assert listed[rejected["service_request_id"]]["status"] == "closed"
    assert listed[rejected["service_request_id"]]["status_notes"] == (
        "Not taken up as a matter to handle."
    )
    root = ET.fromstring(get_en(live_app, f"requests/{noted['service_request_id']}.xml").content)
    assert root.find("request/status_notes").text == "占道车辆已移走，消防通道已畅通。"
    still_open = report(live_app, key, description="通道堵塞")
    one = get_en(live_app, f"requests/{still_open['service_request_id']}.json").json()[0]
    assert one["status_notes"] == "Received; waiting to be registered."


def test_descriptions_lose_phone_and_id_numbers(live_app, key):
    sr = report(live_app, key, description="车主电话138-0013-8000，身份证11010119900307002x")
    one = get_en(live_app, f"requests/{sr['service_request_id']}.json").json()[0]
    assert one["description"] == "车主电话***，身份证***"


STAFF_REPORT = """
from gridgov.accounts.models import User
from gridgov.matters.actions import MatterInput, report_matter
from gridgov.matters.models import Category
from gridgov.regions.models import Region
m = report_matter(MatterInput(category=Category.objects.get(code="fire-lane"),
    description="张三家门口堆放杂物", region=Region.objects.get(code="540402001001001")),
    actor=User.objects.get(username="worker_a1"))
print(m.code, m.receipt)
"""


def test_matters_reported_by_staff_are_not_published(live_app):
    """A grid worker's report may name the household it was written about: only what the
    public reported (at a sign or through Open311) is listed."""
    code, receipt = last_line(live_app.manage("shell", "-c", STAFF_REPORT)).split()
    assert get_en(live_app, f"requests/{code}.json").status_code == 404
    assert get_en(live_app, f"tokens/{receipt}.json").status_code == 404
    assert "张三" not in get_en(live_app, "requests.json").text
    assert code not in get_en(live_app, "requests.xml").text


LEGACY_DISPUTE = """
from gridgov.matters.models import Category
Category.objects.create(code="property-dispute", name="物业纠纷", name_en="property dispute",
    group="dispute", public=True)
print("ok")
"""

MAKE_SENSITIVE = """
from gridgov.matters import catalogue
catalogue.save_category(code="property-dispute", name="物业纠纷", name_en="property dispute",
    group="dispute", deadline_days=10, public=False, sensitive=True, actor="test")
print("ok")
"""


def last_line(out: str) -> str:
    return out.strip().splitlines()[-1]  # the shell may print its auto-imports first


def test_a_closed_dispute_shows_no_agreement_and_a_sensitive_category_nothing(live_app, key):
    # a dispute category the public could report before categories could be marked
    # sensitive (the demo had one)
    live_app.manage("shell", "-c", LEGACY_DISPUTE)
    sr = report(
        live_app,
        key,
        service_code="property-dispute",
        description="物业费争议",
        **{"attribute[kind]": None},
    )
    walk(live_app, sr["service_request_id"], steps="mediate")
    one = get_en(live_app, f"requests/{sr['service_request_id']}.json")
    for private in ("调解协议", "赔偿", "李四", "王五", "13908940002"):
        assert private not in one.text
    assert one.json()[0]["status_notes"] == "Closed: handled by the responsible unit."

    last_line(live_app.manage("shell", "-c", MAKE_SENSITIVE))
    for fmt in ("json", "xml"):
        for path in (
            f"services.{fmt}",
            f"requests.{fmt}",
            f"requests.{fmt}?service_code=property-dispute",
        ):
            assert "property-dispute" not in get_en(live_app, path).text
            assert sr["service_request_id"] not in get_en(live_app, path).text
        assert get_en(live_app, f"services/property-dispute.{fmt}").status_code == 404
        assert get_en(live_app, f"requests/{sr['service_request_id']}.{fmt}").status_code == 404
        assert get_en(live_app, f"tokens/{sr['token']}.{fmt}").status_code == 404
    refused = post(live_app, {**BASE, "api_key": key, "service_code": "property-dispute"})
    assert refused.status_code == 404
