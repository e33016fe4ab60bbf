import pytest
from django.test import Client

from gridgov.core.errors import Invalid
from gridgov.enforcement import payments, simulator, statements
from gridgov.enforcement.tests.test_ledger import make_cases


@pytest.fixture
def applied(world):
    case, *_ = make_cases(world)
    _provider, secret = payments.create_provider("stmtbank")
    code = payments.new_code(case, 100_000)
    for txn, amount in [("A1", 10_000), ("A2", 2_550), ("A3", 700)]:
        headers, body = simulator.notice(secret, code.code, amount, txn_id=txn)
        Client().post(
            "/enforcement/notify/stmtbank/",
            data=body,
            content_type="application/json",
            headers=headers,
        )
    return case


def csv_bytes(rows):
    lines = ["date,txn_id,amount,memo"] + [",".join(r) for r in rows]
    return ("\ufeff" + "\n".join(lines)).encode()


def test_statement_matches_and_mismatches_both_ways(world, applied):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    result = statements.reconcile(
        csv_bytes(
            [
                [today, "A1", "100.00", "缴款"],
                [today, "A2", "25.00", "金额不符"],
                [today, "B9", "3.00", "没有通知"],
            ]
        ),
        user=world.user("court_finance"),
    )
    assert [ln.txn_id for ln, _a in result.matched] == ["A1"]
    assert [(ln.amount_fen, a.amount_fen) for ln, a in result.amount_differs] == [(2_500, 2_550)]
    assert [ln.txn_id for ln in result.only_on_statement] == ["B9"]
    assert [a.txn_id for a in result.only_in_notices] == ["A3"]


def test_bad_statements_list_every_row(world, applied):
    finance = world.user("court_finance")
    with pytest.raises(Invalid) as exc:
        statements.reconcile(
            csv_bytes(
                [
                    ["2026-13-01", "X", "1", ""],
                    ["2026-11-01", "", "1", ""],
                    ["2026-11-01", "Y", "1.234", ""],
                    ["2026-11-01", "Z", "1", ""],
                    ["2026-11-01", "Z", "1", ""],
                ]
            ),
            user=finance,
        )
    assert [(e["row"], e["column"]) for e in exc.value.errors] == [
        (2, "date"),
        (3, "txn_id"),
        (4, "amount"),
        (6, "txn_id"),
    ]
    with pytest.raises(Invalid, match="columns"):
        statements.reconcile(b"when,what\n", user=finance)
    with pytest.raises(Invalid, match="UTF-8"):
        statements.reconcile("date,txn_id,amount,memo\n".encode("utf-16"), user=finance)


def test_statement_upload_on_the_finance_desk(world, applied):
    import io

    from django.utils import timezone

    c = Client()
    c.force_login(world.users["court_finance"])
    f = io.BytesIO(csv_bytes([[timezone.localdate().isoformat(), "B9", "3.00", ""]]))
    f.name = "statement.csv"
    page = c.post("/enforcement/finance/", {"statement": f}).content.decode()
    assert 'id="reconciliation"' in page and "B9" in page and "A1" in page
    bad = io.BytesIO(b"nonsense")
    bad.name = "x.csv"
    assert c.post("/enforcement/finance/", {"statement": bad}).status_code == 400
    officer = Client()
    officer.force_login(world.users["court_officer"])
    f.seek(0)
    assert officer.post("/enforcement/finance/", {"statement": f}).status_code == 403


def finance_client(world):
    c = Client()
    c.force_login(world.users["court_finance"])
    c.cookies["django_language"] = "en"
    return c


def statement_file(rows):
    import io

    f = io.BytesIO(csv_bytes(rows))
    f.name = "statement.csv"
    return f


def test_a_long_statement_is_read_whole_never_cut_short(world, applied):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    memo = "转账" * 200
    rows = [[today, f"P{i}", "1.00", memo] for i in range(1_800)] + [[today, "B9", "3.00", ""]]
    assert len(csv_bytes(rows)) > 2_000_000
    page = finance_client(world).post("/enforcement/finance/", {"statement": statement_file(rows)})
    assert page.status_code == 200
    assert "B9" in page.content.decode()  # the last line, beyond 2 MB


def test_a_statement_past_the_bounds_is_refused_with_a_message(world, applied, settings):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    c = finance_client(world)
    settings.GRIDGOV_IMPORT_MAX_ROWS = 5
    rows = [[today, f"P{i}", "1.00", ""] for i in range(6)]
    page = c.post("/enforcement/finance/", {"statement": statement_file(rows)})
    assert page.status_code == 400 and "more than 5 rows" in page.content.decode()
    settings.GRIDGOV_IMPORT_MAX_BYTES = 1_000
    rows = [[today, f"P{i}", "1.00", "x" * 300] for i in range(5)]
    page = c.post("/enforcement/finance/", {"statement": statement_file(rows)})
    assert page.status_code == 400 and "at most 0.001 MB" in page.content.decode()
