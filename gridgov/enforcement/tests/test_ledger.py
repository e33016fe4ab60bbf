import datetime
import time

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from gridgov.core.errors import Conflict, Invalid
from gridgov.enforcement import ledger, payments, simulator
from gridgov.enforcement.models import (
    Account,
    AccountKind,
    Court,
    EnforcementCase,
    JournalEntry,
    PaymentApplication,
)

K = AccountKind


def make_cases(world, n=3):
    district = world.regions["district"]
    court = Court.objects.create(
        code="J0402", name="巴宜区人民法院", region=district, region_path=district.path
    )
    return [
        EnforcementCase.objects.create(
            court=court,
            region_path=district.path,
            number=f"（2026）藏0402执{i + 1}号",
            kind="first",
            applicant="申请人",
            respondent="被执行人",
            amount_fen=1_000_000,
            filed_on=datetime.date(2026, 3, 1),
        )
        for i in range(n)
    ]


def test_payment_payout_and_reconciliation(world):
    case, other, _ = make_cases(world)
    ledger.receive(50_000, case=case, actor="test")
    ledger.receive(7_000, case=None, actor="test")  # unknown code: suspense
    ledger.assign_suspense(7_000, other, actor="test", pool=ledger.suspense_account())
    ledger.start_payout(30_000, case, actor="test")
    ledger.settle_payout(30_000, case, actor="test")
    assert ledger.balance(ledger.case_account(case)) == 20_000
    assert ledger.balance(ledger.case_account(other)) == 7_000
    assert ledger.balance(ledger.system_account(K.CUSTODY)) == 27_000
    r = ledger.check()
    assert r.ok and (r.custody, r.cases, r.suspense, r.in_transit) == (27_000, 27_000, 0, 0)


def test_overdraft_and_bad_amounts_post_nothing(world):
    case, *_ = make_cases(world)
    ledger.receive(100, case=case, actor="test")
    before = JournalEntry.objects.count()
    with pytest.raises(Invalid, match="Not enough"):
        ledger.start_payout(101, case, actor="test")
    for bad in (0, -5, 1.5, True):
        with pytest.raises(Invalid):
            ledger.receive(bad, case=case, actor="test")
    with pytest.raises(Invalid, match="sum to zero"):
        ledger.post(
            "x",
            [(ledger.system_account(K.CUSTODY), 5), (ledger.case_account(case), -4)],
            actor="test",
        )
    assert JournalEntry.objects.count() == before


def test_reversal_once(world):
    case, *_ = make_cases(world)
    entry = ledger.receive(500, case=case, actor="test")
    reversal = ledger.reverse(entry, actor="test")
    assert ledger.balance(ledger.case_account(case)) == 0
    with pytest.raises(Conflict):
        ledger.reverse(entry, actor="test")
    with pytest.raises(Invalid):
        ledger.reverse(reversal, actor="test")
    # the database itself refuses a second reversal row
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.create(
            kind="reversal",
            reverses=entry,
            created_at=entry.created_at,
            actor_label="x",
            prev_hash="0",
            hash="1",
        )


def test_reversing_money_already_paid_out_is_refused(world):
    case, *_ = make_cases(world)
    entry = ledger.receive(500, case=case, actor="test")
    ledger.start_payout(500, case, actor="test")
    with pytest.raises(Invalid, match="Not enough"):
        ledger.reverse(entry, actor="test")


def _raw_unbalanced_entry():
    with connection.cursor() as cur:
        custody = ledger.system_account(K.CUSTODY).pk
        suspense = ledger.system_account(K.SUSPENSE).pk
        cur.execute(
            "INSERT INTO enforcement_journalentry (kind, memo, sealed, created_at, actor_label,"
            " prev_hash, hash) VALUES ('forged', '', %s, %s, 'x', '0', 'f')",
            [False, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)],
        )
        cur.execute("SELECT max(id) FROM enforcement_journalentry")
        entry_id = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO enforcement_leg (entry_id, account_id, amount_fen) VALUES (%s, %s, 100)",
            [entry_id, custody],
        )
        cur.execute(
            "INSERT INTO enforcement_leg (entry_id, account_id, amount_fen) VALUES (%s, %s, -99)",
            [entry_id, suspense],
        )
        return entry_id


