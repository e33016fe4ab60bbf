"""Benchmark for upload bombs (issue 8, item 6): `make bench`.

Times how long the shared reader (`gridgov.core.files.read_xlsx`) takes to refuse crafted
workbooks — sheets that claim or hold a million rows, empty or not, a zip bomb, a row of
millions of cells, style and string tables of millions of entries, a sheet hidden under
another file name — against the baseline of reading a legitimate workbook of 1,000 filled
rows in the same run, and reports each as a ratio to that baseline. Nothing is asserted.
"""

from __future__ import annotations

import io
import os
import re
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("GRIDGOV_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import translation  # noqa: E402

from gridgov.core import files  # noqa: E402
from gridgov.core.errors import Invalid  # noqa: E402

M = 1_048_576  # Excel's last row
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADERS = ["region code", "household number", "full name", "ID number", "phone"]


def workbook(rows: int) -> bytes:
    return files.xlsx_bytes(
        files.Sheet(
            "residents",
            HEADERS,
            (
                ["540402001001001", f"{i:04d}", f"名字{i}", f"5404021990010{i:05d}", "13900000000"]
                for i in range(rows)
            ),
        )
    )


BASE = zipfile.ZipFile(io.BytesIO(workbook(1)))


def rebuild(sheet=None, parts=None, extra_types=b"", rename=None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in BASE.namelist():
            data = (parts or {}).get(name, BASE.read(name))
            if name == "xl/worksheets/sheet1.xml" and sheet:
                data = sheet(data)
            if name == "[Content_Types].xml":
                data = data.replace(b"</Types>", extra_types + b"</Types>")
            if rename:
                name, data = rename(name, data)
            z.writestr(name, data)
        for name, data in (parts or {}).items():
            if name not in BASE.namelist():
                z.writestr(name, data)
    return out.getvalue()


def dimension(ref):
    """The sheet declaring `ref` as its extent (or declaring none)."""
    tag = f'<dimension ref="{ref}"/>'.encode() if ref else b""
    return lambda d: re.sub(rb"<dimension [^>]*/>", b"", d).replace(
        b"<sheetViews>", tag + b"<sheetViews>", 1
    )


def rows(xml: bytes, ref="A1:E2"):
    return lambda d: dimension(ref)(d).replace(b"</sheetData>", xml + b"</sheetData>")


def filled(i: int) -> bytes:
    return b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>540402001001001</t></is></c></row>' % (
        i,
        i,
    )


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in BASE.namelist():
            z.writestr(name, BASE.read(name))
        with z.open("docProps/custom.xml", "w", force_zip64=True) as f:
            for _ in range(1024):
                f.write(b" " * (1 << 20))  # 1 GB of spaces, about 1 MB packed
    return out.getvalue()


def hidden_sheet(name, data):
    return name.replace("sheet1.xml", "sheet1.dat"), data.replace(b"sheet1.xml", b"sheet1.dat")


SHARED = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
CASES = {
    "declares A1:XFD1048576": lambda: rebuild(dimension("A1:XFD1048576")),
    "one empty row at r=1048576": lambda: rebuild(rows(b'<row r="1048576"/>')),
    "1,048,574 empty rows, no dimension": lambda: rebuild(rows(b"<row/>" * (M - 2), None)),
    "the same, sheet stored as sheet1.dat": lambda: rebuild(
        rows(b"<row/>" * (M - 2), None), rename=hidden_sheet
    ),
    "300,000 rows with data": lambda: rebuild(
        rows(b"".join(filled(i) for i in range(3, 300_000)), None)
    ),
    "one row of 4,000,000 cells": lambda: rebuild(
        rows(b'<row r="3">' + b"<c/>" * 4_000_000 + b"</row>")
    ),
    "styles with 2,400,000 fonts": lambda: rebuild(
        parts={
            "xl/styles.xml": BASE.read("xl/styles.xml").replace(
                b"</fonts>", b"<font/>" * 2_400_000 + b"</fonts>"
            )
        }
    ),
    "1,048,576 shared strings": lambda: rebuild(
        parts={"xl/sharedStrings.xml": b"<sst " + NS + b">" + b"<si><t>a</t></si>" * M + b"</sst>"},
        extra_types=SHARED,
    ),
    "zip bomb, 1 GB unpacked": zip_bomb,
}


def timed(data: bytes) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        outcome = f"read {len(files.read_xlsx(data, len(HEADERS))):,} rows"
    except Invalid as exc:
        outcome = "refused: " + exc.message[:60]
    return time.perf_counter() - start, outcome


def main() -> None:
    translation.activate("en")
    baseline_data = workbook(1000)
    baseline = min(timed(baseline_data)[0] for _ in range(3))
    print(f"row limit {settings.GRIDGOV_IMPORT_MAX_ROWS:,}; baseline: reading 1,000 filled rows")
    print(f"  {'baseline':44} {baseline * 1000:8.1f} ms   1.00×")
    for name, make in CASES.items():
        seconds, outcome = timed(make())
        print(f"  {name:44} {seconds * 1000:8.1f} ms {seconds / baseline:6.2f}×   {outcome}")
    limit = settings.GRIDGOV_IMPORT_MAX_ROWS
    seconds, outcome = timed(workbook(limit))
    print(
        f"  {f'legitimate, {limit:,} filled rows':44} {seconds * 1000:8.1f} ms "
        f"{seconds / baseline:6.2f}×   {outcome}"
    )


if __name__ == "__main__":
    main()
