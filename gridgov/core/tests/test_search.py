"""The header's one search box: each kind found within the user's scope, nothing of the
next grid, masked personal data, and odd input answered clearly."""

import pytest
from django.test import Client

from gridgov.enforcement.tests.test_cases import court, file  # noqa: F401
from gridgov.matters.tests.test_workflow import report


def client_for(world, key) -> Client:
    c = Client()
    c.force_login(world.users[key])
    return c


def found(response, kind: str) -> str:
    html = response.content.decode()
    if f'id="search-{kind}"' not in html:
        return ""
    return html.split(f'id="search-{kind}"', 1)[1].split("</section>", 1)[0]


def test_every_page_has_the_search_box_in_its_header(world):
    page = client_for(world, "worker_a1").get("/matters/").content.decode()
    header = page.split('<header class="top', 1)[1].split("</header>", 1)[0]
    assert 'action="/search/"' in header and 'name="q"' in header


def test_a_grid_worker_finds_their_own_grid_and_nothing_of_the_next(world):
    own = report(world, "worker_a1")
    other = report(world, "worker_a2", region=world.regions["grid_a2"])
    a1 = client_for(world, "worker_a1")

    assert own.code in found(a1.get("/search/", {"q": own.code}), "matters")
    number = own.code.rsplit("-", 1)[1]
    assert own.code in found(a1.get("/search/", {"q": number.lstrip("0")}), "matters")
    assert found(a1.get("/search/", {"q": other.code}), "matters") == ""

    assert "/regions/540402001001001001/" in found(a1.get("/search/", {"q": "林芝花园"}), "places")
    assert found(a1.get("/search/", {"q": "觉木二网格"}), "places") == ""
    assert found(a1.get("/search/", {"q": "540402001001002"}), "places") == ""

    tashi, dawa = world.residents["tashi"], world.residents["dawa"]
    by_name = found(a1.get("/search/", {"q": "扎西"}), "people")
    assert f"/people/residents/{tashi.pk}/" in by_name and tashi.id_number_masked[-4:] in by_name
    assert tashi.id_number() not in by_name
    by_id = found(a1.get("/search/", {"q": tashi.id_number()}), "people")
    assert f"/people/residents/{tashi.pk}/" in by_id
    by_phone = found(a1.get("/search/", {"q": "13908940001"}), "people")
    assert f"/people/residents/{tashi.pk}/" in by_phone and "13908940001" not in by_phone

    # the next grid's resident, by name, whole ID number or phone: the very answer of a
    # name or number recorded nowhere
    def answer(q):
        response = a1.get("/search/", {"q": q})
        assert response.status_code == 200
        return response.content.decode().split("<main", 1)[1].replace(q, "…")

    for q, unknown in (
        ("达瓦", "无此人"),
        (dawa.id_number(), "110101199003074477"),
        ("13908940003", "13900000000"),
    ):
        assert answer(q) == answer(unknown)
        assert 'id="search-nothing"' in answer(q) and 'id="search-people"' not in answer(q)


def test_community_staff_find_every_kind_in_their_community(world):
    a2 = report(world, "worker_a2", region=world.regions["grid_a2"])
    c = client_for(world, "community_a")
    assert a2.code in found(c.get("/search/", {"q": a2.code}), "matters")
    assert "觉木二网格" in found(c.get("/search/", {"q": "觉木二"}), "places")
    assert "达瓦" in found(c.get("/search/", {"q": "达瓦"}), "people")
    assert found(c.get("/search/", {"q": "李娜"}), "people") == ""  # the next street


def test_court_officers_find_cases_by_number_typed_with_either_brackets(world, court):  # noqa: F811
    case = file(world, court)
    officer = client_for(world, "court_officer")
    hit = found(officer.get("/search/", {"q": "(2026)藏0402执123号"}), "enforcement")
    assert f"/enforcement/cases/{case.pk}/" in hit
    worker = client_for(world, "worker_a1")
    assert found(worker.get("/search/", {"q": "执123"}), "enforcement") == ""


@pytest.mark.parametrize(
    "q, status",
    [("x" * 65, 400), ("张" * 1000, 400), ("a\x00b", 400), ("   ", 200), ("%", 200), ("'", 200)],
)
def test_odd_input_is_a_clear_400_or_nothing_found_never_a_500(world, q, status):
    response = client_for(world, "community_a").get("/search/", {"q": q})
    assert response.status_code == status
    if status == 400 and "\x00" not in q:
        assert 'class="field-error"' in response.content.decode()


def test_no_role_no_search(world):
    assert client_for(world, "stranger").get("/search/", {"q": "扎西"}).status_code == 403
    assert Client().get("/search/", {"q": "扎西"}).status_code == 302
