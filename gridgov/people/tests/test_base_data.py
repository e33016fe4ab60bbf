import datetime
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from gridgov.core import crypto
from gridgov.core.errors import Forbidden, Invalid, NotFound
from gridgov.core.models import AuditAction, AuditEntry
from gridgov.core.validators import id_check_digit, validate_id_number
from gridgov.people import actions, excel
from gridgov.people.models import Household, PartyMember, Resident, Unit
from gridgov.regions.models import Region
from gridgov.testing.world import make_id_number

# --- ID numbers (GB 11643) -------------------------------------------------------------


def test_known_id_number_check_digit():
    # the example of GB 11643-1999: 11010519491231002X
    assert id_check_digit("11010519491231002") == "X"
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


@given(
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    st.integers(0, 999),
)
def test_every_well_formed_id_number_validates(birth, seq):
    assert validate_id_number(make_id_number("540402", birth, seq))


@given(
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    st.integers(0, 999),
    st.integers(0, 16),
    st.integers(1, 9),
)
def test_changing_any_one_digit_is_caught(birth, seq, position, delta):
    good = make_id_number("540402", birth, seq)
    digit = (int(good[position]) + delta) % 10
    bad = good[:position] + str(digit) + good[position + 1 :]
    with pytest.raises(ValidationError):
        validate_id_number(bad)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "123",
        "54040219900101123",
        "5404021990010112345",
        "540402199013011234",
        "54040219900101123Y",
        "540402209901011234",
    ],
)
def test_malformed_id_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        validate_id_number(value)


# --- personal data at rest --------------------------------------------------------------


def test_id_numbers_and_phones_are_encrypted_at_rest(world):
    tashi = world.residents["tashi"]
    whole = tashi.id_number()
    assert whole.startswith("540402") and tashi.phone() == "13908940001"
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM people_resident WHERE id = %s", [tashi.pk])
        row = " ".join(str(v) for v in cur.fetchone())
    assert whole not in row and "13908940001" not in row
    assert tashi.id_number_masked in row  # the masked copy is what pages show


def test_masks():
    assert crypto.mask_id_number("11010519491231002X") == "110105********002X"
    assert crypto.mask_phone("13908940001") == "139****0001"


def test_duplicate_id_number_is_refused(world):
    tashi = world.residents["tashi"]
    before = Resident.objects.count()
    with pytest.raises(Invalid, match="already recorded"):
        actions.create_resident(
            actions.ResidentInput(world.regions["grid_b1"], "冒名", tashi.id_number()),
            actor="test",
        )
    assert Resident.objects.count() == before


def test_reveal_is_refused_out_of_scope_and_for_read_only_roles(world):
    tashi = world.residents["tashi"]
    why = "入户核实"
    with pytest.raises(NotFound):
        actions.reveal_resident(tashi, actor=world.user("worker_b1"), reason=why)
    with pytest.raises(Forbidden):
        actions.reveal_resident(tashi, actor=world.user("leader"), reason=why)
    assert not AuditEntry.objects.filter(action=AuditAction.RESIDENT_REVEALED).exists()
    shown = actions.reveal_resident(tashi, actor=world.user("police_a1"), reason=why)
    assert shown["phone"] == "13908940001"
    assert AuditEntry.objects.filter(action=AuditAction.RESIDENT_REVEALED).count() == 1


def test_grid_worker_cannot_record_in_the_next_grid(world):
    data = actions.ResidentInput(
        world.regions["grid_a2"], "越界", make_id_number("540402", datetime.date(1991, 1, 1), 1)
    )
    with pytest.raises(NotFound):
        actions.create_resident(data, actor=world.user("worker_a1"))


def test_party_member_with_home_unit(world):
    member = actions.create_party_member(
        world.residents["zhang"], home_unit=world.units["bureau"], actor="test"
    )
    assert member.region_path == world.residents["zhang"].region_path
    assert PartyMember.objects.visible_to(world.user("worker_a1")).get() == member
    assert not PartyMember.objects.visible_to(world.user("worker_a2")).exists()


# --- Excel import ---------------------------------------------------------------------------