def test_the_database_refuses_an_unbalanced_entry(world):
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="unbalanced"), transaction.atomic():
            _raw_unbalanced_entry()
            with connection.cursor() as cur:  # what commit would do: run deferred checks
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    else:
        with pytest.raises(DatabaseError, match="unbalanced"), transaction.atomic():
            entry_id = _raw_unbalanced_entry()
            with connection.cursor() as cur:
                cur.execute(
                    "UPDATE enforcement_journalentry SET sealed = 1 WHERE id = %s", [entry_id]
                )
    assert ledger.check().ok


def test_the_database_refuses_changes_to_posted_money(world):
    case, *_ = make_cases(world)
    entry = ledger.receive(500, case=case, actor="test")
    for sql in [
        "UPDATE enforcement_leg SET amount_fen = 1",
        "DELETE FROM enforcement_leg",
        "UPDATE enforcement_journalentry SET memo = 'x'",
        "DELETE FROM enforcement_journalentry",
    ]:
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql)
    assert JournalEntry.objects.get(pk=entry.pk).memo == ""


def test_ledger_check_command(world, capsys):
    case, *_ = make_cases(world)
    ledger.receive(500, case=case, actor="test")
    call_command("ledger", "check")
    assert "Ledger check OK" in capsys.readouterr().out


# --- a randomised, seeded, replayable model check ----------------------------------------------


