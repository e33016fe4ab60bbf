"""Benchmark for matters (issue 3): `make bench` runs it on SQLite, and on PostgreSQL too.

Generates 1,000,000 matters over 5,000 grids (200 a grid, at every step of their life) in
its own database under var/bench-matters/ (or DATABASE_URL), then measures in the same run:

* p50/p95 of the worklist page (count + first 25, overdue first) of a grid worker, of a
  street, and of a department handler, against a primary-key lookup;
* Open311 `POST requests` throughput at 16 concurrent clients against gunicorn on this
  machine (routing by the locator, audit and all), against a trivial Django view
  (/healthz) on the same server in the same run.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("GRIDGOV_VAR_DIR", str(ROOT / "var" / "bench-matters"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
sys.path.insert(0, str(ROOT))

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.foundation import N_GRIDS, generate_regions, pct, timed, user_at  # noqa: E402
from gridgov.accounts.roles import Role  # noqa: E402
from gridgov.core.clients import create_api_client  # noqa: E402
from gridgov.core.models import ApiClient  # noqa: E402
from gridgov.matters.models import Category, Matter, State  # noqa: E402
from gridgov.matters.views import worklist_queryset  # noqa: E402
from gridgov.people.models import Unit  # noqa: E402
from gridgov.regions.models import Level, Region  # noqa: E402

PER_GRID = 200
N_MATTERS = N_GRIDS * PER_GRID
UNITS = 20
STATES = (
    [State.CLOSED] * 10
    + [State.EVALUATED] * 6
    + [State.DISPATCHED] * 2
    + [State.IN_HAND] * 2
    + [State.REPORTED, State.REGISTERED, State.HANDLED]
)


def generate(log) -> None:
    rng = random.Random(3)
    started = time.monotonic()
    grids = generate_regions()
    district = Region.objects.get(level=Level.DISTRICT)
    units = [
        Unit(region=district, region_path=district.path, name=f"部门{i}", kind="agency")
        for i in range(UNITS)
    ]
    Unit.objects.bulk_create(units)
    category = Category.objects.create(
        code="bench", name="测试类别", name_en="bench", group="city", deadline_days=5, public=True
    )
    now = timezone.now()
    seq = 0
    for start in range(0, len(grids), 100):
        batch = []
        for grid in grids[start : start + 100]:
            for _ in range(PER_GRID):
                seq += 1
                state = rng.choice(STATES)
                created = now - timezone.timedelta(days=rng.uniform(0, 365))
                registered = created if state != State.REPORTED else None
                batch.append(
                    Matter(
                        code=f"540402-2026-{seq:07d}",
                        category=category,
                        source="grid_worker",
                        region_id=grid.pk,
                        region_path=grid.path,
                        description="基准测试事项",
                        state=state,
                        receipt=f"B{seq:09d}",
                        deadline=created + timezone.timedelta(days=7) if registered else None,
                        registered_at=registered,
                        handling_unit_id=rng.choice(units).pk
                        if state not in (State.REPORTED, State.REGISTERED)
                        else None,
                        created_at=created,
                    )
                )
        with transaction.atomic():
            Matter.objects.bulk_create(batch, batch_size=5000)
        if seq % 200_000 == 0:
            log(f"  {seq:,} matters ({time.monotonic() - started:.0f} s)")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    log(f"  generated in {time.monotonic() - started:.0f} s")


def worklists(runs: int) -> list[str]:
    rng = random.Random(5)
    grid = Region.objects.filter(level=Level.GRID).order_by("path")[N_GRIDS // 2]
    street = Region.objects.filter(level=Level.STREET).order_by("path")[3]
    district = Region.objects.get(level=Level.DISTRICT)
    worker = user_at("bench_worker", Role.GRID_WORKER, grid)
    street_user = user_at("bench_street", Role.STREET_STAFF, street)
    handler = user_at("bench_handler", Role.DEPARTMENT_HANDLER, district)
    from gridgov.accounts.models import RoleAssignment

    RoleAssignment.objects.filter(user=handler).update(unit=Unit.objects.order_by("pk").first())
    handler = type(handler).objects.get(pk=handler.pk)
    max_pk = Matter.objects.order_by("-pk").values_list("pk", flat=True).first()

    def page(user, data):
        qs = worklist_queryset(user, data)
        return qs.count(), list(qs[:25])

    rows = [
        (
            "primary-key lookup (baseline)",
            timed(lambda: Matter.objects.get(pk=rng.randint(1, max_pk)), runs),
        )
    ]
    for label, user in [
        ("grid worker", worker),
        ("street", street_user),
        ("department handler", handler),
    ]:
        rows.append((f"{label}: open matters", timed(lambda u=user: page(u, {}), runs)))
        rows.append(
            (f"{label}: waiting for me", timed(lambda u=user: page(u, {"mine": True}), runs))
        )
    b50, b95 = pct(rows[0][1], 50), pct(rows[0][1], 95)
    out = [
        f"### Worklists over {N_MATTERS:,} matters ({connection.vendor}, {runs} runs)",
        "",
        "| worklist page (count + 25, overdue first) | p50 ms | p95 ms | p50 ÷ pk | p95 ÷ pk |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, values in rows:
        out.append(
            f"| {label} | {pct(values, 50):.2f} | {pct(values, 95):.2f} | "
            f"{pct(values, 50) / b50:.1f} | {pct(values, 95) / b95:.1f} |"
        )
    return out


def throughput(url: str, body: dict, n: int, clients: int = 16) -> float:
    import httpx

    def worker(count):
        with httpx.Client(timeout=60) as c:
            for _ in range(count):
                r = c.post(url, data=body)
                if r.status_code >= 300:
                    raise RuntimeError(f"{url}: {r.status_code} {r.text[:200]}")

    per = n // clients
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, [per] * clients))
    return per * clients / (time.perf_counter() - started)


def open311(n: int) -> list[str]:
    ApiClient.objects.filter(name="bench").delete()
    _client, key = create_api_client("bench", actor="bench")
    port = 8931
    env = {**os.environ}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "gridgov.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        import httpx

        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        body = {
            "api_key": key,
            "service_code": "bench",
            "lat": "29.501",
            "long": "94.001",
            "description": "基准测试上报",
        }
        throughput(f"http://127.0.0.1:{port}/healthz", body, 64)  # warm up
        base = throughput(f"http://127.0.0.1:{port}/healthz", body, n)
        posts = throughput(f"http://127.0.0.1:{port}/open311/v2/requests.json", body, n)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return [
        "",
        f"### Open311 POST requests, 16 concurrent clients, gunicorn 4 workers "
        f"({connection.vendor}, {n} requests each)",
        "",
        "| endpoint | requests/s | ratio |",
        "|---|---:|---:|",
        f"| trivial Django view /healthz (baseline) | {base:,.0f} | 1.00 |",
        f"| Open311 POST requests.json (locate, report, audit) | {posts:,.0f} | "
        f"{posts / base:.2f} |",
    ]


def main() -> None:
    call_command("migrate", "--no-input", "-v", "0")
    if Matter.objects.count() < N_MATTERS:
        if Region.objects.exists():
            sys.exit("the bench database holds partial data: delete it and run again")
        print(f"Generating {N_MATTERS:,} matters over {N_GRIDS:,} grids ({connection.vendor}) …")
        generate(print)
    out = worklists(int(os.environ.get("BENCH_RUNS", "100")))
    out += open311(int(os.environ.get("BENCH_POSTS", "800")))
    text = "\n".join(out)
    print(text)
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"matters-{connection.vendor}.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
