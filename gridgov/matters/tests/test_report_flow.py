"""The staff report flow, step by step, as a grid worker meets it (pages of the fixed test
world): place → category → details → check → done."""

import io
import os
import re
import time

import pytest
from django.test import Client

from gridgov.core import sweep
from gridgov.core.models import AuditAction, AuditEntry
from gridgov.matters import drafts
from gridgov.matters.models import Matter, MatterPhoto, Priority
from gridgov.matters.tests.test_public import jpeg_with_location

NEW = "/matters/new/"
CATEGORY = "/matters/new/category/"
DETAILS = "/matters/new/details/"
CHECK = "/matters/new/check/"
A1 = "540402001001001"
A2 = "540402001001002"
BUILDING_A1 = "540402001001001001001"
IN_A1 = {"lat": "29.655", "lon": "94.365"}
IN_A2 = {"lat": "29.655", "lon": "94.375"}
IN_B1 = {"lat": "29.665", "lon": "94.365"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def signed_in(world, key="worker_a1") -> Client:
    c = Client()
    c.force_login(world.users[key])
    return c


def photo(name="a.jpg", data=None):
    f = io.BytesIO(data if data is not None else jpeg_with_location())
    f.name = name
    return f


def checked_priority(body: str) -> list[str]:
    return re.findall(r'<input type="radio" name="priority" value="(\d)"[^>]*\bchecked', body)


def to_details(c, category="fire-lane", place=A1):
    assert c.post(NEW, {"place": place}).status_code == 302
    assert c.post(CATEGORY, {"category": category}).status_code == 302


def page(response) -> str:
    return response.content.decode()


def test_a_grid_worker_reports_in_five_steps_and_is_told_who_and_by_when(world):
    c = signed_in(world)
    first = c.get(NEW)
    assert first.status_code == 200
    response = c.post(NEW, {"place": A1, "address": "3号楼前"})
    assert response.status_code == 302 and response["Location"] == CATEGORY
    assert c.get(CATEGORY).status_code == 200
    response = c.post(CATEGORY, {"category": "fire-lane"})
    assert response["Location"] == DETAILS
    response = c.post(
        DETAILS,
        {
            "description": "消防通道被私家车堵塞",
            "attr_kind": "车辆",
            "priority": "2",
            "photos": [photo()],
        },
    )
    assert response.status_code == 302 and response["Location"] == CHECK
    check = page(c.get(CHECK))
    assert "消防通道被私家车堵塞" in check and "3号楼前" in check and "车辆" in check
    assert not Matter.objects.exists()  # nothing is reported before the reporter confirms
    response = c.post(CHECK)
    matter = Matter.objects.get()
    assert response["Location"] == f"/matters/new/done/{matter.code}/"
    assert matter.region.code == A1 and matter.address == "3号楼前"
    assert matter.attributes == {"kind": "车辆"} and matter.priority == Priority.NORMAL
    assert MatterPhoto.objects.filter(matter=matter).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.MATTER_REPORTED).count() == 1
    done = page(c.get(response["Location"]))
    assert matter.code in done
    assert "community_a" in done and "觉木社区" in done  # who registers it
    assert "巴宜区住建局" in done  # who handles it (the category's unit)
    assert "3 个工作日" in done  # by when, from the category's time limit
    # the draft is gone with its photos; a new report starts afresh
    assert not any(drafts.root().rglob("*.jpg"))
    assert "消防通道被私家车堵塞" not in page(c.get(DETAILS, follow=True))


def test_choosing_a_category_never_answers_400_before_anything_is_typed(world):
    c = signed_in(world)
    c.post(NEW, {"place": A1})
    response = c.post(CATEGORY, {"category": "neighbour-dispute"}, follow=True)
    assert response.status_code == 200
    body = page(response)
    assert 'name="attr_parties"' in body  # the category's own field is asked for
    assert "field-error" not in body and "error-summary" not in body


def test_priority_is_normal_unless_the_reporter_says_otherwise(world):
    c = signed_in(world)
    to_details(c)
    assert checked_priority(page(c.get(DETAILS))) == ["2"]
    # a form that sends no priority at all is asked, not quietly set to anything
    response = c.post(DETAILS, {"description": "没有优先级"})
    assert response.status_code == 400 and "请选择优先级" in page(response)


