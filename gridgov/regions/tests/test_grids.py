import json

import pytest
from django.core.management import CommandError, call_command

from gridgov.core.errors import Forbidden, Invalid
from gridgov.core.models import AuditAction, AuditEntry
from gridgov.regions import actions
from gridgov.regions.locator import Locator, get_locator, locate
from gridgov.regions.models import Grid, Region
from gridgov.testing.world import feature, square

A = "540402001001"  # community of street A


def fc(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def state():
    return (Grid.objects.count(), Region.objects.count(), AuditEntry.objects.count())


def test_import_creates_grids_with_area_and_centroid(world):
    grid = Grid.objects.get(region__code="540402001001001")
    assert 1_000_000 < grid.area_m2 < 1_200_000  # 0.01° × 0.01° at 29.65°N ≈ 1.07 km²
    assert Region.objects.get_parent(grid.region).code == A
    assert abs(grid.region.lat - 29.655) < 1e-9


def test_reimporting_the_export_changes_nothing(world):
    data = actions.export_grids()
    assert {f["properties"]["code"] for f in data["features"]} == {
        "540402001001001",
        "540402001001002",
        "540402002001001",
    }
    before = state()
    result = actions.import_grids(json.loads(json.dumps(data)), actor="test")
    assert result.unchanged and not result.created and not result.updated
    assert state() == before


def test_import_updates_a_polygon_and_records_before_and_after(world):
    result = actions.import_grids(
        fc(feature("540402001001002", "觉木二网格", A, square(94.37, 29.65, 0.005))), actor="test"
    )
    assert result.updated == ["540402001001002"]
    entry = AuditEntry.objects.filter(action=AuditAction.GRID_UPDATED).get()
    assert entry.before["polygon"] != entry.after["polygon"]


BAD_CASES = {
    "not a collection": ({"type": "Feature"}, "FeatureCollection"),
    "self-intersecting": (
        fc(
            feature(
                "540402001001009",
                "x",
                A,
                {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [94.40, 29.60],
                            [94.41, 29.61],
                            [94.41, 29.60],
                            [94.40, 29.61],
                            [94.40, 29.60],
                        ]
                    ],
                },
            )
        ),
        "Self-intersection",
    ),
    "unknown parent": (
        fc(feature("540402009001001", "x", "540402009001", square(94.5, 29.5))),
        "unknown parent",
    ),
    "duplicate code": (
        fc(
            feature("540402001001009", "x", A, square(94.5, 29.5)),
            feature("540402001001009", "y", A, square(94.6, 29.5)),
        ),
        "duplicate code",
    ),
    "overlaps a stored grid": (
        fc(feature("540402001001009", "x", A, square(94.365, 29.65))),
        "overlaps stored grid 540402001001001",
    ),
    "overlap within file": (
        fc(
            feature("540402001001008", "x", A, square(94.50, 29.5)),
            feature("540402001001009", "y", A, square(94.505, 29.5)),
        ),
        "overlaps feature 2",
    ),
    "not a polygon": (
        fc(feature("540402001001009", "x", A, {"type": "Point", "coordinates": [94.5, 29.5]})),
        "Polygon or MultiPolygon",
    ),
    "unreadable geometry": (
        fc(feature("540402001001009", "x", A, {"type": "Polygon", "coordinates": "nope"})),
        "cannot be read",
    ),
    "code not under parent": (
        fc(feature("540402002001009", "x", A, square(94.5, 29.5))),
        "parent's code",
    ),
    "not lon/lat": (
        fc(feature("540402001001009", "x", A, square(500, 29.5))),
        "longitude/latitude",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_input_names_the_problem_and_imports_nothing(world, case):
    data, expected = BAD_CASES[case]
    before = state()
    version = get_locator()
    with pytest.raises(Invalid) as exc:
        actions.import_grids(data, actor="test")
    assert any(expected in p for p in exc.value.errors), exc.value.errors
    assert state() == before
    assert get_locator() is version


def test_every_problem_is_listed_and_a_good_feature_beside_them_is_not_imported(world):
    data = fc(
        feature("540402001001005", "好网格", A, square(94.50, 29.50)),
        feature("540402001001006", "", "999", square(94.60, 29.50)),
        feature("540402001001007", "z", A, square(94.365, 29.65)),
    )
    before = state()
    with pytest.raises(Invalid) as exc:
        actions.import_grids(data, actor="test")
    text = "\n".join(exc.value.errors)
    assert "feature 2" in text and '"name"' in text and "unknown parent" in text
    assert state() == before


def test_overlap_tolerance(world):
    # overlaps grid A1 (starting at 94.36°) by a sliver of 0.0000001° × 0.01° ≈ 11 m²
    sliver = {
        "type": "Polygon",
        "coordinates": [
            [
                [94.35, 29.65],
                [94.3600001, 29.65],
                [94.3600001, 29.66],
                [94.35, 29.66],
                [94.35, 29.65],
            ]
        ],
    }
    data = fc(feature("540402001001009", "x", A, sliver))
    with pytest.raises(Invalid) as exc:
        actions.import_grids(data, actor="test", tolerance_m2=1)
    assert "overlaps stored grid 540402001001001 by 11 m²" in exc.value.errors[0]
    result = actions.import_grids(data, actor="test", tolerance_m2=100)
    assert result.created == ["540402001001009"]


def test_a_leader_cannot_import_and_a_street_only_under_itself(world):
    data = fc(feature("540402002001002", "新网格", "540402002001", square(94.50, 29.50)))
    with pytest.raises(Forbidden):
        actions.import_grids(data, actor=world.user("leader"))
    with pytest.raises((Forbidden, Exception)):
        actions.import_grids(data, actor=world.user("street_a"))
    result = actions.import_grids(data, actor=world.user("street_b"))
    assert result.created == ["540402002001002"]


def test_locator_answers_point_to_grid_and_none_outside(world):
    assert locate(29.655, 94.365).code == "540402001001001"
    assert locate(29.655, 94.375).code == "540402001001002"
    assert locate(29.665, 94.365).code == "540402002001001"
    assert locate(10.0, 10.0) is None
    # a point on the shared edge goes to one grid, always the same
    assert locate(29.655, 94.37).code == "540402001001001"


def test_locator_is_rebuilt_when_grids_change(world):
    assert locate(29.505, 94.505) is None
    actions.import_grids(
        fc(feature("540402001001005", "新网格", A, square(94.50, 29.50))), actor="test"
    )
    assert locate(29.505, 94.505).code == "540402001001005"


def test_locator_agrees_with_the_naive_loop():
    import random

    from shapely.geometry import box

    items = [(f"{i:03d}", box(i % 10, i // 10, i % 10 + 1, i // 10 + 1)) for i in range(100)]
    loc = Locator(items)
    rng = random.Random(1)
    for _ in range(500):
        x, y = rng.uniform(-1, 11), rng.uniform(-1, 11)
        assert loc.locate(x, y) == loc.locate_naive(x, y)


def test_cli_import_prints_every_problem_and_exits_non_zero(world, tmp_path, capsys):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(BAD_CASES["duplicate code"][0]))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-grids", str(path))
    assert "duplicate code" in capsys.readouterr().err
    path.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import-grids", str(path))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import-grids", str(tmp_path / "missing.geojson"))


def test_cli_export_then_import_round_trip(world, tmp_path, capsys):
    out = tmp_path / "grids.geojson"
    call_command("export-grids", str(out))
    data = json.loads(out.read_text())
    assert len(data["features"]) == 3
    call_command("import-grids", str(out))
    assert "3 unchanged" in capsys.readouterr().out


def test_cli_exit_code_is_non_zero(world, tmp_path):
    """Through the console script's entry point, as cron or an operator would run it."""
    import subprocess
    import sys

    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "nope"}))
    result = subprocess.run(
        [sys.executable, "-m", "gridgov.cli", "import-grids", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "FeatureCollection" in result.stderr


def test_a_file_of_more_grids_than_an_import_may_hold_is_refused_whole(world, settings):
    settings.GRIDGOV_IMPORT_MAX_ROWS = 2
    data = {
        "type": "FeatureCollection",
        "features": [
            feature(f"54040200200100{i}", f"新网格{i}", "540402002001", square(94.5 + i / 10, 29.9))
            for i in range(3, 6)
        ],
    }
    before = Grid.objects.count()
    with pytest.raises(Invalid) as exc:
        actions.import_grids(data, actor="test")
    assert exc.value.errors == ["At most 2 grids per file; split it into smaller files."]
    assert Grid.objects.count() == before
