"""Excel import of base data from templates users download in the UI.

Each kind has a fixed list of columns. A workbook is read whole (within the bounds of
`gridgov.core.files.read_xlsx`) and every row checked before anything is written; any
problem is reported as (row, column, message) and nothing is imported. A clean workbook is
written in one transaction through the same actions as the forms, so every object gets its
audit entry.

ID numbers, phones and codes must arrive as text. Excel keeps only 15 significant digits of
a number, so an 18-digit ID number typed into a number cell has already lost its last
digits — and now and then the check digit still holds for the changed number, someone
else's. Such a cell is refused with advice; nothing is guessed. The templates format those
columns as text, so a user who starts from one never meets the refusal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts import roles
from gridgov.core import audit, files, parsing
from gridgov.core.actions import is_user
from gridgov.core.errors import Invalid
from gridgov.core.models import AuditAction
from gridgov.regions import actions as region_actions
from gridgov.regions.models import Level, Region

from . import actions
from .models import Household, HouseholdKind, SpecialGroup, UnitKind


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy translation
    required: bool = False
    example: str = ""
    text: bool = False  # digits that must stay text: ID numbers, phones, codes


@dataclasses.dataclass(frozen=True)
class Kind:
    key: str
    label: object
    columns: tuple[Column, ...]
    importer: Callable


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclasses.dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


class _Rows:
    """Rows as dicts by column key, with an error list addressed by (row, column)."""

    def __init__(self, kind: Kind, rows: list[tuple[int, dict]]):
        self.kind = kind
        self.rows = rows
        self.errors: list[RowError] = []
        self.refused: set[tuple[int, str]] = set()
        self.referrals: list = []  # made again after the import's rollback (actions.refer)
        self._labels = {c.key: str(c.label) for c in kind.columns}

    def error(self, row: int, key: str, message: str):
        if (row, key) in self.refused:
            return  # the cell was refused as read; what the importer makes of it is noise
        self.errors.append(RowError(row, self._labels.get(key, key), str(message)))

    def refuse(self, row: int, key: str, message: str):
        self.error(row, key, message)
        self.refused.add((row, key))


def _region(rows: _Rows, n: int, code: str, levels, cache: dict, user) -> Region | None:
    if code not in cache:
        cache[code] = Region.objects.filter(code=code).first()
    region = cache[code]
    if region is None:
        rows.error(n, "region_code", _("Unknown region code %(code)s.") % {"code": code})
        return None
    if region.level not in levels:
        rows.error(
            n,
            "region_code",
            _("Region %(code)s is not a %(levels)s.")
            % {"code": code, "levels": "/".join(str(Level(lv).label) for lv in levels)},
        )
        return None
    return region


def _choice_lookup(choices) -> dict[str, str]:
    """Value by label in every language, and by the value itself."""
    out = {str(v): v for v in choices.values}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out |= {str(label): value for value, label in choices.choices}
    return out


def _import_units(rows: _Rows, actor) -> int:
    cache: dict = {}
    kinds = _choice_lookup(UnitKind)
    todo = []
    for n, r in rows.rows:
        region = _region(rows, n, r["region_code"], set(Level), cache, actor)
        kind = kinds.get(r["kind"])
        if kind is None:
            rows.error(
                n,
                "kind",
                _("Unknown unit kind; use one of: %(k)s.")
                % {"k": ", ".join(str(lbl) for _v, lbl in UnitKind.choices)},
            )
        if region and kind:
            todo.append((n, region, kind, r))
    if rows.errors:
        return 0
    for n, region, kind, r in todo:
        try:
            actions.create_unit(
                region,
                r["name"],
                kind,
                actor=actor,
                credit_code=r["credit_code"],
                address=r["address"],
                contact_name=r["contact_name"],
                contact_phone=r["contact_phone"],
            )
        except Invalid as exc:
            rows.error(n, "name", exc.message)
    return len(todo)


def _import_buildings(rows: _Rows, actor) -> int:
    cache: dict = {}
    count = 0
    for n, r in rows.rows:
        parent = _region(rows, n, r["region_code"], {Level.COMPOUND}, cache, actor)
        floors = None
        if r["floors"]:
            try:
                floors = parsing.integer(r["floors"], minimum=1, maximum=199)
            except Invalid:
                rows.error(n, "floors", _("Floors must be a whole number from 1 to 199."))
        if parent is None:
            continue
        try:
            region_actions.create_region(
                parent,
                Level.BUILDING,
                r["code"],
                r["name"],
                actor=actor,
                address=r["address"],
                floors=floors,
            )
            count += 1
        except Invalid as exc:
            rows.error(n, "code", exc.message)
        except Exception as exc:  # Conflict and the like carry a user message
            rows.error(n, "code", getattr(exc, "message", str(exc)))
    return count


def _import_households(rows: _Rows, actor) -> int:
    cache: dict = {}
    kinds = _choice_lookup(HouseholdKind)
    count = 0
    for n, r in rows.rows:
        region = _region(rows, n, r["region_code"], actions.PLACE_LEVELS, cache, actor)
        kind = kinds.get(r["kind"] or HouseholdKind.RESIDENT)
        if kind is None:
            rows.error(n, "kind", _("Unknown household kind."))
        if region is None or kind is None:
            continue
        try:
            actions.create_household(
                region, r["number"], actor=actor, address=r["address"], kind=kind
            )
            count += 1
        except Exception as exc:
            rows.error(n, "number", getattr(exc, "message", str(exc)))
    return count


def _import_residents(rows: _Rows, actor) -> int:
    cache: dict = {}
    groups = {g.name: g.code for g in SpecialGroup.objects.all()} | {
        g.code: g.code for g in SpecialGroup.objects.all()
    }
    items, where = [], []
    for n, r in rows.rows:
        region = _region(rows, n, r["region_code"], actions.PLACE_LEVELS, cache, actor)
        if region is None:
            continue
        household = None
        if r["household_number"]:
            household = Household.objects.filter(
                region=region, number=r["household_number"]
            ).first()
            if household is None:
                rows.error(n, "household_number", _("No such household at this place."))
                continue
        codes = []
        for name in filter(
            None, (s.strip() for s in r["special_groups"].replace("，", ",").split(","))
        ):
            if name not in groups:
                rows.error(n, "special_groups", _("Unknown special group: %(g)s.") % {"g": name})
            else:
                codes.append(groups[name])
        items.append(
            actions.ResidentInput(
                region=region,
                name=r["name"],
                id_number=r["id_number"],
                phone=r["phone"],
                household=household,
                ethnicity=r["ethnicity"],
                relation=r["relation"],
                special_groups=codes,
            )
        )
        where.append(n)
    if not items:
        return 0
    field_keys = {
        "name": "name",
        "id_number": "id_number",
        "phone": "phone",
        "household": "household_number",
        "special_groups": "special_groups",
        "region": "region_code",
    }
    try:
        actions.create_residents(items, actor=actor, refer_now=False)  # after the rollback
    except actions.Refused as exc:
        for e in exc.errors:
            rows.error(where[e["item"]], field_keys.get(e["field"], e["field"]), e["message"])
        rows.referrals = exc.referrals
        return 0
    return len(items)


C = Column
KINDS = {
    "units": Kind(
        "units",
        gettext_lazy("units"),
        (
            C("region_code", gettext_lazy("region code"), True, "540402001001001", text=True),
            C("name", gettext_lazy("name"), True, "巴宜区市场监督管理局"),
            C("kind", gettext_lazy("kind"), True, str(UnitKind.AGENCY.label)),
            C("credit_code", gettext_lazy("unified social credit code"), text=True),
            C("address", gettext_lazy("address")),
            C("contact_name", gettext_lazy("contact")),
            C("contact_phone", gettext_lazy("contact phone"), text=True),
        ),
        _import_units,
    ),
    "buildings": Kind(
        "buildings",
        gettext_lazy("buildings"),
        (
            C("region_code", gettext_lazy("compound code"), True, "540402001001001001", text=True),
            C("code", gettext_lazy("building code"), True, "540402001001001001001", text=True),
            C("name", gettext_lazy("name"), True, "1号楼"),
            C("address", gettext_lazy("address")),
            C("floors", gettext_lazy("floors"), False, "6"),
        ),
        _import_buildings,
    ),
    "households": Kind(
        "households",
        gettext_lazy("households"),
        (
            C("region_code", gettext_lazy("region code"), True, "540402001001001001001", text=True),
            C("number", gettext_lazy("household number"), True, "0101", text=True),
            C("address", gettext_lazy("address")),
            C("kind", gettext_lazy("kind"), False, str(HouseholdKind.RESIDENT.label)),
        ),
        _import_households,
    ),
    "residents": Kind(
        "residents",
        gettext_lazy("residents"),
        (
            C("region_code", gettext_lazy("region code"), True, "540402001001001001001", text=True),
            C("household_number", gettext_lazy("household number"), False, "0101", text=True),
            C("name", gettext_lazy("full name"), True, "扎西"),
            C("id_number", gettext_lazy("ID number"), True, "540402199001011234", text=True),
            C("phone", gettext_lazy("phone"), text=True),
            C("ethnicity", gettext_lazy("ethnicity"), False, "藏族"),
            C("relation", gettext_lazy("relation to head"), False, "户主"),
            C("special_groups", gettext_lazy("special groups"), False, "退役军人"),
        ),
        _import_residents,
    ),
}


def template_sheet(kind: Kind) -> files.Sheet:
    """The headers (required ones marked *) and an example row; ID, phone and code columns
    formatted as text."""
    return files.Sheet(
        kind.label,
        [str(c.label) + (" *" if c.required else "") for c in kind.columns],
        [[c.example for c in kind.columns]],
        text_columns={i for i, c in enumerate(kind.columns) if c.text},
    )


def template_workbook(kind: Kind) -> bytes:
    return files.xlsx_bytes(template_sheet(kind))


def _not_text() -> str:
    return _(
        "This cell holds a number or a date, not text, and Excel may already have changed "
        "its digits. Format the column as text in Excel and type the value again."
    )


def _read(kind: Kind, content: bytes) -> _Rows:
    rows = files.read_xlsx(content, len(kind.columns))
    header = [_text(v).rstrip(" *") for v in (rows[0] if rows else ())]
    expected = [str(c.label) for c in kind.columns]
    accepted = [[c.key for c in kind.columns]]
    for code, _name in settings.LANGUAGES:  # a template downloaded in either language
        with translation.override(code):
            accepted.append([str(c.label) for c in kind.columns])
    if not any(header[: len(cols)] == cols for cols in accepted):
        raise Invalid(
            _("The columns do not match the template; download the template and use it."),
            errors=[
                RowError(1, "", _("Expected columns: %(c)s") % {"c": ", ".join(expected)}).as_dict()
            ],
        )
    read, refusals = [], []
    example = [c.example for c in kind.columns]
    for n, values in enumerate(rows[1:], start=2):
        if all(v is None or _text(v) == "" for v in values):
            continue
        if [_text(v) for v in values] == example:
            continue  # the template's example row, left in: not a row to import
        row = {}
        for c, value in zip(kind.columns, values, strict=True):
            if c.text and value is not None and not isinstance(value, str):
                refusals.append((n, c.key))
                value = None
            row[c.key] = _text(value)
        read.append((n, row))
    parsed = _Rows(kind, read)
    for n, key in refusals:
        parsed.refuse(n, key, _not_text())
    for n, r in read:
        for c in kind.columns:
            if c.required and not r[c.key]:
                parsed.error(n, c.key, _("Required."))
    return parsed


class _Rollback(Exception):
    pass


def import_workbook(kind_key: str, content: bytes, *, actor) -> int:
    """Imports a filled-in template; returns the number of rows imported. Raises Invalid
    with errors [{row, column, message}] and imports nothing when any row is wrong."""
    kind = KINDS.get(kind_key)
    if kind is None:
        raise Invalid(_("Unknown import kind."))
    rows = _read(kind, content)
    if not rows.rows:
        raise Invalid(
            _(
                "The file has no rows to import: fill in your own rows below the headers "
                "(the template's example row is not imported)."
            )
        )
    paths = dict(
        Region.objects.filter(code__in={r["region_code"] for _n, r in rows.rows}).values_list(
            "code", "path"
        )
    )
    outside = False
    for n, r in rows.rows:  # every row's place must be in the importer's write scope
        path = paths.get(r["region_code"])
        if path is not None and is_user(actor) and not roles.can_write(actor, "base_data", path):
            rows.error(n, "region_code", _("This place is outside your scope."))
            outside = True
    if outside:
        raise Invalid(_("Nothing was imported."), errors=[e.as_dict() for e in rows.errors])
    try:
        with transaction.atomic():
            count = kind.importer(rows, actor)
            if rows.errors:
                raise _Rollback
            audit.record(
                AuditAction.BASE_DATA_IMPORTED,
                actor=actor,
                object_type="people.import",
                object_id=kind.key,
                object_repr=str(kind.label),
                after={"kind": kind.key, "rows": count},
            )
    except _Rollback:
        actions.refer(rows.referrals, actor=actor)
        unique = {(e.row, e.column, e.message): e for e in rows.errors}.values()
        raise Invalid(
            _("Nothing was imported."),
            errors=[e.as_dict() for e in sorted(unique, key=lambda e: e.row)],
        ) from None
    return count