def test_photos_and_text_survive_an_error_and_are_sent_with_the_report(world):
    c = signed_in(world)
    to_details(c, category="dumping")  # its area is required
    response = c.post(
        DETAILS, {"description": "绿化带内有垃圾", "priority": "3", "photos": [photo()]}
    )
    assert response.status_code == 400
    body = page(response)
    assert 'class="error-summary"' in body and 'href="#id_attr_size"' in body
    assert "绿化带内有垃圾" in body  # the text is there
    thumbs = [part.split("/")[0] for part in body.split('src="/matters/new/photos/')[1:]]
    assert len(thumbs) == 1  # and the photo, as a thumbnail
    served = c.get(f"/matters/new/photos/{thumbs[0]}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    # another person never sees it
    assert signed_in(world, "worker_a2").get(f"/matters/new/photos/{thumbs[0]}/").status_code == 404
    # back and forth: to the place step and back, the photo and text stay
    c.get(NEW)
    again = page(c.get(DETAILS))
    assert "绿化带内有垃圾" in again and thumbs[0] in again
    assert checked_priority(again) == ["3"]
    # mended and sent: the photo goes with the report
    assert (
        c.post(DETAILS, {"description": "绿化带内有垃圾", "priority": "3", "attr_size": "4"})[
            "Location"
        ]
        == CHECK
    )
    c.post(CHECK)
    matter = Matter.objects.get()
    assert matter.photos.count() == 1 and matter.priority == Priority.HIGH


def test_a_photo_that_is_not_one_is_refused_and_the_good_one_kept(world):
    c = signed_in(world)
    to_details(c)
    response = c.post(
        DETAILS,
        {"description": "两张照片", "priority": "2", "photos": [photo(), photo("b.jpg", b"nope")]},
    )
    assert response.status_code == 400
    body = page(response)
    assert "b.jpg" in body and body.count('src="/matters/new/photos/') == 1
    assert not Matter.objects.exists()


def test_only_adding_a_photo_says_nothing_about_fields_not_yet_filled(world):
    c = signed_in(world)
    to_details(c, category="dumping")
    response = c.post(DETAILS, {"add_photos": "1", "photos": [photo()]}, follow=True)
    assert response.status_code == 200
    body = page(response)
    assert "field-error" not in body and body.count('src="/matters/new/photos/') == 1
    token = body.split('name="remove_photo" value="')[1].split('"')[0]
    response = c.post(DETAILS, {"remove_photo": token, "description": "先写一半"}, follow=True)
    body = page(response)
    assert "/matters/new/photos/" not in body and "先写一半" in body


def test_the_place_defaults_to_the_reporters_own_grid_or_building(world):
    body = page(signed_in(world).get(NEW))
    assert f'<option value="{A1}" selected>' in body
    assert f'<option value="{BUILDING_A1}">' in body  # buildings of the grid, to choose
    assert A2 not in body  # not the neighbouring grid
    asked = page(signed_in(world).get(NEW, {"place": BUILDING_A1}))  # "report here"
    assert f'<option value="{BUILDING_A1}" selected>' in asked
    elsewhere = page(signed_in(world).get(NEW, {"place": A2}))  # not theirs: the default
    assert f'<option value="{A1}" selected>' in elsewhere
    assert f'<option value="{A2}"' not in elsewhere
    liaison = page(signed_in(world, "liaison_a1").get(NEW))
    assert f'<option value="{BUILDING_A1}" selected>' in liaison
    # staff over several grids choose; nothing is chosen for them
    staff = signed_in(world, "community_a")
    body = page(staff.get(NEW))
    assert f'<option value="{A1}">' in body and f'<option value="{A2}">' in body
    response = staff.post(NEW, {"place": ""})
    assert response.status_code == 400
    assert 'href="#id_place"' in page(response) and "请选择地点" in page(response)


def test_a_point_decides_the_grid_and_a_building_of_that_grid_stays(world):
    c = signed_in(world)
    c.post(NEW, {"place": BUILDING_A1, **IN_A1})
    c.post(CATEGORY, {"category": "fire-lane"})
    c.post(DETAILS, {"description": "楼前", "priority": "2"})
    c.post(CHECK)
    matter = Matter.objects.get()
    assert matter.region.code == BUILDING_A1 and matter.lat == 29.655
    # community staff at a point of grid A2: the point's grid, not the one in the list
    staff = signed_in(world, "community_a")
    staff.post(NEW, {"place": A1, **IN_A2})
    staff.post(CATEGORY, {"category": "fire-lane"})
    staff.post(DETAILS, {"description": "二网格", "priority": "2"})
    staff.post(CHECK)
    assert Matter.objects.latest("id").region.code == A2


def test_a_place_outside_ones_scope_is_refused_clearly_and_changes_nothing(world):
    c = signed_in(world)
    c.post(NEW, {"place": A1})
    before = dict(c.session[drafts.STAFF_KEY])
    response = c.post(NEW, {"place": A1, **IN_B1})  # a point in another street's grid
    assert response.status_code == 400
    assert "不在您的网格内" in page(response)
    response = c.post(NEW, {"place": A2})  # a grid that is not one's own
    assert response.status_code == 400 and "请选择您自己的地点" in page(response)
    response = c.post(NEW, {"place": A1, "lat": "10", "lon": "10"})  # in no grid at all
    assert response.status_code == 400 and "不在任何网格内" in page(response)
    assert "选择网格" not in page(response)  # no talk of choosing what cannot be chosen
    assert dict(c.session[drafts.STAFF_KEY]) == before
    assert not Matter.objects.exists()


def test_the_locator_names_only_ones_own_grids(world):
    c = signed_in(world)
    mine = c.get("/matters/new/locate/", IN_A1).json()
    assert mine["in_scope"] and mine["grid"] == {"code": A1, "name": "觉木一网格"}
    other = c.get("/matters/new/locate/", IN_B1).json()
    assert not other["in_scope"] and other["grid"] is None and "双拥" not in str(other)
    assert c.get("/matters/new/locate/", {"lat": "x", "lon": "1"}).status_code == 400
    assert signed_in(world, "volunteer").get("/matters/new/locate/", IN_A1).status_code == 403


def test_bad_input_changes_nothing(world):
    c = signed_in(world)
    to_details(c, category="dumping")
    response = c.post(DETAILS, {"description": "面积", "priority": "2", "attr_size": "很大"})
    assert response.status_code == 400 and 'href="#id_attr_size"' in page(response)
    response = c.post(DETAILS, {"description": "x", "priority": "9", "attr_size": "1"})
    assert response.status_code == 400
    response = c.post(CATEGORY, {"category": "no-such-thing"})
    assert response.status_code == 400 and "dumping" in c.session[drafts.STAFF_KEY]["category"]
    # a step opened before its turn leads back to the step missing, never to an error
    fresh = signed_in(world, "worker_a2")
    assert fresh.get(CHECK)["Location"] == NEW
    assert fresh.post(CHECK)["Location"] == NEW
    assert fresh.get(DETAILS)["Location"] == NEW
    assert not Matter.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.MATTER_REPORTED).exists()


