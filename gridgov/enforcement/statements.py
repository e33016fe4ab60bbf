"""Bank statement import: match the custody account's statement lines to the payment
notices applied, and list the mismatches both ways.

CSV columns (a header row, UTF-8, with or without BOM): `date,txn_id,amount,memo`; `amount`
is in yuan with at most two decimals (e.g. 1234.56). Nothing is posted: the import only
reports. Money that is on the statement but never came as a notice is a line to chase with
the bank; a notice that is not on the statement is money the ledger counts but the bank
does not show. A desk reconciles with its own courts' payments only.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils.translation import gettext as _

from gridgov.core import files
from gridgov.core.errors import Invalid

from . import unclaimed
from .models import PaymentApplication
from .money import parse_yuan

COLUMNS = ["date", "txn_id", "amount", "memo"]


@dataclasses.dataclass
class Line:
    row: int
    date: datetime.date
    txn_id: str
    amount_fen: int
    memo: str


@dataclasses.dataclass
class Reconciliation:
    matched: list[tuple[Line, PaymentApplication]]
    only_on_statement: list[Line]
    only_in_notices: list[PaymentApplication]
    amount_differs: list[tuple[Line, PaymentApplication]]


def parse(content: bytes) -> list[Line]:
    """All lines, or Invalid listing every bad row (row, column, message). The file is
    bounded like every import (files.read_csv: size and rows)."""
    rows = files.read_csv(content)
    reader = iter(rows)
    header = [h.strip().lower() for h in next(reader, [])]
    if header[: len(COLUMNS)] != COLUMNS:
        raise Invalid(_("The columns must be: %(c)s.") % {"c": ", ".join(COLUMNS)})
    lines, errors, seen = [], [], set()
    for n, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (len(COLUMNS) - len(row))
        try:
            day = datetime.date.fromisoformat(row[0].strip())
        except ValueError:
            errors.append({"row": n, "column": "date", "message": _("Not a valid date.")})
            continue
        txn = row[1].strip()
        if not txn:
            errors.append({"row": n, "column": "txn_id", "message": _("Required.")})
            continue
        if txn in seen:
            errors.append({"row": n, "column": "txn_id", "message": _("Listed twice.")})
            continue
        seen.add(txn)
        try:
            amount = parse_yuan(row[2])
        except Invalid as exc:
            errors.append({"row": n, "column": "amount", "message": exc.message})
            continue
        lines.append(Line(n, day, txn, amount, row[3].strip()[:200]))
    if errors:
        raise Invalid(_("Nothing was read."), errors=errors)
    return lines


def reconcile(content: bytes, *, user) -> Reconciliation:
    """Matches the statement with the payments `user` may see (unclaimed.payments): those on
    the user's cases and those with an unknown code on the user's courts' accounts. A line
    whose transaction is another court's payment is, for this desk, a line with no notice —
    the same answer as for a transaction nobody knows."""
    lines = parse(content)
    if not lines:
        return Reconciliation([], [], [], [])
    mine = unclaimed.payments(user).select_related("provider", "case")
    start, end = min(ln.date for ln in lines), max(ln.date for ln in lines)
    applied = {
        a.txn_id: a
        for a in mine.filter(
            created_at__date__gte=start - datetime.timedelta(days=1),
            created_at__date__lte=end + datetime.timedelta(days=1),
        )
    }
    by_txn = {a.txn_id: a for a in mine.filter(txn_id__in=[ln.txn_id for ln in lines])}
    result = Reconciliation([], [], [], [])
    for line in lines:
        app = by_txn.get(line.txn_id)
        if app is None:
            result.only_on_statement.append(line)
        elif app.amount_fen != line.amount_fen:
            result.amount_differs.append((line, app))
        else:
            result.matched.append((line, app))
    on_statement = {ln.txn_id for ln in lines}
    result.only_in_notices = [a for t, a in applied.items() if t not in on_statement]
    return result
