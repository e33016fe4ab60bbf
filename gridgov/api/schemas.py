from ninja import Field, Schema

from gridgov.core.parsing import Id, text_of


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
    birth_year: int  # not the date: with it, the masked number would be the whole number
    ethnicity: str
    id_number: str  # masked
    phone: str  # masked
    region_code: str
    household_id: int | None
    special_groups: list[str]


class ResidentIn(Schema):
    region_code: text_of(24)
    name: text_of(64)
    id_number: text_of(18)
    phone: text_of(20) = ""
    household_id: Id | None = None
    ethnicity: text_of(16) = ""
    relation: text_of(16) = ""
    special_groups: list[text_of(32)] = Field(default=[], max_length=20)


class RevealIn(Schema):
    """One person at a time, and why (a few words)."""

    reason: str


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
    region_code: text_of(24)
    number: text_of(32)
    address: text_of(200) = ""
    kind: text_of(16) = "resident"


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    credit_code: str
    address: str
    region_code: str


class UnitIn(Schema):
    region_code: text_of(24)
    name: text_of(100)
    kind: text_of(16)
    credit_code: text_of(18) = ""
    address: text_of(200) = ""
    contact_name: text_of(64) = ""
    contact_phone: text_of(20) = ""


class SponsorIn(Schema):
    unit_id: Id | None


class StaffingIn(Schema):
    username: text_of(150)
    role: text_of(32)
    region_code: text_of(24)


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