def test_a_place_taken_away_meanwhile_is_said_on_the_check_page(world):
    from gridgov.accounts.models import RoleAssignment

    c = signed_in(world, "community_a")
    c.post(NEW, {"place": A2})
    c.post(CATEGORY, {"category": "fire-lane"})
    c.post(DETAILS, {"description": "x", "priority": "2"})
    RoleAssignment.objects.filter(user=world.users["community_a"]).update(
        region=world.regions["community_b"]
    )
    response = c.post(CHECK)
    assert response.status_code == 400 and 'href="/matters/new/?change=1"' in page(response)
    assert not Matter.objects.exists()


def test_a_second_tap_on_send_reports_once(world):
    c = signed_in(world)
    to_details(c)
    c.post(DETAILS, {"description": "只报一次", "priority": "2"})
    first = c.post(CHECK)
    second = c.post(CHECK)
    assert Matter.objects.count() == 1 and second["Location"] == first["Location"]


def test_no_role_to_report_is_refused(world):
    assert signed_in(world, "volunteer").get(NEW).status_code == 403
    assert signed_in(world, "leader").post(NEW, {"place": A1}).status_code == 403


def test_change_from_the_check_page_comes_back_to_it(world):
    c = signed_in(world)
    to_details(c)
    c.post(DETAILS, {"description": "先这样", "priority": "2", "attr_kind": "杂物"})
    response = c.post(CATEGORY + "?change=1", {"category": "dumping"})
    assert response["Location"] == DETAILS  # the new category's required field first
    assert c.get(CHECK)["Location"] == DETAILS
    body = page(c.get(DETAILS))
    assert "先这样" in body and 'name="attr_size"' in body


def test_sweep_removes_drafts_left_unsent(world, settings):
    c = signed_in(world)
    to_details(c)
    c.post(DETAILS, {"add_photos": "1", "photos": [photo()]})
    folder = next(drafts.root().iterdir())
    assert "report drafts: 0 removed" in sweep.run()
    old = time.time() - 25 * 3600
    for f in [*folder.iterdir(), folder]:
        os.utime(f, (old, old))
    assert "report drafts: 1 removed" in sweep.run()
    assert not folder.exists()
    body = page(c.get(DETAILS))  # the draft forgets what is gone, and still works
    assert "/matters/new/photos/" not in body


def test_a_public_report_keeps_its_photo_and_what_was_typed_after_an_error(world, sign):
    c = Client(REMOTE_ADDR="10.1.2.9")
    response = c.post(
        "/s/green-01/",
        {"category": "dumping", "description": "", "attr_size": "3", "photos": [photo()]},
    )
    assert response.status_code == 400
    body = page(response)
    assert 'name="attr_size" id="id_attr_size" value="3"' in body
    thumbs = [part.split('"')[0] for part in body.split('src="/s/green-01/photos/')[1:]]
    assert len(thumbs) == 1
    url = f"/s/green-01/photos/{thumbs[0]}"
    assert c.get(url).status_code == 200 and Client().get(url).status_code == 404
    response = c.post(
        "/s/green-01/", {"category": "dumping", "description": "山坡垃圾", "attr_size": "3"}
    )
    assert response.status_code == 302
    assert Matter.objects.get().photos.count() == 1
    assert c.get(url).status_code == 404  # the draft went with the report


def test_a_liaisons_location_in_their_grid_takes_their_building(world):
    # a liaison holds a building, not a grid: "use my location" said "outside your grids"
    c = signed_in(world, "liaison_a1")
    building = world.regions["building_a1"]
    here = c.get("/matters/new/locate/", IN_A1).json()
    assert here["in_scope"] and here["grid"]["code"] == building.code
    assert not c.get("/matters/new/locate/", IN_B1).json()["in_scope"]
    # and the place step takes the point with their building
    response = c.post(NEW, {"place": building.code, **IN_A1})
    assert response.status_code == 302, page(response)
