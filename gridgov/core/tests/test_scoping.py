"""Who sees what, for every scoped model and every role of the test world."""

import pytest
from django.apps import apps

from gridgov.accounts import roles
from gridgov.accounts.models import RoleAssignment
from gridgov.regions.models import Region
from gridgov.testing.world import USERS


def scoped_models():
    return [m for m in apps.get_models() if hasattr(m, "scope_kind") and m.scope_kind]


def test_every_scoped_model_is_covered():
    names = {m._meta.label for m in scoped_models()}
    assert {
        "regions.Region",
        "regions.Grid",
        "regions.PartyOrg",
        "regions.CommitteeMember",
        "people.Unit",
        "people.Household",
        "people.Resident",
        "people.PartyMember",
    } <= names


def expected_visible(user, model) -> set:
    """Independent of the path-prefix query: ancestry through treebeard's own API."""
    out = set()
    assignments = [
        a
        for a in RoleAssignment.objects.filter(user=user).select_related("region")
        if a.role in roles.READ[model.scope_kind]
    ]
    for obj in model.objects.all():
        place = Region.objects.get(path=obj.scope_path)
        if any(place == a.region or place.is_descendant_of(a.region) for a in assignments):
            out.add(obj.pk)
    return out


@pytest.mark.parametrize("user_key", [u[0] for u in USERS] + ["stranger"])
def test_visible_to_matches_the_region_tree_for_every_model(world, user_key):
    user = world.user(user_key)
    for model in scoped_models():
        got = set(model.objects.visible_to(user).values_list("pk", flat=True))
        assert got == expected_visible(user, model), (user_key, model._meta.label)


def test_grid_worker_sees_nothing_of_the_next_grid(world):
    worker = world.user("worker_a1")
    a2 = world.regions["grid_a2"].path
    for model in scoped_models():
        leaked = [o for o in model.objects.visible_to(worker) if o.scope_path.startswith(a2)]
        assert leaked == [], model._meta.label
    names = set(
        apps.get_model("people", "Resident")
        .objects.visible_to(worker)
        .values_list("name", flat=True)
    )
    assert names == {"扎西", "张伟"}


def test_street_sees_all_its_communities_and_nothing_of_the_other_street(world):
    Resident = apps.get_model("people", "Resident")
    street_a = world.user("street_a")
    assert set(Resident.objects.visible_to(street_a).values_list("name", flat=True)) == {
        "扎西",
        "张伟",
        "达瓦",
    }
    assert set(
        Resident.objects.visible_to(world.user("street_b")).values_list("name", flat=True)
    ) == {"李娜"}


def test_base_data_is_hidden_from_roles_without_a_need(world):
    Resident = apps.get_model("people", "Resident")
    for key in ["handler", "volunteer", "court_officer", "court_finance", "stranger"]:
        assert not Resident.objects.visible_to(world.user(key)).exists(), key
    assert Resident.objects.visible_to(world.user("leader")).count() == 4


def test_an_inactive_user_sees_nothing(world):
    worker = world.user("worker_a1")
    worker.is_active = False
    worker.save()
    assert not Region.objects.visible_to(worker).exists()


def test_path_successor_bounds_exactly_the_subtree():
    from gridgov.core.scoping import path_successor

    assert path_successor("00010002") == "00010003"
    assert path_successor("00010009") == "0001000A"
    assert path_successor("0001000Z") == "0001001"
    assert path_successor("ZZZZ") == "~"
    p = "0001000Z"
    inside = [p, p + "0000", p + "ZZZZ"]
    outside = ["0001000Y", "00010010", "0001001", "00010010" + "0000"]
    assert all(p <= x < path_successor(p) for x in inside)
    assert not any(p <= x < path_successor(p) for x in outside)
