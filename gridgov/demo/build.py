"""The demo district: Bayi (巴宜区) of Linzhi, built from the figures of the seed page.

Two streets, 6 communities, 22 grids tiling an area near 29.65°N 94.36°E, every grid
staffed 1+1+1+N except one deliberate gap (no grid police in the last grid), about
30,000 synthetic residents in ~10,000 households in ~530 buildings, units, party members,
the five-level party chain with 22 grid joint branches, 35 + 25 big-committee members,
60 community workers and one demo login per role. Everything goes through the actions,
so the demo's audit trail verifies like any other.
"""

from __future__ import annotations

import dataclasses
import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

from gridgov.accounts import actions as accounts
from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.core.validators import id_check_digit
from gridgov.people import actions as people
from gridgov.people.models import UnitKind
from gridgov.regions import actions as regions
from gridgov.regions.models import CommitteeKind, Level, PartyLevel, Region

from . import visits
from .names import person

ACTOR = "system:demo"
DEMO_PASSWORD = "gridgov-demo"
DISTRICT_CODE = "540402"

STREETS = [
    ("540402001", "觉木街道", [("珠曲登社区", 4), ("德吉路社区", 4), ("八一社区", 3)]),
    ("540402002", "双拥街道", [("双拥社区", 4), ("达则社区", 4), ("福建路社区", 3)]),
]
COMPOUND_NAMES = [
    "尼洋河畔",
    "林芝花园",
    "雪域家园",
    "福康小区",
    "桃花苑",
    "八一新村",
    "安居苑",
    "工布家园",
    "鲁朗小区",
    "南迦巴瓦苑",
    "色季拉小区",
    "广东小区",
    "福建小区",
    "巴吉新村",
    "滨河苑",
]
AGENCIES = [
    "巴宜区住房和城乡建设局",
    "巴宜区公安分局",
    "巴宜区民政局",
    "巴宜区市场监督管理局",
    "巴宜区卫生健康委员会",
    "巴宜区教育局",
    "巴宜区司法局",
    "巴宜区人力资源和社会保障局",
    "巴宜区自然资源局",
    "巴宜区交通运输局",
    "巴宜区城市管理局",
    "巴宜区应急管理局",
    "巴宜区消防救援大队",
    "巴宜区退役军人事务局",
    "巴宜区农业农村局",
    "巴宜区文化和旅游局",
    "林芝市生态环境局巴宜分局",
    "巴宜区人民法院",
    "巴宜区人民检察院",
    "巴宜区供电公司",
    "巴宜区自来水公司",
    "巴宜区税务局",
]
SHOP_WORDS = [
    "便利店",
    "茶馆",
    "药店",
    "餐馆",
    "超市",
    "电动车行",
    "快递驿站",
    "五金店",
    "藏餐馆",
    "甜茶馆",
    "汽修店",
    "理发店",
]
SHOP_PREFIXES = ["格桑", "雪域", "尼洋", "工布", "吉祥", "扎西", "林芝", "巴宜", "春天", "阳光"]
INDUSTRY_WORDS = ["物业公司", "商会", "医院", "学校"]
BIG_COMMITTEE_TITLES = ["副局长", "副主任", "党组成员", "副院长", "副检察长", "支部书记"]

# one demo login per role: (username, role, where)
DEMO_LOGINS = [
    ("admin", Role.SYSTEM_ADMIN, "city"),
    ("operator", Role.OPERATOR, "district"),
    ("street", Role.STREET_STAFF, "street"),
    ("community", Role.COMMUNITY_STAFF, "community"),
    ("worker", Role.GRID_WORKER, "grid"),
    ("police", Role.GRID_POLICE, "grid"),
    ("liaison", Role.HOUSEHOLD_LIAISON, "building"),
    ("handler", Role.DEPARTMENT_HANDLER, "district"),
    ("volunteer", Role.VOLUNTEER, "community"),
    ("court", Role.COURT_OFFICER, "district"),
    ("court-city", Role.COURT_OFFICER, "city"),
    ("finance", Role.COURT_FINANCE, "district"),
    ("finance-city", Role.COURT_FINANCE, "city"),
    ("leader", Role.LEADER, "district"),
]

LON0, LAT0, DLON, DLAT, JITTER = 94.330, 29.636, 0.0085, 0.0065, 0.0013
COLUMNS, ROWS = 6, 4


def is_loaded() -> bool:
    return Region.objects.filter(code=DISTRICT_CODE).exists()


def lattice(rng: random.Random) -> dict[tuple[int, int], tuple[float, float]]:
    """Shared corner points; inner ones jittered so that grids look drawn, yet tile."""
    pts = {}
    for i in range(COLUMNS + 1):
        for j in range(ROWS + 1):
            jx = jy = 0.0
            if 0 < i < COLUMNS and 0 < j < ROWS:
                jx, jy = rng.uniform(-JITTER, JITTER), rng.uniform(-JITTER, JITTER)
            pts[i, j] = (round(LON0 + i * DLON + jx, 6), round(LAT0 + j * DLAT + jy, 6))
    return pts


