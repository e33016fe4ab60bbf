import io

import pytest
from django.test import Client
from PIL import Image

from gridgov.core.errors import Forbidden, Invalid, NotFound
from gridgov.matters import public
from gridgov.matters.models import Matter, MatterPhoto, Sign, Source, State


@pytest.fixture
def sign(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return public.create_sign(
        "green-01",
        "南山绿化工程1号保护牌",
        world.regions["grid_a1"],
        29.655,
        94.365,
        [world.categories["dumping"], world.categories["fire_lane"]],
        world.units["bureau"],
        actor=world.user("street_a"),
    )


def jpeg_with_location() -> bytes:
    img = Image.new("RGB", (64, 48), "green")
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif[0x8825] = {1: "N", 2: (29.0, 39.0, 0.0), 3: "E", 4: (94.0, 21.0, 0.0)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    data = buf.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # it really has GPS
    return data


def upload(name, data, content_type="image/jpeg"):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_sign_rules(world):
    with pytest.raises(Invalid):  # a category the public may not report
        public.create_sign(
            "x",
            "x",
            world.regions["grid_a1"],
            29.6,
            94.3,
            [world.categories["dispute"]],
            world.units["bureau"],
            actor="test",
        )
    with pytest.raises(Forbidden):
        public.create_sign(
            "x",
            "x",
            world.regions["grid_a1"],
            29.6,
            94.3,
            [world.categories["dumping"]],
            world.units["bureau"],
            actor=world.user("leader"),
        )
    with pytest.raises(NotFound):
        public.create_sign(
            "x",
            "x",
            world.regions["grid_a1"],
            29.6,
            94.3,
            [world.categories["dumping"]],
            world.units["bureau"],
            actor=world.user("street_b"),
        )


def test_public_report_with_a_photo(world, sign, tmp_path):
    c = Client(REMOTE_ADDR="10.1.2.3")
    page = c.get("/s/green-01/")
    assert page.status_code == 200 and "南山绿化工程1号保护牌" in page.content.decode()
    response = c.post(
        "/s/green-01/",
        {
            "category": "dumping",
            "attr_size": "20",
            "description": "林下有人倾倒建筑垃圾",
            "contact": "13912345678",
            "photos": [upload("p.jpg", jpeg_with_location())],
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    m = Matter.objects.get()
    assert m.source == Source.PUBLIC_SIGN and m.region == world.regions["grid_a1"]
    assert m.handling_unit == world.units["bureau"] and m.reporter is None
    assert m.contact_masked == "139****5678" and "13912345678" not in m.contact_enc
    stored = MatterPhoto.objects.get(matter=m)
    with Image.open(tmp_path / stored.path) as img:
        exif = img.getexif()
        assert not exif.get_ifd(0x8825) and 0x010F not in exif
    status = c.get(response["Location"]).content.decode()
    assert m.receipt in status and "13912345678" not in status and "139****5678" not in status
    assert str(State(m.state).label) in status or "已上报" in status
    # the receiving unit's handler sees it at once; the photo is scoped
    assert Matter.objects.visible_to(world.user("handler")).get() == m
    staff = Client()
    staff.force_login(world.users["worker_a1"])
    assert staff.get(f"/matters/{m.code}/photos/{stored.pk}/").status_code == 200
    other = Client()
    other.force_login(world.users["worker_b1"])
    assert other.get(f"/matters/{m.code}/photos/{stored.pk}/").status_code == 404
    (tmp_path / stored.path).unlink()  # a file lost from disk answers 404, not 500
    assert staff.get(f"/matters/{m.code}/photos/{stored.pk}/").status_code == 404


@pytest.mark.parametrize(
    "files, words",
    [
        ([("fake.jpg", b"this is not an image at all")], "JPEG, PNG or WebP"),
        ([("big.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024))], "10 MB"),
        ([("broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage")], "cannot be read"),
        ([(f"p{i}.jpg", b"") for i in range(4)], "3 photos"),
    ],
)
def test_bad_photos_change_nothing(world, sign, files, words):
    if words == "3 photos":
        files = [(name, jpeg_with_location()) for name, _ in files]
    c = Client(REMOTE_ADDR="10.1.2.4", HTTP_ACCEPT_LANGUAGE="en")
    c.cookies["django_language"] = "en"
    response = c.post(
        "/s/green-01/",
        {
            "category": "dumping",
            "description": "x",
            "attr_size": "3",
            "photos": [upload(n, d) for n, d in files],
        },
    )
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Matter.objects.exists() and not MatterPhoto.objects.exists()


def test_category_must_be_the_signs(world, sign):
    response = Client().post("/s/green-01/", {"category": "neighbour-dispute", "description": "x"})
    assert response.status_code == 400 and not Matter.objects.exists()


def test_rate_limit_per_address_and_per_sign(world, sign, settings):
    settings.GRIDGOV_PUBLIC_PER_ADDRESS = 2
    settings.GRIDGOV_PUBLIC_PER_SIGN = 3
    data = {"category": "fire-lane", "description": "重复举报"}
    a = Client(REMOTE_ADDR="10.0.0.1")
    assert a.post("/s/green-01/", data).status_code == 302
    assert a.post("/s/green-01/", data).status_code == 302
    assert a.post("/s/green-01/", data).status_code == 429
    b = Client(REMOTE_ADDR="10.0.0.2")
    assert b.post("/s/green-01/", data).status_code == 302
    assert b.post("/s/green-01/", data).status_code == 429  # the sign's own limit
    assert Matter.objects.count() == 3


def test_sheet_and_lookup(world, sign):
    c = Client()
    c.force_login(world.users["street_a"])
    sheet = c.get("/matters/signs/green-01/sheet.svg")
    assert sheet["Content-Type"].startswith("image/svg+xml")
    body = sheet.content.decode()
    assert "/s/green-01/" in body and "<path" in body and "南山绿化工程1号保护牌" in body
    assert c.get("/matters/signs/").status_code == 200
    other = Client()
    other.force_login(world.users["street_b"])
    assert other.get("/matters/signs/green-01/sheet.svg").status_code == 404
    assert Client().get("/s/?receipt=NOPE").status_code == 200
    assert Client().get("/s/no-such-sign/").status_code == 404
    assert Sign.objects.visible_to(world.user("worker_a1")).count() == 1


def test_the_categorys_required_fields_are_asked(world, sign):
    c = Client()
    response = c.post("/s/green-01/", {"category": "dumping", "description": "x"})
    assert response.status_code == 400 and "面积" in response.content.decode()
    assert not Matter.objects.exists()
