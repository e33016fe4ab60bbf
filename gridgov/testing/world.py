"""A fixed small world for tests: two streets, three grids, one user per role, a stranger.

林芝市 540400 → 巴宜区 540402
    ├ 觉木街道 540402001 → 觉木社区 540402001001 → grids 001 (A1) and 002 (A2)
    │                        A1 holds compound 001 with building 001
    └ 双拥街道 540402002 → 双拥社区 540402002001 → grid 001 (B1)
"""

from __future__ import annotations

import dataclasses
import datetime

from gridgov.accounts import actions as account_actions
from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.core.validators import id_check_digit
from gridgov.people import actions as people
from gridgov.people.models import Household, Resident, Unit, UnitKind
from gridgov.regions import actions as regions
from gridgov.regions.models import Level, PartyLevel, Region

PASSWORD = "gridgov-test-pw"
SYSTEM = "system:test-world"


def make_id_number(area: str, birth: datetime.date, seq: int) -> str:
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


def feature(code: str, name: str, parent: str, geometry: dict) -> dict:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "parent_code": parent},
        "geometry": geometry,
    }


@dataclasses.dataclass
class World:
    regions: dict[str, Region]
    users: dict[str, User]
    residents: dict[str, Resident]
    units: dict[str, Unit]
    households: dict[str, Household]
    categories: dict = dataclasses.field(default_factory=dict)

    def user(self, key: str) -> User:
        return User.objects.get(pk=self.users[key].pk)  # fresh: no cached scopes


# (key, role, region key); "stranger" holds no role at all
USERS = [
    ("admin", Role.SYSTEM_ADMIN, "city"),
    ("operator", Role.OPERATOR, "district"),
    ("street_a", Role.STREET_STAFF, "street_a"),
    ("street_b", Role.STREET_STAFF, "street_b"),
    ("community_a", Role.COMMUNITY_STAFF, "community_a"),
    ("worker_a1", Role.GRID_WORKER, "grid_a1"),
    ("worker_a2", Role.GRID_WORKER, "grid_a2"),
    ("worker_b1", Role.GRID_WORKER, "grid_b1"),
    ("police_a1", Role.GRID_POLICE, "grid_a1"),
    ("liaison_a1", Role.HOUSEHOLD_LIAISON, "building_a1"),
    ("handler", Role.DEPARTMENT_HANDLER, "district"),
    ("volunteer", Role.VOLUNTEER, "community_a"),
    ("court_officer", Role.COURT_OFFICER, "district"),
    ("court_finance", Role.COURT_FINANCE, "district"),
    ("leader", Role.LEADER, "district"),
]


