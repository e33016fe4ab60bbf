"""Pages: in scope 200, out of scope 404, no role 403, leaders read but never write."""

import datetime

import pytest
from django.test import Client

from gridgov.core.models import AuditAction, AuditEntry
from gridgov.people.models import Resident
from gridgov.testing.world import make_id_number


def client_for(world, key) -> Client:
    c = Client()
    c.force_login(world.users[key])
    return c


def test_anonymous_is_sent_to_login(world):
    response = Client().get("/regions/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_login_page_and_wrong_password(world):
    c = Client()
    assert c.get("/login/").status_code == 200
    response = c.post("/login/", {"username": "worker_a1", "password": "nope"})
    assert response.status_code == 200
    assert "password" in response.content.decode().lower() or "密码" in response.content.decode()
    response = c.post("/login/", {"username": "worker_a1", "password": "gridgov-test-pw"})
    assert response.status_code == 302


def test_grid_worker_opens_own_grid_and_not_the_next(world):
    c = client_for(world, "worker_a1")
    own = c.get("/regions/540402001001001/")
    assert own.status_code == 200
    page = own.content.decode()
    assert (
        "觉木一网格" in page
        and 'class="map" data-layers=' in page
        and 'data-focus="540402001001001"' in page
    )
    assert c.get("/regions/540402001001002/").status_code == 404
    assert c.get("/regions/540402002001001/").status_code == 404
    assert c.get(f"/people/residents/{world.residents['dawa'].pk}/").status_code == 404
    listing = c.get("/people/residents/").content.decode()
    assert "扎西" in listing and "达瓦" not in listing and "李娜" not in listing


def test_out_of_scope_and_missing_look_the_same(world):
    c = client_for(world, "worker_a1")
    other = c.get(f"/people/residents/{world.residents['li'].pk}/")
    missing = c.get("/people/residents/999999/")
    assert other.status_code == missing.status_code == 404


def test_street_sees_its_communities(world):
    c = client_for(world, "street_a")
    assert c.get("/regions/540402001001002/").status_code == 200
    assert c.get("/regions/540402002001001/").status_code == 404
    tree = c.get("/regions/").content.decode()
    assert "觉木社区" in tree and "双拥社区" not in tree


def test_a_user_without_a_role_is_refused(world):
    c = client_for(world, "stranger")
    assert c.get("/regions/").status_code == 403
    assert c.get("/people/residents/").status_code == 403
    assert c.get("/").status_code == 200  # the home page says to ask for a role


def test_roles_without_base_data_are_refused_residents(world):
    for key in ["volunteer", "court_officer", "handler"]:
        assert client_for(world, key).get("/people/residents/").status_code == 403, key


def test_pages_mask_personal_data(world):
    tashi = world.residents["tashi"]
    whole = tashi.id_number()
    c = client_for(world, "worker_a1")
    for url in [
        "/people/residents/",
        f"/people/residents/{tashi.pk}/",
        "/people/residents/?q=扎西",
    ]:
        page = c.get(url).content.decode()
        assert whole not in page and "13908940001" not in page
        # the list's cards show the masked number's last digits, the page the masked copy
        detail = url.endswith(f"/{tashi.pk}/")
        assert (tashi.id_number_masked if detail else f"…{tashi.id_number_masked[-4:]}") in page


def test_search_by_whole_id_number_finds_the_masked_resident(world):
    tashi = world.residents["tashi"]
    c = client_for(world, "worker_a1")
    page = c.get("/people/residents/", {"q": tashi.id_number()}).content.decode()
    assert "扎西" in page and "张伟" not in page
    # a worker searching for someone of another grid finds nothing
    other = client_for(world, "worker_b1").get("/people/residents/", {"q": tashi.id_number()})
    assert "扎西" not in other.content.decode()


def test_reveal_shows_the_whole_number_and_is_audited(world):
    tashi = world.residents["tashi"]
    c = client_for(world, "worker_a1")
    response = c.post(f"/people/residents/{tashi.pk}/reveal/", {"reason": "入户核实"})
    assert response.status_code == 200
    page = response.content.decode()
    assert tashi.id_number() in page and "13908940001" in page
    entry = AuditEntry.objects.filter(action=AuditAction.RESIDENT_REVEALED).get()
    assert entry.actor_id == world.users["worker_a1"].pk
    assert entry.object_id == str(tashi.pk) and entry.after["reason"] == "入户核实"


def test_leader_reads_but_cannot_reveal_or_write(world):
    c = client_for(world, "leader")
    tashi = world.residents["tashi"]
    assert c.get(f"/people/residents/{tashi.pk}/").status_code == 200
    assert c.get("/regions/coverage/").status_code == 200
    assert c.post(f"/people/residents/{tashi.pk}/reveal/").status_code == 403
    assert c.get("/people/residents/new/").status_code == 403
    assert c.get("/people/import/").status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.RESIDENT_REVEALED).exists()


def test_coverage_lists_grids_missing_a_role(world):
    c = client_for(world, "operator")
    page = c.get("/regions/coverage/").content.decode()
    assert "觉木二网格" in page and "双拥一网格" in page
    csv_text = c.get("/regions/coverage/?format=csv").content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    codes = {line.split(",")[0] for line in lines[1:]}
    assert codes == {"540402001001002", "540402002001001"}  # grid A1 is fully staffed


