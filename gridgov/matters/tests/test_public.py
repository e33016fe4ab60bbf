import datetime
import io
import re

import pytest
from django.test import Client
from PIL import Image

from gridgov.core.errors import Forbidden, Invalid, NotFound
from gridgov.matters import public
from gridgov.matters.models import Matter, MatterPhoto, Sign, Source, State
from gridgov.testing.world import english_client


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
    # Chinese first, whatever the language of whoever prints it; English second, smaller
    c.cookies["django_language"] = "en"
    body = c.get("/matters/signs/green-01/sheet.svg").content.decode()
    assert body.index("扫码上报") < body.index("Scan to report")
    assert "受理单位：巴宜区住建局" in body and "可上报：" in body and "倾倒垃圾" in body
    texts = re.findall(r'font-size="20"[^>]*>([^<]*)<', body)
    assert texts and all(len(t) <= 25 for t in texts)  # every line fits the sheet
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


# --- the receipt page shows only what is public ---------------------------------------------


def public_report(category="fire-lane", description="消防通道被车辆堵塞", address="10.9.0.1"):
    response = Client(REMOTE_ADDR=address).post(
        "/s/green-01/",
        {"category": category, "description": description, "attr_kind": "车辆"},
    )
    assert response.status_code == 302, response.content.decode()[:300]
    return Matter.objects.get(receipt=response["Location"].rstrip("/").rsplit("/", 1)[1])


def close(world, matter, **close_fields):
    from gridgov.matters.workflow import transition

    m = transition(matter, "register", actor=world.user("community_a"))
    m = transition(m, "dispatch", actor=world.user("community_a"), unit=world.units["bureau"])
    m = transition(m, "accept", actor=world.user("handler"))
    m = transition(m, "handle", actor=world.user("handler"), note="内部：车主张三13908940001")
    m = transition(m, "verify", actor=world.user("worker_a1"))
    return transition(m, "close", actor=world.user("community_a"), **close_fields)


def receipt_page(matter) -> str:
    response = english_client().get(f"/s/r/{matter.receipt}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_receipt_page_shows_a_public_note_never_an_internal_one(world, sign):
    noted = close(
        world,
        public_report(),
        note="内部：已约谈车主张三",
        public_note="占道车辆已移走，消防通道已畅通。",
    )
    page = receipt_page(noted)
    assert "占道车辆已移走，消防通道已畅通。" in page
    for private in ("张三", "13908940001", "内部"):
        assert private not in page
    plain = close(world, public_report(address="10.9.0.2"), note="内部：已约谈车主张三")
    page = receipt_page(plain)
    assert "Closed: handled by the responsible unit." in page and "张三" not in page


def test_the_receipt_page_shows_no_staff_reason(world, sign):
    from gridgov.matters.workflow import transition

    m = transition(
        public_report(),
        "reject",
        actor=world.user("community_a"),
        reason="报告人王某系精神障碍患者，多次重复举报",
    )
    page = receipt_page(m)
    assert "精神障碍" not in page and "王某" not in page
    assert "Not taken up as a matter to handle." in page


def test_a_sensitive_categorys_receipt_says_received_and_being_handled(world, sign):
    """A dispute category the public could report at the sign (before categories could be
    marked sensitive) becomes sensitive: its reporter still follows the receipt, and sees
    that it was received and is being handled, nothing more."""
    from gridgov.matters import catalogue, disputes
    from gridgov.matters.models import Category

    legacy = Category.objects.create(
        code="property-dispute",
        name="物业纠纷",
        name_en="property dispute",
        group="dispute",
        public=True,
    )
    sign.categories.add(legacy)
    waiting = public_report("property-dispute", "业主王五与物业争执", address="10.9.0.3")
    m = public_report("property-dispute", "物业与业主李四因物业费发生争执")
    m = close(world, m)
    disputes.add_party(m, "李四", "applicant", contact="13908940002", actor=world.user("worker_a1"))
    disputes.record_session(
        m,
        held_on=datetime.date.today(),
        mediators=[world.user("worker_a1")],
        outcome="agreement",
        agreement="调解协议：李四补缴物业费",
        actor=world.user("worker_a1"),
    )
    page = receipt_page(m)
    for private in ("调解协议", "李四", "mediation"):
        assert private not in page

    catalogue.save_category(
        code="property-dispute",
        name="物业纠纷",
        name_en="property dispute",
        group="dispute",
        deadline_days=10,
        public=False,
        sensitive=True,
        actor=world.user("admin"),
    )
    page = receipt_page(m)
    assert m.receipt in page and "Handling has ended." in page
    assert "Received; being handled." in receipt_page(waiting)
    assert "物业纠纷" not in receipt_page(waiting) and "王五" not in receipt_page(waiting)
    for private in ("物业纠纷", "property dispute", "调解协议", "李四", "registered", "dispatched"):
        assert private not in page
    # no longer offered at the sign, and refused if sent anyway
    assert "物业纠纷" not in Client().get("/s/green-01/").content.decode()
    before = Matter.objects.count()
    refused = Client(REMOTE_ADDR="10.9.0.9").post(
        "/s/green-01/", {"category": "property-dispute", "description": "又吵起来了"}
    )
    assert refused.status_code == 400 and Matter.objects.count() == before


def test_the_receipt_timeline_has_no_internal_steps(world, sign):
    from gridgov.matters.workflow import transition

    m = transition(public_report(), "register", actor=world.user("community_a"))
    tomorrow = datetime.date.today() + datetime.timedelta(days=30)
    m = transition(m, "dispatch", actor=world.user("community_a"), unit=world.units["bureau"])
    transition(
        m, "request_extension", actor=world.user("handler"), until=tomorrow, reason="内部：缺人手"
    )
    page = receipt_page(m)
    assert "registered" in page and "dispatched" in page
    assert "extension" not in page and "缺人手" not in page
    # reported, registered, dispatched: the extension is no step of its own either
    timeline = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert timeline.count("<li>") == 3
