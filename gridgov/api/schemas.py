import datetime

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    errors: list = []


class RoleOut(Schema):
    role: str
    region_code: str


class MeOut(Schema):
    username: str
    name: str
    roles: list[RoleOut]


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = None
    lat: float | None = None
    lon: float | None = None


class StaffOut(Schema):
    username: str
    name: str
    region_code: str


class GridOut(Schema):
    code: str
    name: str
    community_code: str | None
    area_m2: float
    sponsor_unit: str | None
    grid_workers: list[StaffOut]
    grid_police: list[StaffOut]
    household_liaisons: list[StaffOut]
    missing: list[str]


class GridDetailOut(GridOut):
    polygon: dict


class LocateOut(Schema):
    grid: RegionOut | None


class ResidentOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: datetime.date
    ethnicity: str
    id_number: str  # masked
    phone: str  # masked
    region_code: str
    household_id: int | None
    special_groups: list[str]


class ResidentIn(Schema):
    region_code: str
    name: str
    id_number: str
    phone: str = ""
    household_id: int | None = None
    ethnicity: str = ""
    relation: str = ""
    special_groups: list[str] = []


class RevealIn(Schema):
    reason: str = ""


class RevealOut(Schema):
    id_number: str
    phone: str


class HouseholdOut(Schema):
    id: int
    number: str
    address: str
    kind: str
    region_code: str


class HouseholdIn(Schema):
    region_code: str
    number: str
    address: str = ""
    kind: str = "resident"


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    credit_code: str
    address: str
    region_code: str


class UnitIn(Schema):
    region_code: str
    name: str
    kind: str
    credit_code: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""


class SponsorIn(Schema):
    unit_id: int | None


class StaffingIn(Schema):
    username: str
    role: str
    region_code: str


class StaffingOut(Schema):
    id: int
    username: str
    role: str
    region_code: str


class RegionPage(Schema):
    count: int
    items: list[RegionOut]


class ResidentPage(Schema):
    count: int
    items: list[ResidentOut]


class HouseholdPage(Schema):
    count: int
    items: list[HouseholdOut]


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class BuildingOut(RegionOut):
    floors: int | None
    address: str


class BuildingPage(Schema):
    count: int
    items: list[BuildingOut]