def workbook(kind, rows) -> bytes:
    template = load_workbook(io.BytesIO(excel.template_workbook(excel.KINDS[kind])))
    ws = template.active
    ws.delete_rows(2)  # the example row
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    template.save(buf)
    return buf.getvalue()


def test_template_has_the_columns_and_an_example(world):
    ws = load_workbook(io.BytesIO(excel.template_workbook(excel.KINDS["residents"]))).active
    header = [c.value for c in ws[1]]
    assert header[0].endswith("*") and len(header) == len(excel.KINDS["residents"].columns)


def test_import_residents(world):
    rows = [
        [
            "540402001001001001001",
            "0101",
            "次仁",
            make_id_number("540402", datetime.date(1970, 3, 4), 1),
            "13900000001",
            "藏族",
            "父母",
            "退役军人",
        ],
        [
            "540402001001001",
            "",
            "王芳",
            make_id_number("510107", datetime.date(1995, 7, 8), 2),
            "",
            "汉族",
            "",
            "",
        ],
    ]
    n = excel.import_workbook(
        "residents", workbook("residents", rows), actor=world.user("worker_a1")
    )
    assert n == 2
    cr = Resident.objects.get(name="次仁")
    assert cr.household == world.households["h_a1"]
    assert [g.code for g in cr.special_groups.all()] == ["veteran"]
    assert AuditEntry.objects.filter(action=AuditAction.BASE_DATA_IMPORTED).count() == 1


def test_import_with_errors_lists_row_column_message_and_imports_nothing(world):
    good = make_id_number("540402", datetime.date(1970, 3, 4), 1)
    rows = [
        ["540402001001001", "", "好人", good, "", "", "", ""],
        ["540402001001001", "", "", "12345", "abc", "", "", "外星人"],
        ["999", "", "某人", make_id_number("540402", datetime.date(1971, 3, 4), 1), "", "", "", ""],
        [
            "540402001001001",
            "9999",
            "某人",
            make_id_number("540402", datetime.date(1972, 3, 4), 1),
            "",
            "",
            "",
            "",
        ],
        ["540402001001001", "", "重复", good, "", "", "", ""],
    ]
    before = (Resident.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Invalid) as exc:
        excel.import_workbook("residents", workbook("residents", rows), actor="test")
    errors = {(e["row"], e["column"]) for e in exc.value.errors}
    assert (3, "full name") in errors and (3, "special groups") in errors
    assert (4, "region code") in errors
    assert (5, "household number") in errors
    assert (Resident.objects.count(), AuditEntry.objects.count()) == before


def test_import_checks_id_numbers_and_duplicates_row_by_row(world):
    good = make_id_number("540402", datetime.date(1970, 3, 4), 1)
    rows = [
        ["540402001001001", "", "甲", good, "", "", "", ""],
        [
            "540402001001001",
            "",
            "乙",
            good[:-1] + ("0" if good[-1] != "0" else "1"),
            "",
            "",
            "",
            "",
        ],
        ["540402001001001", "", "丙", good, "", "", "", ""],
    ]
    with pytest.raises(Invalid) as exc:
        excel.import_workbook("residents", workbook("residents", rows), actor="test")
    by_row = {e["row"]: e for e in exc.value.errors}
    assert by_row[3]["column"] == "ID number" and "check digit" in by_row[3]["message"]
    assert by_row[4]["column"] == "ID number" and "Duplicate" in by_row[4]["message"]
    assert not Resident.objects.filter(name__in=["甲", "乙", "丙"]).exists()


def test_import_households_units_and_buildings(world):
    n = excel.import_workbook(
        "buildings",
        workbook("buildings", [["540402001001001001", "540402001001001001002", "2号楼", "", "6"]]),
        actor="test",
    )
    assert n == 1 and Region.objects.get(code="540402001001001001002").floors == 6
    excel.import_workbook(
        "households",
        workbook(
            "households",
            [
                ["540402001001001001002", "0101", "2-101", "registered (户籍)"],
                ["540402001001001001002", "0102", "2-102", "resident"],
            ],
        ),
        actor="test",
    )
    assert Household.objects.filter(region__code="540402001001001001002").count() == 2
    excel.import_workbook(
        "units",
        workbook("units", [["540402001001001", "格桑药店", "shop", "", "", "", ""]]),
        actor="test",
    )
    assert Unit.objects.filter(name="格桑药店").exists()