class LedgerMachine(RuleBasedStateMachine):
    """Drives payments arriving as signed provider notices (known and unknown codes),
    repeated and conflicting notices, stale and forged ones, bursts of notices with
    duplicates in shuffled order, suspense assignment, two-phase payouts with bank failures,
    and reversals; after every step compares the ledger with a plain in-memory model and
    checks every invariant. (Notices sent truly in parallel, by 8 senders over HTTP, are in
    test_payments_http and the benchmark.)"""

    world = None

    @initialize()
    def setup(self):
        self.sid = transaction.savepoint()
        self.cases = make_cases(self.world)
        self.model = {c.pk: 0 for c in self.cases}
        self.suspense = 0
        self.in_transit = 0
        self.custody = 0
        self.pending: list[tuple[int, int]] = []  # (case pk, amount)
        self.receipts: list[tuple[JournalEntry, int | None, int]] = []
        _provider, self.secret = payments.create_provider("machine")
        self.codes = [payments.new_code(c, 1_000_000).code for c in self.cases]
        self.sent: list[tuple[str, str, int, int | None]] = []  # txn, code, amount, case pk
        self.serial = 0

    def teardown(self):
        transaction.savepoint_rollback(self.sid)

    def _case(self, i):
        return self.cases[i % len(self.cases)]

    def _send(self, txn, code, amount, *, timestamp=None, secret=None):
        headers, body = simulator.notice(
            secret or self.secret, code, amount, txn_id=txn, timestamp=timestamp
        )
        return payments.handle_notice(
            "machine", headers["X-Gridgov-Timestamp"], headers["X-Gridgov-Signature"], body
        )

    def _expect_applied(self, txn, code, amount, case_pk):
        application = PaymentApplication.objects.get(txn_id=txn)
        assert application.case_id == case_pk
        self.custody += amount
        if case_pk:
            self.model[case_pk] += amount
        else:
            self.suspense += amount
        self.receipts.append((application.entry, case_pk, amount))
        self.sent.append((txn, code, amount, case_pk))

    def _new_payment(self, i, amount, known):
        self.serial += 1
        case = self._case(i)
        code = self.codes[self.cases.index(case)] if known else f"NOPE{self.serial:05d}"
        return f"t{self.serial}", code, amount, case.pk if known else None

    @rule(i=st.integers(0, 2), amount=st.integers(1, 10_000), known=st.booleans())
    def pay(self, i, amount, known):
        txn, code, amount, case_pk = self._new_payment(i, amount, known)
        assert self._send(txn, code, amount).status == 200
        self._expect_applied(txn, code, amount, case_pk)

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def provider_repeats_a_notice(self, data):
        txn, code, amount, _case = data.draw(st.sampled_from(self.sent))
        answer = self._send(txn, code, amount)
        assert (answer.status, answer.body["result"]) == (200, "ok")  # same answer, no posting

    @precondition(lambda self: self.sent)
    @rule(data=st.data(), delta=st.integers(1, 500))
    def same_transaction_different_amount(self, data, delta):
        txn, code, amount, _case = data.draw(st.sampled_from(self.sent))
        assert self._send(txn, code, amount + delta).status == 409  # alerted, never posted

    @rule(i=st.integers(0, 2), amount=st.integers(1, 10_000), forged=st.booleans())
    def stale_or_forged_notice(self, i, amount, forged):
        txn, code, amount, _case = self._new_payment(i, amount, True)
        if forged:
            answer = self._send(txn, code, amount, secret="not-the-secret")
        else:
            answer = self._send(txn, code, amount, timestamp=int(time.time()) - 301)
        assert answer.status == 401
        assert not PaymentApplication.objects.filter(txn_id=txn).exists()

    @rule(data=st.data(), n=st.integers(2, 6))
    def burst_with_duplicates_in_any_order(self, data, n):
        """Several new notices, each delivered one to three times, in a shuffled order."""
        fresh = [
            self._new_payment(data.draw(st.integers(0, 2)), data.draw(st.integers(1, 10_000)), k)
            for k in data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
        ]
        deliveries = [p for p in fresh for _ in range(data.draw(st.integers(1, 3)))]
        for txn, code, amount, _case in data.draw(st.permutations(deliveries)):
            assert self._send(txn, code, amount).status == 200
        for payment in fresh:
            self._expect_applied(*payment)

    @rule(i=st.integers(0, 2), amount=st.integers(1, 10_000))
    def assign(self, i, amount):
        case = self._case(i)
        if amount > self.suspense:
            with pytest.raises(Invalid):
                ledger.assign_suspense(
                    amount, case, actor="machine", pool=ledger.suspense_account()
                )
            return
        ledger.assign_suspense(amount, case, actor="machine", pool=ledger.suspense_account())
        self.suspense -= amount
        self.model[case.pk] += amount

    @rule(i=st.integers(0, 2), amount=st.integers(1, 10_000))
    def payout(self, i, amount):
        case = self._case(i)
        if amount > self.model[case.pk]:
            with pytest.raises(Invalid):
                ledger.start_payout(amount, case, actor="machine")
            return
        ledger.start_payout(amount, case, actor="machine")
        self.model[case.pk] -= amount
        self.in_transit += amount
        self.pending.append((case.pk, amount))

    @precondition(lambda self: self.pending)
    @rule(data=st.data(), bank_ok=st.booleans())
    def bank_answers(self, data, bank_ok):
        case_pk, amount = self.pending.pop(data.draw(st.integers(0, len(self.pending) - 1)))
        case = EnforcementCase.objects.get(pk=case_pk)
        if bank_ok:
            ledger.settle_payout(amount, case, actor="machine")
            self.custody -= amount
        else:
            ledger.void_payout(amount, case, actor="machine")
            self.model[case_pk] += amount
        self.in_transit -= amount

    @precondition(lambda self: self.receipts)
    @rule(data=st.data())
    def reverse_a_receipt(self, data):
        entry, case_pk, amount = self.receipts[data.draw(st.integers(0, len(self.receipts) - 1))]
        already = JournalEntry.objects.filter(reverses=entry).exists()
        available = self.model[case_pk] if case_pk else self.suspense
        if already:
            with pytest.raises(Conflict):
                ledger.reverse(entry, actor="machine")
        elif amount > available:
            with pytest.raises(Invalid):
                ledger.reverse(entry, actor="machine")
        else:
            ledger.reverse(entry, actor="machine")
            self.custody -= amount
            if case_pk:
                self.model[case_pk] -= amount
            else:
                self.suspense -= amount

    @invariant()
    def books_match_the_model(self):
        if not hasattr(self, "cases"):
            return
        for case in self.cases:
            assert ledger.balance(ledger.case_account(case)) == self.model[case.pk]
        assert ledger.balance(ledger.system_account(K.SUSPENSE)) == self.suspense
        assert ledger.balance(ledger.system_account(K.IN_TRANSIT)) == self.in_transit
        assert ledger.balance(ledger.system_account(K.CUSTODY)) == self.custody
        result = ledger.check()
        assert result.ok, result.problems
        assert all(v >= 0 for v in self.model.values())


def test_ledger_state_machine(world):
    from hypothesis.stateful import run_state_machine_as_test

    LedgerMachine.world = world
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=25, stateful_step_count=30, deadline=None, derandomize=True, database=None
        ),
    )
    assert Account.objects.filter(kind=K.CASE).count() == 0  # every example rolled back
