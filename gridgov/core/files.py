"""Spreadsheet files in and out: the one writer for every xlsx and CSV the platform hands
out, and the bounded readers for every xlsx and CSV it takes in.

Writing. A module describes its table as a `Sheet` and returns `download(sheet, name, fmt)`:

    return files.download(files.Sheet(_("coverage"), headers, rows), "coverage", "csv")

Every text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
leading `'` (the OWASP rule against CSV/formula injection), and in xlsx every string is
stored as a string, never as a formula, so a matter described as `=HYPERLINK(…)` opens as
that text. Numbers, dates and booleans are written as what they are: pass amounts and counts
as numbers (int, Decimal), not as formatted text. CSV is UTF-8 with a BOM so that Excel
opens Chinese correctly.

Reading. An upload is read whole or refused (`read_upload`), never cut short. `read_xlsx`
checks the package before openpyxl parses anything — its unpacked size, the rows each sheet
declares and holds (empty rows count), and how many XML elements each part holds — so a
file claiming a million rows, or a small zip that unpacks to gigabytes, is refused in
well under a second instead of holding a worker. `read_csv` counts rows the same way.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import decimal
import io
import re
import zipfile
import zlib
from collections.abc import Collection, Iterable, Sequence
from xml.parsers import expat

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .errors import Invalid

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT_FORMAT = "@"


# --- writing ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Sheet:
    """A table to hand out. `caption` is a line above the headers (xlsx only); `widths` are
    column widths in characters (guessed from the headers when empty); `text_columns` are
    the 0-based columns formatted as text, so that digits typed into them in Excel stay
    text (ID numbers, phones, codes)."""

    title: str
    headers: Sequence
    rows: Iterable[Sequence]
    caption: str = ""
    widths: Sequence[int] = ()
    text_columns: Collection[int] = ()


def neutralise(value):
    """The value as a cell: numbers, dates and booleans as they are, anything else as text
    that no spreadsheet will take for a formula."""
    if value is None or isinstance(value, bool | int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: write the wall-clock time of the platform's zone
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def _sheet_title(title) -> str:
    # Excel refuses these characters and more than 31 in a sheet's name
    return re.sub(r"[\\/?*\[\]:']", " ", str(title)).strip()[:31] or "Sheet"


def xlsx_bytes(sheet: Sheet) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(sheet.title))
    headers = [str(h) for h in sheet.headers]
    widths = list(sheet.widths) or [max(12, len(h) * 2 + 4) for h in headers]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for i in sheet.text_columns:
        ws.column_dimensions[get_column_letter(i + 1)].number_format = TEXT_FORMAT
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")

    def cell(value, col, **style):
        c = WriteOnlyCell(ws, value=neutralise(value))
        if isinstance(c.value, str):
            c.data_type = "s"  # openpyxl would take "#N/A" for an error value
        if col in sheet.text_columns:
            c.number_format = TEXT_FORMAT
        for key, val in style.items():
            setattr(c, key, val)
        return c

    if sheet.caption:
        ws.append([cell(sheet.caption, None, font=bold)])
    ws.append([cell(h, None, font=bold, fill=fill) for h in headers])
    ws.freeze_panes = f"A{3 if sheet.caption else 2}"
    for row in sheet.rows:
        ws.append([cell(v, i) for i, v in enumerate(row)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(sheet: Sheet) -> bytes:
    buf = io.StringIO()
    buf.write("\ufeff")  # Excel reads UTF-8 only with the BOM
    writer = csv.writer(buf)
    writer.writerow([neutralise(str(h)) for h in sheet.headers])
    for row in sheet.rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return buf.getvalue().encode("utf-8")


def download(sheet: Sheet, filename: str, fmt: str = "xlsx") -> HttpResponse:
    """The sheet as an attachment `filename.xlsx` or `filename.csv`."""
    if fmt == "csv":
        response = HttpResponse(csv_bytes(sheet), content_type=CSV_TYPE)
    else:
        fmt = "xlsx"
        response = HttpResponse(xlsx_bytes(sheet), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response


# --- reading ----------------------------------------------------------------------------------

# What the census lets through. openpyxl spends 5-10 µs on each element of a sheet or of the
# shared strings, and tens of µs on each of a style sheet, the workbook, or a list of
# relationships, which Excel writes with hundreds of elements at most. Bulk parts may hold
# ELEMENTS_PER_ROW for each row allowed (a cell is two or three elements, so forty leaves
# room for a dozen columns in any form); any other part PART_ELEMENTS; the whole package
# twice the bulk allowance and five other parts' worth. Parts openpyxl does not read here
# (calculation chain, comments, drawings, pivot records) are only counted, as bulk.
ELEMENTS_PER_ROW = 40
PART_ELEMENTS = 20_000
BULK_PARTS = {"worksheet", "sst", "calcChain", "comments", "wsDr", "pivotCacheRecords"}


def megabytes(n: int) -> str:
    return f"{n / 1_000_000:g}"


def max_rows() -> int:
    return settings.GRIDGOV_IMPORT_MAX_ROWS


def _too_many_rows() -> Invalid:
    return Invalid(
        _(
            "The file has more than %(n)d rows (empty rows count too). Delete the unused "
            "rows or split the file."
        )
        % {"n": max_rows()}
    )


def _not_xlsx() -> Invalid:
    return Invalid(_("The file is not an Excel workbook (.xlsx)."))


def _too_complex() -> Invalid:
    return Invalid(
        _(
            "The workbook is too complex to read; copy its rows into a fresh template and "
            "upload that."
        )
    )


def _too_large() -> Invalid:
    limit = settings.GRIDGOV_IMPORT_MAX_BYTES
    return Invalid(_("The file is too large: at most %(mb)s MB.") % {"mb": megabytes(limit)})


def check_size(content: bytes) -> bytes:
    if len(content) > settings.GRIDGOV_IMPORT_MAX_BYTES:
        raise _too_large()
    return content


def read_upload(upload) -> bytes:
    """The whole uploaded file, or Invalid when it is larger than GRIDGOV_IMPORT_MAX_BYTES:
    a file cut short would be read as if it were complete."""
    limit = settings.GRIDGOV_IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise _too_large()
    return check_size(upload.read(limit + 1))


class _Census:
    """Counts the XML of a package as expat streams it and raises as soon as a bound is
    passed: rows (by count and by index, so empty rows and rows that skip ahead count),
    the dimension a sheet declares, and elements per part and in all."""

    def __init__(self, row_limit: int):
        self.row_limit = row_limit  # rows a sheet may have, the header included
        self.bulk_limit = row_limit * ELEMENTS_PER_ROW
        self.total_left = 2 * self.bulk_limit + 5 * PART_ELEMENTS

    def part(self, src) -> None:
        self.elements, self.limit, self.root = 0, PART_ELEMENTS, None
        self.rows = self.last_row = 0
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self.start
        # no document type declarations, hence no entities to expand (as defusedxml does)
        parser.StartDoctypeDeclHandler = self.refuse
        parser.EntityDeclHandler = self.refuse
        try:
            while chunk := src.read(256 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            # not XML (a picture), or broken XML that openpyxl will refuse on its own if it
            # reads the part at all, within the bounds already counted
            return

    def refuse(self, *args):
        raise _not_xlsx()

    def start(self, name, attrs):
        local = name.rpartition(" ")[2]
        self.elements += 1
        self.total_left -= 1
        if self.root is None:
            self.root = local
            if local in BULK_PARTS:
                self.limit = self.bulk_limit
        if self.elements > self.limit or self.total_left < 0:
            raise _too_complex()
        if self.root != "worksheet":
            return
        if local == "dimension":
            last = re.search(r"(\d+)$", attrs.get("ref", ""))
            if last and int(last.group(1)) > self.row_limit:
                raise _too_many_rows()
        elif local == "row":
            self.rows += 1
            index = attrs.get("r", "")
            self.last_row = int(index) if index.isdigit() else self.last_row + 1
            if max(self.rows, self.last_row) > self.row_limit:
                raise _too_many_rows()


def _census(archive: zipfile.ZipFile) -> None:
    """Bounds every part of the package before openpyxl reads any (see the module's doc).
    Every member is counted whatever its name: openpyxl finds sheets by relationships, not
    by file names."""
    limit = settings.GRIDGOV_IMPORT_MAX_UNPACKED_BYTES
    members = archive.infolist()
    if sum(m.file_size for m in members) > limit:
        raise Invalid(
            _("The workbook unpacks to more than %(mb)s MB; split it into smaller files.")
            % {"mb": megabytes(limit)}
        )
    census = _Census(max_rows() + 1)
    for member in members:
        # zipfile stops at the size the directory declares and checks the CRC, so the
        # declared sizes summed above bound what is unpacked
        with archive.open(member) as src:
            census.part(src)


def read_xlsx(content: bytes, columns: int) -> list[tuple]:
    """The first sheet's rows, the header row first, each as a tuple of `columns` values
    (None, str, int, float, datetime): the caller decides what a number means. Invalid
    when the file is not an xlsx or passes a bound; nothing is parsed past a bound."""
    check_size(content)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        _census(archive)
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = [
            (tuple(row) + (None,) * columns)[:columns]
            for row in ws.iter_rows(max_row=max_rows() + 1, max_col=columns, values_only=True)
        ]
        wb.close()
    except Invalid:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        expat.ExpatError,
        EOFError,
        OSError,
        KeyError,
        IndexError,
        ValueError,
        TypeError,
        AttributeError,  # the first sheet is a chart
        RuntimeError,  # an encrypted member
        NotImplementedError,  # a compression zipfile does not know
    ):
        raise _not_xlsx() from None
    return rows


def read_csv(content: bytes) -> list[list[str]]:
    """Rows of a UTF-8 CSV file (BOM or not), the header first; Invalid past the size or
    GRIDGOV_IMPORT_MAX_ROWS rows (empty rows count too)."""
    check_size(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_("The file must be a UTF-8 CSV file.")) from None
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(row)
            if len(rows) > max_rows() + 1:
                raise _too_many_rows()
    except csv.Error:
        raise Invalid(_("The file cannot be read as CSV.")) from None
    return rows