def cell(pts, i, j) -> dict:
    ring = [pts[i, j], pts[i + 1, j], pts[i + 1, j + 1], pts[i, j + 1], pts[i, j]]
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


def building_spots(polygon: dict, n: int) -> list[dict]:
    """`n` places for buildings inside a grid, rows of a compound side by side (no random
    numbers drawn: the rest of the demo stays the same); {} where one would fall outside."""
    from shapely.geometry import Point, shape

    geom = shape(polygon)
    minx, miny, maxx, maxy = geom.bounds
    cols = 6
    rows = -(-n // cols)
    spots = []
    for k in range(n):
        x = minx + (maxx - minx) * (0.15 + 0.7 * (k % cols) / (cols - 1))
        y = miny + (maxy - miny) * (0.2 + 0.6 * (k // cols) / max(rows - 1, 1))
        inside = geom.contains(Point(x, y))
        spots.append({"lon": round(x, 6), "lat": round(y, 6)} if inside else {})
    return spots


def id_number(rng: random.Random, used: set, birth: datetime.date) -> str:
    areas = ["540402"] * 6 + ["540421", "540102", "510107", "500101", "350102", "440106"]
    while True:
        first17 = f"{rng.choice(areas)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        full = first17 + id_check_digit(first17)
        if full not in used:
            used.add(full)
            return full


def phone(rng: random.Random, used: set) -> str:
    while True:
        p = rng.choice(["139", "138", "136", "180", "189", "177", "150", "158"]) + (
            f"{rng.randrange(10**8):08d}"
        )
        if p not in used:
            used.add(p)
            return p


@dataclasses.dataclass
class DemoSummary:
    grids: int = 0
    buildings: int = 0
    households: int = 0
    residents: int = 0
    units: int = 0
    party_members: int = 0
    users: int = 0


def build(residents: int = 30_000, seed: int = 2024, log=print) -> DemoSummary:
    rng = random.Random(seed)
    summary = DemoSummary()
    password_hash = make_password(DEMO_PASSWORD)
    today = datetime.date.today()

    def user(username, role, region, *, display_name="", unit=None):
        u = accounts.create_user(
            username,
            None,
            display_name=display_name or username,
            actor=ACTOR,
            check_password=False,
            password_hash=password_hash,
        )
        accounts.assign_role(u, role, region, unit=unit, actor=ACTOR)
        summary.users += 1
        return u

    with transaction.atomic():
        city = regions.create_region(
            None, Level.CITY, "540400", "林芝市", actor=ACTOR, lat=29.65, lon=94.36
        )
        district = regions.create_region(
            city, Level.DISTRICT, DISTRICT_CODE, "巴宜区", actor=ACTOR, lat=29.65, lon=94.36
        )
        agencies = {
            name: people.create_unit(
                district, name, UnitKind.AGENCY, actor=ACTOR, address=f"林芝市巴宜区{name[3:]}"
            )
            for name in AGENCIES
        }
        pts = lattice(rng)
        features, communities, column = [], [], 0
        streets = []
        for street_code, street_name, comms in STREETS:
            street = regions.create_region(
                district, Level.STREET, street_code, street_name, actor=ACTOR
            )
            streets.append(street)
            for k, (cname, n_grids) in enumerate(comms, start=1):
                community = regions.create_region(
                    street, Level.COMMUNITY, f"{street_code}{k:03d}", cname, actor=ACTOR
                )
                communities.append((community, n_grids))
                for g in range(n_grids):
                    features.append(
                        {
                            "type": "Feature",
                            "properties": {
                                "code": f"{community.code}{g + 1:03d}",
                                "name": f"{cname[:-2]}第{g + 1}网格",
                                "parent_code": community.code,
                            },
                            "geometry": cell(pts, column, g),
                        }
                    )
                column += 1
        regions.import_grids({"type": "FeatureCollection", "features": features}, actor=ACTOR)
        grids = list(
            Region.objects.filter(level=Level.GRID).select_related("grid").order_by("code")
        )
        summary.grids = len(grids)
        log(f"  {len(grids)} grids")

        # compounds and buildings
        buildings_by_grid: dict[int, list[Region]] = {}
        for gi, grid in enumerate(grids):
            spots = building_spots(grid.grid.polygon, 3 * 8)
            buildings_by_grid[grid.pk] = []
            for c in range(3):
                cname = COMPOUND_NAMES[(gi * 3 + c) % len(COMPOUND_NAMES)]
                cname = cname if cname.endswith(("苑", "村", "区", "园")) else cname + "小区"
                compound = regions.create_region(
                    grid,
                    Level.COMPOUND,
                    f"{grid.code}{c + 1:03d}",
                    f"{cname}{gi + 1}期",
                    actor=ACTOR,
                    lat=grid.lat,
                    lon=grid.lon,
                )
                for b in range(8):
                    building = regions.create_region(
                        compound,
                        Level.BUILDING,
                        f"{compound.code}{b + 1:03d}",
                        f"{b + 1}号楼",
                        actor=ACTOR,
                        floors=rng.choice([4, 5, 6, 6, 7]),
                        address=f"{compound.name}{b + 1}号楼",
                        **spots[c * 8 + b],
                    )
                    buildings_by_grid[grid.pk].append(building)
        summary.buildings = sum(len(v) for v in buildings_by_grid.values())
        log(f"  {summary.buildings} buildings")

        # units: shops and enterprises in every grid
        units = list(agencies.values())
        for grid in grids:
            for _ in range(rng.randint(5, 9)):
                kind = rng.choice([UnitKind.SHOP] * 3 + [UnitKind.ENTERPRISE])
                units.append(
                    people.create_unit(
                        grid,
                        rng.choice(SHOP_PREFIXES) + rng.choice(SHOP_WORDS),
                        kind,
                        actor=ACTOR,
                        address=f"{grid.name}沿街{rng.randint(1, 200)}号",
                    )
                )
        summary.units = len(units)

        # households and residents
        used_ids: set[str] = set()
        used_phones: set[str] = set()
        all_buildings = [b for grid in grids for b in buildings_by_grid[grid.pk]]
        sizes = []
        while sum(sizes) < residents:
            sizes.append(rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5]))
        sizes[-1] -= sum(sizes) - residents
        per_building = -(-len(sizes) // len(all_buildings))
        house_inputs = []
        for h in range(len(sizes)):
            building = all_buildings[h // per_building]
            floor, room = divmod(h % per_building, 3)
            house_inputs.append(
                people.HouseholdInput(
                    building,
                    f"{floor + 1:02d}{room + 1:02d}",
                    address=f"{building.address}{floor + 1}0{room + 1}室",
                    kind=rng.choice(["resident"] * 6 + ["registered"] * 3 + ["floating"]),
                )
            )
        households = people.create_households(house_inputs, actor=ACTOR)
        summary.households = len(households)
        log(f"  {len(households)} households")

        resident_inputs = []
        for household, size in zip(households, sizes, strict=True):
            for m in range(size):
                age = rng.randint(25, 85) if m == 0 else rng.randint(0, 80)
                birth = today - datetime.timedelta(days=age * 365 + rng.randrange(365))
                name, ethnicity = person(rng)
                groups = []
                if age >= 18 and rng.random() < 0.012:
                    groups.append("veteran")
                if 20 <= age <= 45 and rng.random() < 0.02:
                    groups.append("new_employment")
                if age >= 70 and size == 1:
                    groups.append("elderly_alone")
                if rng.random() < 0.008:
                    groups.append("disabled")
                resident_inputs.append(
                    people.ResidentInput(
                        region=household.region,
                        name=name,
                        id_number=id_number(rng, used_ids, birth),
                        phone=phone(rng, used_phones) if age >= 16 else "",
                        household=household,
                        ethnicity=ethnicity,
                        relation="户主" if m == 0 else rng.choice(["配偶", "子女", "父母", "其他"]),
                        special_groups=groups,
                    )
                )
        created = []
        for start in range(0, len(resident_inputs), 5000):
            created += people.create_residents(resident_inputs[start : start + 5000], actor=ACTOR)
        summary.residents = len(created)
        log(f"  {len(created)} residents")

        # party chain: district committee → street → community → grid branch → group → household
        root = regions.create_party_org(
            None,
            PartyLevel.DISTRICT_COMMITTEE,
            "中共林芝市巴宜区委员会",
            district,
            actor=ACTOR,
            secretary_name="区委书记（示例）",
            secretary_title="区委书记",
        )
        branches = {}
        street_orgs = []
        for street in streets:
            sorg = regions.create_party_org(
                root,
                PartyLevel.STREET_COMMITTEE,
                f"{street.name}党工委",
                street,
                actor=ACTOR,
                secretary_name=person(rng)[0],
                secretary_title="街道党工委书记",
            )
            street_orgs.append(sorg)
            for community, _n in communities:
                if not community.path.startswith(street.path):
                    continue
                corg = regions.create_party_org(
                    sorg,
                    PartyLevel.COMMUNITY_COMMITTEE,
                    f"{community.name}党委",
                    community,
                    actor=ACTOR,
                    secretary_name=person(rng)[0],
                    secretary_title="社区党委书记",
                )
                for _k in range(5 if community == communities[0][0] else 4):
                    regions.add_committee_member(
                        corg,
                        CommitteeKind.BIG_PARTY_COMMITTEE,
                        person(rng)[0],
                        rng.choice(SHOP_PREFIXES)
                        + rng.choice(["物业公司", "商会", "医院", "学校"]),
                        title=rng.choice(BIG_COMMITTEE_TITLES),
                        actor=ACTOR,
                    )
                for grid in grids:
                    if not grid.path.startswith(community.path):
                        continue
                    branch = regions.create_party_org(
                        corg,
                        PartyLevel.GRID_BRANCH,
                        f"{grid.name}联建党支部",
                        community,
                        grids=[grid],
                        actor=ACTOR,
                        secretary_name=person(rng)[0],
                        secretary_title="网格支部书记",
                    )
                    branches[grid.pk] = branch
                    for compound in Region.objects.filter(
                        level=Level.COMPOUND, path__startswith=grid.path
                    ):
                        group = regions.create_party_org(
                            branch,
                            PartyLevel.GROUP,
                            f"{compound.name}党小组",
                            compound,
                            actor=ACTOR,
                            secretary_name=person(rng)[0],
                        )
                        for h in range(2):
                            regions.create_party_org(
                                group,
                                PartyLevel.HOUSEHOLD,
                                f"{compound.name}党员中心户{h + 1}",
                                compound,
                                actor=ACTOR,
                            )
        for i in range(35):  # 35 city and district department leaders in the big committees
            regions.add_committee_member(
                street_orgs[i % 2],
                CommitteeKind.BIG_WORKING_COMMITTEE,
                person(rng)[0],
                AGENCIES[i % len(AGENCIES)],
                title=rng.choice(BIG_COMMITTEE_TITLES),
                actor=ACTOR,
            )

        # party members: ~6 % of adults, a third of them working in an agency (dual registration)
        adult_cutoff = today.replace(year=today.year - 18)
        grid_of = {b.pk: g.pk for g in grids for b in buildings_by_grid[g.pk]}
        for r in created:
            if r.birth_date <= adult_cutoff and rng.random() < 0.06:
                people.create_party_member(
                    r,
                    party_org=branches[grid_of[r.region_id]],
                    home_unit=rng.choice(list(agencies.values())) if rng.random() < 0.33 else None,
                    joined_on=datetime.date(rng.randint(1975, 2023), rng.randint(1, 12), 1),
                    actor=ACTOR,
                )
                summary.party_members += 1

        # 1+1+1+N: sponsor unit, grid worker, grid police, liaisons — all but one gap
        sponsors = list(agencies.values())
        for gi, grid in enumerate(grids):
            regions.set_sponsor_unit(grid.grid, sponsors[gi % len(sponsors)], actor=ACTOR)
            n = f"{gi + 1:02d}"
            user(
                "worker" if gi == 0 else f"gw{n}",
                Role.GRID_WORKER,
                grid,
                display_name=person(rng)[0],
            )
            if gi != len(grids) - 1:  # the deliberate gap: the last grid has no grid police
                user(
                    "police" if gi == 0 else f"gp{n}",
                    Role.GRID_POLICE,
                    grid,
                    display_name=person(rng)[0],
                )
            for k, building in enumerate(rng.sample(buildings_by_grid[grid.pk], 3)):
                user(
                    "liaison" if gi == 0 and k == 0 else f"lh{n}{k + 1}",
                    Role.HOUSEHOLD_LIAISON,
                    building,
                    display_name=person(rng)[0],
                )

        # 60 community workers, 10 per community; the first is the demo login
        for ci, (community, _n) in enumerate(communities):
            for k in range(10):
                username = "community" if ci == 0 and k == 0 else f"cw{ci + 1}{k:02d}"
                user(
                    username,
                    Role.COMMUNITY_STAFF,
                    community,
                    display_name=person(rng)[0],
                )

        where = {
            "city": city,
            "district": district,
            "street": streets[0],
            "community": communities[0][0],
        }
        # pages name people "name（role）"; the demo logins get names from a generator of
        # their own, so the rest of the demo stays as the seed makes it
        login_names = random.Random(seed + 1)
        for username, role, place in DEMO_LOGINS:
            login_name = person(login_names)[0]
            if User.objects.filter(username=username).exists():
                continue
            u = user(
                username,
                role,
                where[place],
                unit=agencies["巴宜区住房和城乡建设局"]
                if role == Role.DEPARTMENT_HANDLER
                else None,
                display_name=login_name,
            )
            if role == Role.SYSTEM_ADMIN:
                accounts.grant_admin_site(u, actor=ACTOR)

        from . import courts, matters

        matters.build(district, password_hash, rng, log=log)
    logins = {u.username: u for u in User.objects.filter(username__in=[x[0] for x in DEMO_LOGINS])}
    courts.build(city, district, logins, rng, log=log)
    visits.build(rng, log=log)
    return summary
