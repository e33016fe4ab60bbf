"""Odd request bodies: NUL characters under any content type, JSON nested beyond reason.
Each is refused with a clear 400 and changes nothing, on SQLite and on PostgreSQL alike."""

import json

import pytest
from django.test import Client

from gridgov.accounts.actions import create_api_token
from gridgov.core.clients import create_api_client
from gridgov.matters.models import Matter
from gridgov.people.models import Household

NUL_REFUSAL_EN = "The request contains a NUL character."


@pytest.fixture
def api(world):
    _token, raw = create_api_token(world.user("community_a"), "t", actor="test")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


def household(number):
    return {"region_code": "540402001001001", "number": number, "address": "1号楼"}


def assert_nul_refused(response, message=NUL_REFUSAL_EN):
    """400 with its charset, in the channel's own error format."""
    assert response.status_code == 400
    path = response.wsgi_request.path
    if path.startswith("/api/"):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert json.loads(response.content) == {"detail": message, "errors": []}
    elif path.startswith("/open311/"):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert json.loads(response.content) == [{"code": 400, "description": message}]
    else:
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode("utf-8") == message


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "application/xml"])
@pytest.mark.parametrize("nul", ["\\u0000", "\x00"])
def test_a_nul_in_a_body_of_any_type_is_refused_and_stores_nothing(api, content_type, nul):
    body = json.dumps(household("9")).replace("9", f"9{nul}9").encode()
    assert_nul_refused(api.post("/api/households", body, content_type=content_type))
    assert not Household.objects.filter(number__startswith="9").exists()
    # the same body without it is taken, whatever the declared type (the parser is JSON's)
    ok = api.post("/api/households", json.dumps(household("99")), content_type=content_type)
    assert ok.status_code == 201 and Household.objects.filter(number="99").exists()


@pytest.fixture
def open311_key(world):
    return create_api_client("odd-bodies", actor="test")[1]


@pytest.mark.parametrize("encoding", ["form", "multipart"])
@pytest.mark.parametrize("nul", ["\x00", "\\u0000"])
def test_a_nul_in_a_form_field_is_refused_the_same_way(world, open311_key, encoding, nul):
    data = {
        "api_key": open311_key,
        "service_code": "fire-lane",
        "lat": "29.655",
        "long": "94.365",
        "description": f"消防通道{nul}被占用",
        "attribute[kind]": "车辆",
    }
    c = Client(headers={"Accept-Language": "en"})
    if encoding == "form":
        from urllib.parse import urlencode

        response = c.post(
            "/open311/v2/requests.json",
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = c.post("/open311/v2/requests.json", data)  # multipart/form-data
    assert_nul_refused(response)
    assert not Matter.objects.exists()


def test_the_refusal_speaks_the_users_language(world):
    # a page (no language chosen) answers in Chinese, the catalogue's translation
    response = Client().post("/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode("utf-8") == "请求中含有空字符（NUL）。"


def test_a_binary_file_in_a_form_is_not_taken_for_a_nul(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gridgov.people import excel

    workbook = excel.template_workbook(excel.KINDS["units"])
    assert b"\x00" in workbook  # an xlsx is a zip
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(world.users["community_a"])
    upload = SimpleUploadedFile("units.xlsx", workbook)
    response = c.post("/people/import/", {"kind": "units", "file": upload})
    assert "NUL" not in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000, b"[" * 40 + b"]" * 40, b'{"a":' * 33 + b"1" + b"}" * 33],
    ids=["100000-open", "40-deep", "33-objects"],
)
def test_deeply_nested_json_is_a_400_in_the_api(api, body):
    before = Household.objects.count()
    response = api.post("/api/households", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "The JSON nests more than 32 levels deep."
    assert Household.objects.count() == before


def test_json_that_is_not_json_is_a_400_that_says_so(api):
    response = api.post("/api/households", b"{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The body is not valid JSON")
