"""Fixtures the matters tests share."""

import pytest

from gridgov.matters import public


@pytest.fixture
def sign(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return public.create_sign(
        "green-01",
        "南山绿化工程1号保护牌",
        world.regions["grid_a1"],
        29.655,
        94.365,
        [world.categories["dumping"], world.categories["fire_lane"]],
        world.units["bureau"],
        actor=world.user("street_a"),
    )