def test_coverage_is_scoped(world):
    page = client_for(world, "community_a").get("/regions/coverage/?format=csv")
    body = page.content.decode("utf-8-sig")
    assert "540402001001002" in body and "540402002001001" not in body


def test_record_a_resident_with_bad_input_changes_nothing(world):
    c = client_for(world, "worker_a1")
    before = (Resident.objects.count(), AuditEntry.objects.count())
    bad = make_id_number("540402", datetime.date(1990, 2, 3), 7)[:-1] + "0"
    if bad == make_id_number("540402", datetime.date(1990, 2, 3), 7):
        bad = bad[:-1] + "1"
    response = c.post(
        "/people/residents/new/",
        {"region": "540402001001001", "name": "新住户", "id_number": bad, "phone": "123"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "check digit" in page or "校验码" in page
    assert (Resident.objects.count(), AuditEntry.objects.count()) == before
    # a place outside the worker's grid is refused as unknown
    good = make_id_number("540402", datetime.date(1990, 2, 3), 7)
    response = c.post(
        "/people/residents/new/",
        {"region": "540402001001002", "name": "新住户", "id_number": good},
    )
    assert response.status_code == 400
    assert Resident.objects.count() == before[0]


def test_record_a_resident(world):
    c = client_for(world, "worker_a1")
    good = make_id_number("540402", datetime.date(1990, 2, 3), 7)
    response = c.post(
        "/people/residents/new/",
        {
            "region": "540402001001001001001",
            "household_number": "0101",
            "name": "新住户",
            "id_number": good,
            "phone": "13800000000",
            "special_groups": ["veteran"],
        },
    )
    assert response.status_code == 302
    resident = Resident.objects.get(name="新住户")
    assert resident.household == world.households["h_a1"]
    assert list(resident.special_groups.values_list("code", flat=True)) == ["veteran"]
    assert resident.birth_date == datetime.date(1990, 2, 3)


def test_audit_trail_page_is_for_supervisors(world):
    assert client_for(world, "admin").get("/audit/").status_code == 200
    assert client_for(world, "worker_a1").get("/audit/").status_code == 403
    page = client_for(world, "street_b").get("/audit/").content.decode()
    assert "李娜" in page and "扎西" not in page


def test_resident_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    c = client_for(world, "admin")
    with django_assert_max_num_queries(12):
        assert c.get("/people/residents/").status_code == 200


def test_english_switch(world):
    c = client_for(world, "worker_a1")
    zh = c.get("/").content.decode()
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = c.get("/").content.decode()
    assert 'lang="zh-hans"' in zh and 'lang="en"' in en
    assert "Log out" in en and "退出" in zh


@pytest.mark.parametrize(
    "url",
    [
        "/regions/%00/",
        "/people/residents/?page=abc",
        "/people/residents/?q=%27%22<script>",
        "/regions/coverage/?format=x",
    ],
)
def test_odd_input_never_answers_500(world, url):
    assert client_for(world, "admin").get(url).status_code < 500


def test_nul_characters_are_refused_without_touching_the_database(world):
    c = client_for(world, "worker_a1")
    before = Resident.objects.count()
    response = c.post(
        "/people/residents/new/", {"region": "540402001001001", "name": "a\x00b", "id_number": "1"}
    )
    assert response.status_code == 400
    response = c.post(
        "/api/households",
        data='{"region_code": "540402001001001", "number": "\\u0000"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert Resident.objects.count() == before


def test_party_chain_page(world):
    page = client_for(world, "community_a").get("/regions/party/").content.decode()
    assert "觉木社区党委" in page and "觉木联建支部" in page and "觉木一网格" in page
    assert client_for(world, "worker_b1").get("/regions/party/").status_code == 200
    assert "觉木" not in client_for(world, "street_b").get("/regions/party/").content.decode()
    assert client_for(world, "court_officer").get("/regions/party/").status_code == 403


def test_home_pages_per_role(world):
    worker = client_for(world, "worker_a1").get("/").content.decode()
    assert "觉木一网格" in worker and "/people/residents/new/" in worker
    assert 'id="breakdown"' not in worker
    street = client_for(world, "street_a").get("/").content.decode()
    assert 'id="breakdown"' in street and "觉木社区" in street and "双拥社区" not in street
    operator = client_for(world, "operator").get("/").content.decode()
    assert 'id="panel-matters-work"' in operator and 'id="breakdown"' not in operator
    leader = client_for(world, "leader").get("/").content.decode()
    assert "/people/residents/new/" not in leader  # leaders record nothing
    court = client_for(world, "court_officer").get("/").content.decode()
    assert "residents" not in court and "居民" not in court


@pytest.mark.parametrize("name", ["=1+1", "@SUM(A1)", "-2+3", "+1"])
def test_coverage_csv_neutralises_formulas(world, name):
    import csv
    import io

    from gridgov.people.actions import create_unit
    from gridgov.people.models import UnitKind
    from gridgov.regions.actions import set_sponsor_unit

    unit = create_unit(world.regions["grid_a2"], name, UnitKind.SHOP, actor="test")
    set_sponsor_unit(world.regions["grid_a2"].grid, unit, actor="test")
    response = client_for(world, "operator").get("/regions/coverage/?format=csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with the BOM
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r[0] == "540402001001002")
    assert row[3] == "'" + name
    assert row[6] == "0"  # a count stays a bare number