def test_import_of_a_bad_building_keeps_the_good_rows_out(world):
    rows = [
        ["540402001001001001", "540402001001001001002", "2号楼", "", "6"],
        ["540402001001001001", "540402001001001001003", "3号楼", "", "many"],
        ["540402001001001001", "999", "4号楼", "", ""],
    ]
    with pytest.raises(Invalid) as exc:
        excel.import_workbook("buildings", workbook("buildings", rows), actor="test")
    rows_with_errors = {e["row"] for e in exc.value.errors}
    assert rows_with_errors == {3, 4}
    assert not Region.objects.filter(code="540402001001001001002").exists()


def test_import_refuses_other_files_and_wrong_columns(world):
    with pytest.raises(Invalid, match="not an Excel"):
        excel.import_workbook("residents", b"PK\x03\x04 not really", actor="test")
    wb = Workbook()
    wb.active.append(["foo", "bar"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(Invalid, match="columns do not match"):
        excel.import_workbook("residents", buf.getvalue(), actor="test")
    with pytest.raises(Invalid, match="no rows"):
        excel.import_workbook("residents", workbook("residents", []), actor="test")
    # the template sent back untouched: its example row is not a person to import
    untouched = excel.template_workbook(excel.KINDS["residents"])
    with pytest.raises(Invalid, match="example row is not imported"):
        excel.import_workbook("residents", untouched, actor="test")


def test_import_out_of_scope_rows_are_refused(world):
    rows = [
        [
            "540402002001001",
            "",
            "越界",
            make_id_number("540402", datetime.date(1970, 3, 4), 1),
            "",
            "",
            "",
            "",
        ]
    ]
    with pytest.raises(Invalid) as exc:
        excel.import_workbook(
            "residents", workbook("residents", rows), actor=world.user("worker_a1")
        )
    assert exc.value.errors == [
        {"row": 2, "column": "region code", "message": "This place is outside your scope."}
    ]
    assert not Resident.objects.filter(name="越界").exists()


def test_import_page_shows_row_errors(world):
    c = Client()
    c.force_login(world.users["community_a"])
    template = c.get("/people/import/template/residents.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    rows = [["540402001001001", "", "", "bad", "", "", "", ""]]
    content = workbook("residents", rows)
    response = c.post(
        "/people/import/",
        {"kind": "residents", "file": io.BytesIO(content)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "import-errors" in page and ">2<" in page
    assert c.get("/people/import/template/nope.xlsx").status_code == 404


# --- Imports cannot be bombed, and Excel numbers never become ID numbers --------------------


def english_client(world, key="community_a") -> Client:
    c = Client()
    c.force_login(world.users[key])
    c.cookies["django_language"] = "en"
    return c


def upload(c, content: bytes, kind="residents"):
    f = io.BytesIO(content)
    f.name = "filled.xlsx"
    return c.post("/people/import/", {"kind": kind, "file": f})


def a_resident_row(name="新人", seq=7):
    return [
        "540402001001001",
        "",
        name,
        make_id_number("540402", datetime.date(1990, 3, 7), seq),
        "",
        "",
        "",
        "",
    ]


def crafted(dimension: str | None, extra_rows: bytes = b"", parts=None) -> bytes:
    """A residents workbook with one good row whose sheet XML is doctored: its declared
    dimension replaced (or removed) and `extra_rows` appended to the sheet data; `parts`
    replace or add other members of the package."""
    good = zipfile.ZipFile(io.BytesIO(workbook("residents", [a_resident_row()])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in good.namelist():
            data = good.read(name)
            if name == "xl/worksheets/sheet1.xml":
                dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
                data = re.sub(rb"<dimension [^>]*/>", dim, data)
                data = data.replace(b"</sheetData>", extra_rows + b"</sheetData>")
            z.writestr(name, (parts or {}).get(name, data))
        for name, data in (parts or {}).items():
            if name not in good.namelist():
                z.writestr(name, data)
    return out.getvalue()


def renamed_sheet(content: bytes) -> bytes:
    """The same workbook with its sheet stored under a name that does not end in .xml:
    openpyxl finds sheets through the workbook's relationships, not by file names."""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            data = src.read(name).replace(b"worksheets/sheet1.xml", b"worksheets/sheet1.dat")
            z.writestr(name.replace("worksheets/sheet1.xml", "worksheets/sheet1.dat"), data)
    return out.getvalue()


def nothing_imported(before):
    return (Resident.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda: crafted("A1:H1048576"), id="declares-a-million-rows"),
        pytest.param(lambda: crafted("A1:H2", b'<row r="1048576"/>'), id="one-far-empty-row"),
        pytest.param(
            lambda: crafted(None, b'<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>'),
            id="one-far-row-no-dimension",
        ),
        pytest.param(lambda: crafted(None, b"<row/>" * 1_048_574), id="a-million-empty-rows"),
        pytest.param(lambda: crafted("A1:H2", b'<row r="2"/>' * 1_048_574), id="row-2-repeated"),
        pytest.param(
            lambda: renamed_sheet(crafted(None, b"<row/>" * 1_048_574)), id="sheet-named-.dat"
        ),
    ],
)
def test_import_refuses_a_sheet_of_a_million_rows_and_imports_nothing(world, content):
    c = english_client(world)
    before = (Resident.objects.count(), AuditEntry.objects.count())
    response = upload(c, content())
    assert response.status_code == 400
    assert "rows" in response.content.decode() and "empty rows count too" in (
        response.content.decode()
    )
    assert nothing_imported(before)


def test_import_refuses_a_zip_bomb_and_an_oversized_file(world, settings):
    c = english_client(world)
    before = (Resident.objects.count(), AuditEntry.objects.count())
    settings.GRIDGOV_IMPORT_MAX_UNPACKED_BYTES = 1_000_000
    bomb = crafted("A1:H2", parts={"docProps/custom.xml": b" " * 2_000_000})
    assert len(bomb) < 50_000
    response = upload(c, bomb)
    assert response.status_code == 400 and "unpacks to more than 1 MB" in response.content.decode()
    settings.GRIDGOV_IMPORT_MAX_BYTES = 100_000
    response = upload(c, workbook("residents", [a_resident_row()]) + b"\0" * 100_000)
    assert response.status_code == 400 and "at most 0.1 MB" in response.content.decode()
    assert nothing_imported(before)


def test_import_refuses_a_sheet_too_dense_or_too_complex_to_read(world, settings):
    settings.GRIDGOV_IMPORT_MAX_ROWS = 100
    c = english_client(world)
    before = (Resident.objects.count(), AuditEntry.objects.count())
    wide = crafted("A1:H3", b'<row r="3">' + b"<c/>" * 100_000 + b"</row>")
    response = upload(c, wide)
    assert response.status_code == 400 and "too complex" in response.content.decode()
    good = zipfile.ZipFile(io.BytesIO(workbook("residents", [a_resident_row()])))
    styles = good.read("xl/styles.xml").replace(b"</fonts>", b"<font/>" * 200_000 + b"</fonts>")
    response = upload(c, crafted("A1:H2", parts={"xl/styles.xml": styles}))
    assert response.status_code == 400 and "too complex" in response.content.decode()
    entities = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Properties/>'
    response = upload(c, crafted("A1:H2", parts={"docProps/app.xml": entities}))
    assert response.status_code == 400 and "not an Excel workbook" in response.content.decode()
    assert nothing_imported(before)


def test_import_rows_are_counted_including_empty_ones(world, settings):
    settings.GRIDGOV_IMPORT_MAX_ROWS = 3
    rows = [a_resident_row("甲", 1), [None] * 8, [None] * 8, a_resident_row("乙", 2)]
    with pytest.raises(Invalid, match="more than 3 rows"):
        excel.import_workbook("residents", workbook("residents", rows), actor="test")
    assert not Resident.objects.filter(name__in=["甲", "乙"]).exists()
    n = excel.import_workbook("residents", workbook("residents", rows[:3]), actor="test")
    assert n == 1


def an_id_that_excel_turns_into_another_valid_one():
    """Excel keeps 15 significant digits of a number: an ID number typed as a number comes
    back with its last three digits zeroed, and now and then the check digit still holds for
    the changed number (another person's, born on the same day)."""
    for day in range(366):
        born = datetime.date(1990, 1, 1) + datetime.timedelta(days=day)
        typed = make_id_number("110101", born, 123)
        kept = float(f"{int(typed[:17]) * 10:.15g}")
        try:
            validate_id_number(str(int(kept)))
        except ValidationError:
            continue
        assert str(int(kept)) != typed
        return typed, kept
    raise AssertionError("no such number")


def test_an_id_number_typed_as_a_number_is_not_stored_as_another_persons(world):
    typed, as_number = an_id_that_excel_turns_into_another_valid_one()
    rows = [["540402001001001", "", "数字身份证", as_number, "", "", "", ""]]
    with pytest.raises(Invalid) as exc:
        excel.import_workbook("residents", workbook("residents", rows), actor="test")
    assert "Format the column as text" in exc.value.errors[0]["message"]
    assert not Resident.objects.filter(name="数字身份证").exists()


def test_numbers_in_id_phone_and_code_columns_are_refused_with_advice(world):
    typed, as_number = an_id_that_excel_turns_into_another_valid_one()
    rows = [
        ["540402001001001", "", "数字身份证", as_number, "", "", "", ""],
        ["540402001001001", "", "数字电话", typed, 13900000001, "", "", ""],
        [540402001001001, "", "数字区划", a_resident_row()[3], "", "", "", ""],
        ["540402001001001", "", "日期户号", a_resident_row()[3], "", "", "", ""],
    ]
    content = workbook("residents", rows)
    wb = load_workbook(io.BytesIO(content))
    wb.active["B5"] = datetime.datetime(2026, 1, 1)  # "1-1" typed into a number column
    buf = io.BytesIO()
    wb.save(buf)
    c = english_client(world)
    before = (Resident.objects.count(), AuditEntry.objects.count())
    response = upload(c, buf.getvalue())
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Format the column as text") == 4
    with pytest.raises(Invalid) as exc:
        excel.import_workbook("residents", buf.getvalue(), actor="test")
    assert [(e["row"], e["column"]) for e in exc.value.errors] == [
        (2, "ID number"),
        (3, "phone"),
        (4, "region code"),
        (5, "household number"),
    ]
    assert nothing_imported(before)


def test_template_formats_id_phone_and_code_columns_as_text(world):
    for kind in excel.KINDS.values():
        ws = load_workbook(io.BytesIO(excel.template_workbook(kind))).active
        for i, column in enumerate(kind.columns, start=1):
            letter = ws.cell(row=1, column=i).column_letter
            text = ws.column_dimensions[letter].number_format == "@"
            assert text == column.text, (kind.key, column.key)
            if column.text and column.example:
                assert ws.cell(row=2, column=i).data_type == "s"


def test_what_is_shown_of_a_resident_does_not_give_the_whole_id_number_back(world):
    """The masked number hides exactly the birth date's eight digits: the page, the API and
    the admin show the year of birth, never the date, so only a reveal gives the number."""
    from gridgov.accounts.models import User

    tashi = world.residents["tashi"]
    hidden = tashi.id_number()[6:14]
    date = tashi.birth_date.isoformat()
    c = Client()
    c.force_login(world.user("worker_a1"))
    page = c.get(f"/people/residents/{tashi.pk}/").content.decode()
    assert str(tashi.birth_date.year) in page
    listed = c.get("/api/residents").content.decode()
    one = c.get(f"/api/residents/{tashi.pk}").json()
    assert one["birth_year"] == tashi.birth_date.year and "birth_date" not in one
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="x" * 12))
    change = admin.get(f"/admin/people/resident/{tashi.pk}/change/").content.decode()
    for shown in (page, listed, change):
        assert date not in shown and hidden not in shown