def build_world() -> World:
    r: dict[str, Region] = {}
    r["city"] = regions.create_region(None, Level.CITY, "540400", "林芝市", actor=SYSTEM)
    r["district"] = regions.create_region(
        r["city"], Level.DISTRICT, "540402", "巴宜区", actor=SYSTEM
    )
    r["street_a"] = regions.create_region(
        r["district"], Level.STREET, "540402001", "觉木街道", actor=SYSTEM
    )
    r["street_b"] = regions.create_region(
        r["district"], Level.STREET, "540402002", "双拥街道", actor=SYSTEM
    )
    r["community_a"] = regions.create_region(
        r["street_a"], Level.COMMUNITY, "540402001001", "觉木社区", actor=SYSTEM
    )
    r["community_b"] = regions.create_region(
        r["street_b"], Level.COMMUNITY, "540402002001", "双拥社区", actor=SYSTEM
    )
    regions.import_grids(
        {
            "type": "FeatureCollection",
            "features": [
                feature("540402001001001", "觉木一网格", "540402001001", square(94.36, 29.65)),
                feature("540402001001002", "觉木二网格", "540402001001", square(94.37, 29.65)),
                feature("540402002001001", "双拥一网格", "540402002001", square(94.36, 29.66)),
            ],
        },
        actor=SYSTEM,
    )
    for key, code in [
        ("grid_a1", "540402001001001"),
        ("grid_a2", "540402001001002"),
        ("grid_b1", "540402002001001"),
    ]:
        r[key] = Region.objects.get(code=code)
    r["compound_a1"] = regions.create_region(
        r["grid_a1"], Level.COMPOUND, "540402001001001001", "林芝花园", actor=SYSTEM
    )
    r["building_a1"] = regions.create_region(
        r["compound_a1"], Level.BUILDING, "540402001001001001001", "1号楼", actor=SYSTEM
    )

    units = {
        "bureau": people.create_unit(r["district"], "巴宜区住建局", UnitKind.AGENCY, actor=SYSTEM),
        "shop_a1": people.create_unit(r["grid_a1"], "雪域便利店", UnitKind.SHOP, actor=SYSTEM),
        "shop_b1": people.create_unit(r["grid_b1"], "双拥茶馆", UnitKind.SHOP, actor=SYSTEM),
    }
    households = {
        "h_a1": people.create_household(r["building_a1"], "0101", actor=SYSTEM, address="1-101"),
        "h_a2": people.create_household(r["grid_a2"], "0201", actor=SYSTEM),
        "h_b1": people.create_household(r["grid_b1"], "0301", actor=SYSTEM),
    }
    born = datetime.date(1980, 5, 17)
    inputs = {
        "tashi": people.ResidentInput(
            r["building_a1"],
            "扎西",
            make_id_number("540402", born, 11),
            "13908940001",
            households["h_a1"],
            "藏族",
            "户主",
            ["veteran"],
        ),
        "zhang": people.ResidentInput(
            r["building_a1"],
            "张伟",
            make_id_number("540402", born, 22),
            "13908940002",
            households["h_a1"],
            "汉族",
            "配偶",
        ),
        "dawa": people.ResidentInput(
            r["grid_a2"],
            "达瓦",
            make_id_number("540402", born, 31),
            "13908940003",
            households["h_a2"],
            "藏族",
            "户主",
        ),
        "li": people.ResidentInput(
            r["grid_b1"],
            "李娜",
            make_id_number("540402", born, 42),
            "13908940004",
            households["h_b1"],
            "汉族",
            "户主",
        ),
    }
    created = people.create_residents(list(inputs.values()), actor=SYSTEM)
    residents = dict(zip(inputs, created, strict=True))

    users = {}
    for key, role, region_key in USERS:
        user = account_actions.create_user(key, PASSWORD, display_name=key, actor=SYSTEM)
        account_actions.assign_role(
            user,
            role,
            r[region_key],
            unit=units["bureau"] if role == Role.DEPARTMENT_HANDLER else None,
            actor=SYSTEM,
        )
        users[key] = user
    users["stranger"] = account_actions.create_user(
        "stranger", PASSWORD, display_name="stranger", actor=SYSTEM
    )
    regions.set_sponsor_unit(r["grid_a1"].grid, units["bureau"], actor=SYSTEM)

    street = regions.create_party_org(
        None, PartyLevel.STREET_COMMITTEE, "觉木街道党工委", r["street_a"], actor=SYSTEM
    )
    community = regions.create_party_org(
        street, PartyLevel.COMMUNITY_COMMITTEE, "觉木社区党委", r["community_a"], actor=SYSTEM
    )
    regions.create_party_org(
        community,
        PartyLevel.GRID_BRANCH,
        "觉木联建支部",
        r["community_a"],
        grids=[r["grid_a1"], r["grid_a2"]],
        actor=SYSTEM,
    )
    from gridgov.matters.models import Category

    categories = {
        "dispute": Category.objects.create(
            code="neighbour-dispute",
            name="邻里纠纷",
            name_en="neighbour dispute",
            group="dispute",
            deadline_days=5,
            sensitive=True,
            fields=[
                {
                    "code": "parties",
                    "label": "当事人数",
                    "label_en": "parties",
                    "type": "number",
                    "required": True,
                }
            ],
        ),
        "fire_lane": Category.objects.create(
            code="fire-lane",
            name="消防通道堵塞",
            name_en="blocked fire lane",
            group="hazard",
            deadline_days=3,
            default_unit=units["bureau"],
            public=True,
            fields=[
                {
                    "code": "kind",
                    "label": "占用物",
                    "label_en": "blocked by",
                    "type": "choice",
                    "choices": ["车辆", "杂物", "电动车"],
                }
            ],
        ),
        "dumping": Category.objects.create(
            code="dumping",
            name="倾倒垃圾",
            name_en="dumping",
            group="public_interest",
            deadline_days=5,
            public=True,
            fields=[
                {
                    "code": "size",
                    "label": "面积（平方米）",
                    "label_en": "area in m²",
                    "type": "number",
                    "required": True,
                }
            ],
        ),
    }
    return World(r, users, residents, units, households, categories)


def english_client(**kwargs):
    """A test client whose pages come in English (the language cookie)."""
    from django.test import Client

    c = Client(**kwargs)
    c.cookies["django_language"] = "en"
    return c
