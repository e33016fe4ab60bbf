"""No oracle in recording residents: an ID number recorded outside the user's sight gets
one answer whichever place holds it, and the record's keepers are told who asked."""

import pytest

from gridgov.core.errors import Invalid
from gridgov.core.models import AuditAction, AuditEntry
from gridgov.notifications.models import Kind, Notification
from gridgov.people import actions, excel
from gridgov.people.models import Resident
from gridgov.people.tests.test_base_data import workbook


def attempt(world, who, number, place="grid_a1", name="新住户"):
    with pytest.raises(Invalid) as exc:
        actions.create_resident(
            actions.ResidentInput(world.regions[place], name, number), actor=world.user(who)
        )
    return exc.value


def referrals_to(user):
    return Notification.objects.filter(user=user, kind=Kind.REFERRAL)


def test_a_number_held_out_of_sight_gets_one_answer_wherever_it_is(world):
    dawa, li = world.residents["dawa"], world.residents["li"]
    near = attempt(world, "worker_a1", dawa.id_number())  # grid A2, the same community
    far = attempt(world, "worker_a1", li.id_number())  # grid B1, the other street
    assert near.message == far.message and near.errors == far.errors
    for word in ("already", dawa.name, li.name, "觉木二网格", "双拥"):
        assert word not in near.message, word
    assert Resident.objects.count() == 4


def test_the_keepers_are_told_who_asked_and_where_never_the_whole_number(world):
    dawa, li = world.residents["dawa"], world.residents["li"]
    attempt(world, "worker_a1", dawa.id_number(), name="达娃")
    attempt(world, "worker_a1", li.id_number())
    told = referrals_to(world.users["community_a"]).get()  # keeps grid A2
    assert "worker_a1" in told.text and "觉木一网格" in told.text and "达娃" in told.text
    assert dawa.id_number_masked in told.text and dawa.id_number() not in told.text
    # places are named with their community, and the notice opens the record it is about
    assert "觉木社区 · 觉木二网格" in told.text
    assert told.link == f"/people/residents/{dawa.pk}/"
    assert referrals_to(world.users["street_b"]).count() == 1  # B1's community has no staff
    for other in ["worker_a1", "worker_a2", "street_a", "worker_b1"]:
        assert not referrals_to(world.users[other]).exists(), other
    entry = AuditEntry.objects.get(action=AuditAction.RESIDENT_REFERRED, object_id=str(dawa.pk))
    assert entry.actor_id == world.users["worker_a1"].pk and entry.region_path == dawa.region_path
    assert entry.after["id_number"] == dawa.id_number_masked
    assert dawa.id_number() not in str(entry.after)
    # asking again the same day tells them nothing new
    attempt(world, "worker_a1", dawa.id_number())
    assert referrals_to(world.users["community_a"]).count() == 1


def test_inside_the_users_sight_the_answer_says_where(world):
    dawa = world.residents["dawa"]
    refusal = attempt(world, "community_a", dawa.id_number())
    assert "already recorded" in refusal.message and "觉木二网格" in refusal.message
    assert not Notification.objects.filter(kind=Kind.REFERRAL).exists()


def test_an_import_refers_too_although_it_rolls_back(world):
    li = world.residents["li"]
    rows = [["540402001001001", "", "新住户", li.id_number(), "", "", "", ""]]
    with pytest.raises(Invalid) as exc:
        excel.import_workbook(
            "residents", workbook("residents", rows), actor=world.user("worker_a1")
        )
    assert "already" not in str(exc.value.errors) and li.name not in str(exc.value.errors)
    assert referrals_to(world.users["street_b"]).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.RESIDENT_REFERRED).count() == 1
    assert not AuditEntry.objects.filter(action=AuditAction.BASE_DATA_IMPORTED).exists()
