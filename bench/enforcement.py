"""Benchmark for court enforcement (issue 4): `make bench` runs it on SQLite and PostgreSQL.

In its own database under var/bench-enforcement/ (or DATABASE_URL), in the same run:

* payment notices applied per second by 8 concurrent senders, 30 % of the deliveries
  repeats of a notice already sent (each notice signed, verified, stored raw, applied once
  with its ledger entry), against a plain insert of the same raw rows by 8 concurrent
  senders; afterwards every transaction must be posted exactly once and the books balance;
* the KPI computation for a year over 100,000 cases (with assignments, recoveries and
  ledger receipts) against a raw SQL count of the year's new cases.

Figures are ratios to the baseline measured in the same run; nothing is asserted but the
correctness check after the notices.
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("GRIDGOV_VAR_DIR", str(ROOT / "var" / "bench-enforcement"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
sys.path.insert(0, str(ROOT))

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402

from bench.foundation import pct, timed  # noqa: E402  (sets Django up)
from gridgov.enforcement import cases as case_actions  # noqa: E402
from gridgov.enforcement import kpis, ledger, payments, simulator  # noqa: E402
from gridgov.enforcement.models import (  # noqa: E402
    CaseKind,
    ClosureType,
    Court,
    CrossCourtAssignment,
    EnforcementCase,
    PaymentApplication,
    PaymentNotice,
    Recovery,
)
from gridgov.regions.models import Level, Region  # noqa: E402

N_CASES = 100_000
SENDERS = 8
D = datetime.date


def setup_courts() -> list[Court]:
    if Court.objects.exists():
        return list(Court.objects.order_by("pk"))
    city = Region.objects.add_root({"level": Level.CITY, "code": "540400", "name": "林芝市"})
    courts = [case_actions.create_court(city, "zy", "中级人民法院", actor="system:bench")]
    for i in range(3):
        district = Region.objects.add_child(
            city, {"level": Level.DISTRICT, "code": f"54040{i + 2}", "name": f"区{i}"}
        )
        courts.append(case_actions.create_court(district, f"c{i}", f"法院{i}", actor="bench"))
    return courts


def generate_cases(courts: list[Court], log) -> None:
    rng = random.Random(11)
    started = time.monotonic()
    closures = list(ClosureType.values)
    rows = []
    for n in range(N_CASES):
        court = rng.choice(courts)
        filed = D(2022, 1, 1) + datetime.timedelta(days=rng.randint(0, 729))
        closed = filed + datetime.timedelta(days=rng.randint(5, 400))
        open_ = closed > D(2023, 12, 31) or rng.random() < 0.05
        rows.append(
            EnforcementCase(
                court=court,
                region_path=court.region_path,
                number=f"（{filed.year}）藏执{n}号",
                kind=rng.choice(list(CaseKind.values)),
                applicant="申请人",
                respondent="被执行人",
                amount_fen=rng.randint(10_000, 50_000_000),
                filed_on=filed,
                state="enforcing" if open_ else "closed",
                closure_type="" if open_ else rng.choice(closures),
                closed_on=None if open_ else closed,
                closed_within_limit=None if open_ else closed <= filed + datetime.timedelta(180),
            )
        )
    with transaction.atomic():
        EnforcementCase.objects.bulk_create(rows, batch_size=5000)
    made = list(EnforcementCase.objects.order_by("pk").values_list("pk", "closed_on", "court_id"))
    Recovery.objects.bulk_create(
        [
            Recovery(case_id=pk, amount_fen=rng.randint(100, 1_000_000), on=closed, means="direct")
            for pk, closed, _court in made
            if closed and rng.random() < 0.6
        ],
        batch_size=5000,
    )
    by_pk = {c.pk: c for c in courts}
    for pk, _closed, court_id in rng.sample(made, 300):  # some assigned later
        CrossCourtAssignment.objects.create(
            case_id=pk,
            from_court_id=court_id,
            to_court=rng.choice([c for c in courts if c.pk != court_id]),
            reason="bench",
        )
        target = CrossCourtAssignment.objects.filter(case_id=pk).latest("pk").to_court
        EnforcementCase.objects.filter(pk=pk).update(
            court=target, region_path=by_pk[target.pk].region_path
        )
    for pk, _closed, _court in rng.sample(made, 500):  # and some money through the ledger
        ledger.receive(rng.randint(100, 100_000), case=EnforcementCase(pk=pk), actor="bench")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    log(f"  {N_CASES:,} cases generated in {time.monotonic() - started:.0f} s")


def run_threads(work: list, fn) -> float:
    """Runs fn(item) for every item, split over SENDERS threads; items per second."""
    shares = [work[i::SENDERS] for i in range(SENDERS)]
    errors = []

    def sender(share):
        try:
            for item in share:
                fn(item)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender, args=(s,)) for s in shares]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return len(work) / (time.perf_counter() - started)


def notices(n: int) -> list[str]:
    rng = random.Random(7)
    name = f"bench{int(time.time())}"
    _provider, secret = payments.create_provider(name, actor="system:bench")
    targets = list(EnforcementCase.objects.filter(state="enforcing").order_by("pk")[:200])
    codes = [payments.new_code(c, 1_000_000, actor="system:bench").code for c in targets]
    unique = int(n / 1.3)
    signed = []
    for i in range(unique):
        code = rng.choice(codes) if rng.random() < 0.95 else "UNKNOWN0"
        signed.append(simulator.notice(secret, code, rng.randint(1, 500_000), txn_id=f"{name}-{i}"))
    deliveries = signed + [rng.choice(signed) for _ in range(n - unique)]  # 30 % repeats
    rng.shuffle(deliveries)
    ts = str(int(time.time()))

    def plain(item):
        headers, body = item
        PaymentNotice.objects.create(
            provider_name="plain",
            timestamp=ts,
            signature=headers["X-Gridgov-Signature"],
            raw_body=body.decode(),
        )

    def apply(item):
        headers, body = item
        answer = payments.handle_notice(
            name, headers["X-Gridgov-Timestamp"], headers["X-Gridgov-Signature"], body
        )
        if answer.status != 200:
            raise RuntimeError(f"notice refused: {answer.status} {answer.body}")

    base = run_threads(deliveries, plain)
    applied = run_threads(deliveries, apply)
    posted = PaymentApplication.objects.filter(provider__name=name).count()
    check = ledger.check()
    return [
        f"### Payment notices, {SENDERS} concurrent senders, {n:,} deliveries of which "
        f"{n - unique:,} repeats ({connection.vendor})",
        "",
        "| what | per second | ratio |",
        "|---|---:|---:|",
        f"| plain insert of the raw rows (baseline) | {base:,.0f} | 1.00 |",
        f"| notices verified, stored raw, applied once with their ledger entries | "
        f"{applied:,.0f} | {applied / base:.2f} |",
        "",
        f"Afterwards: {posted:,} transactions posted for {unique:,} unique notices "
        f"({'exactly once each' if posted == unique else 'MISMATCH'}); "
        f"ledger check {'OK' if check.ok else 'FAILED: ' + '; '.join(check.problems)}.",
    ]


def kpi_timing(runs: int) -> list[str]:
    city = Region.objects.get(level=Level.CITY)
    start, end = D(2023, 1, 1), D(2023, 12, 31)

    def raw_count():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT COUNT(*) FROM enforcement_enforcementcase "
                "WHERE filed_on >= %s AND filed_on <= %s",
                [start, end],
            )
            return cur.fetchone()[0]

    def figures():
        return kpis.compute(kpis.in_scope(end, city.path), start, end)

    base = timed(raw_count, runs)
    full = timed(figures, runs)
    f = figures()
    b50, b95 = pct(base, 50), pct(base, 95)
    return [
        "",
        f"### KPIs for 2023 over {EnforcementCase.objects.count():,} cases "
        f"({connection.vendor}, {runs} runs)",
        "",
        "| what | p50 ms | p95 ms | p50 ratio | p95 ratio |",
        "|---|---:|---:|---:|---:|",
        f"| raw SQL count of the year's new cases (baseline) | {b50:.2f} | {b95:.2f} | 1.0 | 1.0 |",
        f"| every KPI (as they stood at the year's end, assignments undone) | "
        f"{pct(full, 50):.2f} | {pct(full, 95):.2f} | {pct(full, 50) / b50:.1f} | "
        f"{pct(full, 95) / b95:.1f} |",
        "",
        f"(received {f.received:,}, closed {f.closed:,}, 综合执结率 {f.closure_rate}, "
        f"recovered {f.recovered_fen:,} fen)",
    ]


def main() -> None:
    call_command("migrate", "--no-input", "-v", "0")
    courts = setup_courts()
    if EnforcementCase.objects.count() < N_CASES:
        if EnforcementCase.objects.exists():
            sys.exit("the bench database holds partial data: delete it and run again")
        print(f"Generating {N_CASES:,} cases ({connection.vendor}) …")
        generate_cases(courts, print)
    out = notices(int(os.environ.get("BENCH_NOTICES", "2600")))
    out += kpi_timing(int(os.environ.get("BENCH_RUNS", "30")))
    text = "\n".join(out)
    print(text)
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"enforcement-{connection.vendor}.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
