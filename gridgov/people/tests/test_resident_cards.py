"""Resident results that tell namesakes apart (building and room, grid, age, sex, the
masked ID number's last digits) without the whole number or the birth date."""

import datetime
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.people import actions as people
from gridgov.testing.world import SYSTEM, make_id_number


def client_for(world, key) -> Client:
    c = Client()
    c.force_login(world.users[key])
    return c


def namesakes(world, n: int, name: str = "张伟") -> list:
    """`n` residents of one name, in building 1 and in grid A2, of different ages."""
    inputs = []
    for i in range(n):
        in_building = i % 2 == 0
        inputs.append(
            people.ResidentInput(
                world.regions["building_a1" if in_building else "grid_a2"],
                name,
                make_id_number("540402", datetime.date(1950 + i, 3, 1 + i), 100 + i),
                household=world.households["h_a1" if in_building else "h_a2"],
            )
        )
    return people.create_residents(inputs, actor=SYSTEM)


def cards(html: str) -> list[str]:
    return re.findall(r'<tr class="resident">.*?</tr>', html, re.S)


def test_namesakes_are_told_apart_and_no_whole_number_or_birth_date_shows(world):
    made = namesakes(world, 3)
    page = client_for(world, "community_a").get("/people/residents/?q=张伟").content.decode()
    found = cards(page)
    assert len(found) == 4  # three namesakes and the world's own 张伟
    assert len(set(found)) == 4
    year = timezone.localdate().year
    for r in made:
        (card,) = [c for c in found if f"/people/residents/{r.pk}/" in c]
        place = "1号楼" if r.region.level == "building" else "觉木二网格"
        assert place in card
        assert str(year - r.birth_date.year) in card  # the age
        assert {"M": "男", "F": "女"}[r.sex] in card
        assert f"…{r.id_number()[-4:]}" in card  # the masked number's tail
        assert r.id_number() not in page and r.id_number_masked not in page
        assert r.birth_date.isoformat() not in page and f"{r.birth_date:%Y%m%d}" not in page
    building = [c for c in found if "1号楼" in c][0]
    assert "1-101" in building and "觉木一网格" in building  # room and grid


def test_the_grid_is_chosen_from_a_list_and_the_pager_keeps_the_search(world):
    namesakes(world, 30)
    c = client_for(world, "community_a")
    page = c.get("/people/residents/?q=张伟").content.decode()
    region = page.split('name="region"', 1)[1].split("</select>", 1)[0]
    assert "觉木一网格" in region and "双拥一网格" not in region
    nxt = re.search(r'href="([^"]+)" rel="next"', page)[1].replace("&amp;", "&")
    assert "page=2" in nxt and "q=%E5%BC%A0%E4%BC%9F" in nxt
    by_grid = c.get("/people/residents/?q=张伟&region=540402001001002").content.decode()
    assert all("觉木二网格" in card for card in cards(by_grid)) and cards(by_grid)
    assert '<option value="540402001001002" selected>' in by_grid
    assert c.get("/people/residents/?q=" + "张" * 100).status_code == 400


def test_the_query_count_does_not_grow_with_the_rows(world):
    def count():
        c = client_for(world, "community_a")
        c.get("/people/residents/")
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/people/residents/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    namesakes(world, 12)
    assert count() == few
