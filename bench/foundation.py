"""Benchmark for the foundation (issue 2): `make bench`.

Generates 1,000,000 residents over 5,000 grids (10 streets × 10 communities × 50 grids,
200 residents a grid) in its own database under var/bench/ (or DATABASE_URL when set), then
measures, in the same run:

* p50/p95 of a scoped resident search (the residents page: count + first page of 25) by a
  grid worker and by a street, against a primary-key lookup;
* point → grid throughput of the STRtree locator over the 5,000 grid polygons, against a
  naive loop over all polygons.

Figures are reported as ratios to the baseline measured in the same run; nothing here is
asserted. Generation is reused when the database already holds the data.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("GRIDGOV_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from gridgov.accounts.models import RoleAssignment, User  # noqa: E402
from gridgov.accounts.roles import Role  # noqa: E402
from gridgov.core import crypto  # noqa: E402
from gridgov.core.validators import id_check_digit  # noqa: E402
from gridgov.demo.names import person  # noqa: E402
from gridgov.people.models import Resident  # noqa: E402
from gridgov.people.views import search_residents  # noqa: E402
from gridgov.regions.geo import geometry_from_geojson  # noqa: E402
from gridgov.regions.locator import Locator  # noqa: E402
from gridgov.regions.models import Grid, Level, Region  # noqa: E402

STREETS, COMMUNITIES, GRIDS, PER_GRID = 10, 10, 50, 200
N_GRIDS = STREETS * COMMUNITIES * GRIDS
N_RESIDENTS = N_GRIDS * PER_GRID
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def step(n: int) -> str:
    out = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        out = ALPHABET[r] + out
    return out


def square(i: int) -> dict:
    # 5,000 cells of 0.002° in a 100 × 50 lattice
    col, row = i % 100, i // 100
    x, y, d = 94.0 + col * 0.002, 29.5 + row * 0.002, 0.002
    ring = [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def generate_regions() -> list[Region]:
    """City → district → 10 streets → 100 communities → 5,000 grids with square polygons."""
    with transaction.atomic():
        city = Region(
            path=step(1), depth=1, numchild=1, level=Level.CITY, code="540400", name="林芝市"
        )
        district = Region(
            path=city.path + step(1),
            depth=2,
            numchild=STREETS,
            level=Level.DISTRICT,
            code="540402",
            name="巴宜区",
        )
        Region.objects.bulk_create([city, district])
        regions, grids = [], []
        for s in range(STREETS):
            sp = district.path + step(s + 1)
            scode = f"540402{s + 1:03d}"
            regions.append(
                Region(
                    path=sp,
                    depth=3,
                    numchild=COMMUNITIES,
                    level=Level.STREET,
                    code=scode,
                    name=f"街道{s + 1}",
                )
            )
            for c in range(COMMUNITIES):
                cp = sp + step(c + 1)
                ccode = f"{scode}{c + 1:03d}"
                regions.append(
                    Region(
                        path=cp,
                        depth=4,
                        numchild=GRIDS,
                        level=Level.COMMUNITY,
                        code=ccode,
                        name=f"社区{s + 1}-{c + 1}",
                    )
                )
                for g in range(GRIDS):
                    regions.append(
                        Region(
                            path=cp + step(g + 1),
                            depth=5,
                            numchild=0,
                            level=Level.GRID,
                            code=f"{ccode}{g + 1:03d}",
                            name=f"网格{s + 1}-{c + 1}-{g + 1}",
                        )
                    )
        Region.objects.bulk_create(regions, batch_size=2000)
        grid_regions = list(Region.objects.filter(level=Level.GRID).order_by("path"))
        for i, r in enumerate(grid_regions):
            grids.append(Grid(region=r, region_path=r.path, polygon=square(i), area_m2=1.0))
        Grid.objects.bulk_create(grids, batch_size=2000)
    return grid_regions


def generate(log) -> None:
    rng = random.Random(7)
    started = time.monotonic()
    grid_regions = generate_regions()
    log(f"  regions and {len(grid_regions)} grids in {time.monotonic() - started:.0f} s")
    used = set()
    batch = []
    total = 0
    for gi, grid in enumerate(grid_regions):
        for _ in range(PER_GRID):
            name, ethnicity = person(rng)
            while True:
                first17 = (
                    f"540402{rng.randint(1930, 2020)}{rng.randint(1, 12):02d}"
                    f"{rng.randint(1, 28):02d}{rng.randrange(1000):03d}"
                )
                if first17 not in used:
                    used.add(first17)
                    break
            idn = first17 + id_check_digit(first17)
            batch.append(
                Resident(
                    region_id=grid.pk,
                    region_path=grid.path,
                    name=name,
                    sex="M",
                    birth_date=f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}",
                    ethnicity=ethnicity,
                    id_number_enc=crypto.encrypt(idn),
                    id_number_index=crypto.blind_index(idn),
                    id_number_masked=crypto.mask_id_number(idn),
                )
            )
        if len(batch) >= 20_000 or gi == len(grid_regions) - 1:
            with transaction.atomic():
                Resident.objects.bulk_create(batch, batch_size=5000)
            total += len(batch)
            batch = []
            if total % 200_000 == 0:
                log(f"  {total:,} residents ({time.monotonic() - started:.0f} s)")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    log(f"  generated in {time.monotonic() - started:.0f} s")


def user_at(username: str, role: str, region: Region) -> User:
    user, _ = User.objects.get_or_create(username=username)
    RoleAssignment.objects.get_or_create(user=user, role=role, region=region)
    return User.objects.get(pk=user.pk)


def timed(fn, runs: int) -> list[float]:
    for _ in range(5):
        fn()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    log = print
    call_command("migrate", "--no-input", "-v", "0")
    vendor = connection.vendor
    if Resident.objects.count() < N_RESIDENTS:
        if Region.objects.exists():
            sys.exit("the bench database holds partial data: delete var/bench/ and run again")
        log(f"Generating {N_RESIDENTS:,} residents over {N_GRIDS:,} grids ({vendor}) …")
        generate(log)
    rng = random.Random(11)
    grid = Region.objects.filter(level=Level.GRID).order_by("path")[N_GRIDS // 2]
    street = Region.objects.filter(level=Level.STREET).order_by("path")[3]
    worker = user_at("bench_worker", Role.GRID_WORKER, grid)
    street_user = user_at("bench_street", Role.STREET_STAFF, street)
    max_pk = Resident.objects.order_by("-pk").values_list("pk", flat=True).first()
    names = ["扎西", "王", "卓玛", "李娜", "次仁"]

    def page(user, q):
        qs = search_residents(user, q).order_by("region_path", "id")
        return qs.count(), list(qs[:25])

    runs = int(os.environ.get("BENCH_RUNS", "200"))
    rows = []
    baseline = timed(lambda: Resident.objects.get(pk=rng.randint(1, max_pk)), runs)
    rows.append(("primary-key lookup (baseline)", baseline))
    rows.append(("grid worker: residents page", timed(lambda: page(worker, ""), runs)))
    rows.append(("grid worker: name search", timed(lambda: page(worker, rng.choice(names)), runs)))
    rows.append(("street: residents page", timed(lambda: page(street_user, ""), runs)))
    rows.append(
        (
            "street: name search",
            timed(lambda: page(street_user, rng.choice(names)), max(20, runs // 4)),
        )
    )
    some = Resident.objects.filter(region_path__startswith=street.path).order_by("?").first()
    idn = some.id_number()
    rows.append(("street: exact ID-number search", timed(lambda: page(street_user, idn), runs)))

    b50, b95 = pct(baseline, 50), pct(baseline, 95)
    out = [
        f"### Scoped resident search, {N_RESIDENTS:,} residents / {N_GRIDS:,} grids "
        f"({vendor}, {runs} runs)",
        "",
        "| query | rows in scope | p50 ms | p95 ms | p50 ÷ baseline | p95 ÷ baseline |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    scope_rows = {
        "grid worker": Resident.objects.visible_to(worker).count(),
        "street": Resident.objects.visible_to(street_user).count(),
        "primary-key": 1,
    }
    for label, values in rows:
        n = next(v for k, v in scope_rows.items() if label.startswith(k))
        out.append(
            f"| {label} | {n:,} | {pct(values, 50):.2f} | {pct(values, 95):.2f} | "
            f"{pct(values, 50) / b50:.1f} | {pct(values, 95) / b95:.1f} |"
        )

    # locator
    items = [
        (code, geometry_from_geojson(poly))
        for code, poly in Grid.objects.values_list("region__code", "polygon")
    ]
    started = time.perf_counter()
    loc = Locator(items)
    build_ms = (time.perf_counter() - started) * 1000
    points = [(rng.uniform(93.99, 94.21), rng.uniform(29.49, 29.61)) for _ in range(20_000)]
    t = time.perf_counter()
    fast = [loc.locate(x, y) for x, y in points]
    fast_s = time.perf_counter() - t
    few = points[:500]
    t = time.perf_counter()
    slow = [loc.locate_naive(x, y) for x, y in few]
    slow_s = time.perf_counter() - t
    assert fast[:500] == slow, "locator and naive loop disagree"
    fast_rate, slow_rate = len(points) / fast_s, len(few) / slow_s
    out += [
        "",
        f"### Point → grid over {len(items):,} polygons",
        "",
        "| method | points | points/s | ratio |",
        "|---|---:|---:|---:|",
        f"| naive loop over all polygons (baseline) | {len(few):,} | {slow_rate:,.0f} | 1.0 |",
        f"| STRtree locator | {len(points):,} | {fast_rate:,.0f} | {fast_rate / slow_rate:,.0f} |",
        "",
        f"Locator built in {build_ms:.0f} ms; {sum(c is None for c in fast):,} of the "
        f"points fell outside every grid.",
    ]
    text = "\n".join(out)
    print(text)
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"foundation-{vendor}.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
