"""The one writer of xlsx and CSV files, and the upload bound every request meets."""

import csv
import datetime
import decimal
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from gridgov.core import files
from gridgov.core.models import AuditEntry

DANGEROUS = ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x","y")']


def sheet(rows):
    return files.Sheet("名单", ["文本", "数"], rows)


def written_xlsx(rows):
    return load_workbook(io.BytesIO(files.xlsx_bytes(sheet(rows)))).active


def written_csv(rows):
    data = files.csv_bytes(sheet(rows))
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_a_spreadsheet_would_run_is_neutralised(text):
    ws = written_xlsx([[text, 1]])
    cell = ws["A2"]
    # (XML reads a bare carriage return back as a line feed)
    assert cell.data_type == "s" and cell.value == "'" + text.replace("\r", "\n")
    assert written_csv([[text, 1]])[1] == ["'" + text, "1"]


def test_numbers_dates_and_plain_text_stay_what_they_are():
    day = datetime.date(2026, 3, 1)
    rows = [["扎西", -5], ["a=b", decimal.Decimal("-12.50")], ["#N/A", 2.5], ["", day]]
    ws = written_xlsx(rows)
    assert [(c.value, c.data_type) for c in ws["B"][1:3]] == [(-5, "n"), (-12.5, "n")]
    assert ws["B5"].value == datetime.datetime(2026, 3, 1)
    assert [c.value for c in ws["A"][1:3]] == ["扎西", "a=b"]
    assert ws["A4"].data_type == "s" and ws["A4"].value == "#N/A"
    assert [r[1] for r in written_csv(rows)[1:]] == ["-5", "-12.50", "2.5", "2026-03-01"]


def test_control_characters_do_not_break_the_workbook():
    ws = written_xlsx([["a\x01b\x00c", 1]])
    assert ws["A2"].value == "abc"


def test_sheet_titles_excel_refuses_are_mended():
    data = files.xlsx_bytes(files.Sheet("a/b:c?[d]*" + "长" * 40, ["x"], []))
    title = load_workbook(io.BytesIO(data)).active.title
    assert len(title) <= 31 and not set("/:?[]*") & set(title)


def test_text_columns_are_formatted_as_text():
    data = files.xlsx_bytes(files.Sheet("t", ["id", "n"], [["0101", 1]], text_columns={0}))
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.column_dimensions["A"].number_format == "@"
    assert ws["A2"].number_format == "@" and ws["A2"].value == "0101"
    assert ws["B2"].number_format != "@"


def test_download_names_the_file():
    response = files.download(sheet([]), "coverage", "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="coverage.csv"'
    response = files.download(sheet([]), "agenda-1")
    assert response["Content-Disposition"] == 'attachment; filename="agenda-1.xlsx"'


def test_a_request_body_past_the_bound_is_refused_before_it_is_read(world, settings):
    settings.GRIDGOV_UPLOAD_MAX_BYTES = 10_000
    c = Client()
    c.force_login(world.users["community_a"])
    c.cookies["django_language"] = "en"
    before = AuditEntry.objects.count()
    big = io.BytesIO(b"x" * 20_000)
    big.name = "big.xlsx"
    response = c.post("/people/import/", {"kind": "residents", "file": big})
    assert response.status_code == 413
    assert "at most 0.01 MB at once" in response.content.decode()
    api = c.post("/api/matters", data=b"{" + b" " * 20_000 + b"}", content_type="application/json")
    assert api.status_code == 413 and "at most" in api.json()["detail"]
    assert AuditEntry.objects.count() == before
    small = io.BytesIO(b"x" * 1_000)
    small.name = "small.xlsx"
    response = c.post("/people/import/", {"kind": "residents", "file": small})
    assert response.status_code == 400  # read, and refused for what it is
