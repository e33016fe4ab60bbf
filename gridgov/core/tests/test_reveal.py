"""Reveals are deliberate: a reason of a few words, one person at a time, a limit an hour
per user across every kind of reveal, the supervisors told once past it, never cached."""

import pytest
from django.test import Client

from gridgov.accounts import actions as account_actions
from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.core.errors import Invalid, TooMany
from gridgov.core.models import AuditAction, AuditEntry, RateEvent
from gridgov.enforcement.models import Court
from gridgov.enforcement.parties import PartyInput
from gridgov.enforcement.parties import reveal as reveal_party
from gridgov.enforcement.tests.test_cases import file
from gridgov.notifications.models import Kind, Notification
from gridgov.people.actions import reveal_resident
from gridgov.testing.world import SYSTEM

WHY = "入户核实"


def client_for(world, key):
    c = Client()
    c.force_login(world.users[key])
    return c


def notices(user, kind="reveals"):
    return Notification.objects.filter(user=user, kind=kind).count()


def test_the_21st_reveal_in_an_hour_is_refused_and_the_community_is_told_once(world):
    worker = world.user("worker_a1")
    people = [world.residents["tashi"], world.residents["zhang"]]
    for n in range(20):
        assert reveal_resident(people[n % 2], actor=worker, reason=WHY)["id_number"]
    for _ in range(2):
        with pytest.raises(TooMany, match="20") as refused:
            reveal_resident(people[0], actor=worker, reason=WHY)
        # ... and is told when they can again: when the first of the 20 leaves the hour
        assert "You can see more again in 60 minutes" in refused.value.message
        assert 3500 < refused.value.retry_after <= 3601
    assert AuditEntry.objects.filter(action=AuditAction.RESIDENT_REVEALED).count() == 20
    refused = AuditEntry.objects.filter(action=AuditAction.REVEAL_REFUSED)
    assert refused.count() == 2 and {e.actor_id for e in refused} == {worker.pk}
    # the community's staff over the worker's grid hear of it once, nobody else does
    assert notices(world.users["community_a"]) == 1
    notice = Notification.objects.get(kind=Kind.REVEALS)
    assert "worker_a1" in notice.text
    # which opens the audit trail on that worker's reveals, with their reasons
    assert notice.link == f"/audit/?actor=worker_a1&action={int(AuditAction.RESIDENT_REVEALED)}"
    for other in ["street_a", "worker_a1", "worker_a2", "leader", "admin", "street_b"]:
        assert notices(world.users[other]) == 0, other
    # another worker has a count of their own
    assert reveal_resident(world.residents["dawa"], actor=world.user("worker_a2"), reason=WHY)


def test_the_limit_is_a_setting_and_counts_residents_and_case_parties_together(world, settings):
    settings.GRIDGOV_REVEALS_PER_HOUR = 3
    d = world.regions["district"]
    court = Court.objects.create(code="J0402", name="巴宜区人民法院", region=d, region_path=d.path)
    both = account_actions.create_user("both", None, actor=SYSTEM, check_password=False)
    account_actions.assign_role(both, Role.GRID_WORKER, world.regions["grid_a1"], actor=SYSTEM)
    account_actions.assign_role(both, Role.COURT_OFFICER, d, actor=SYSTEM)
    case = file(
        world,
        court,
        parties=[
            PartyInput("applicant", "甲公司", "organisation"),
            PartyInput("respondent", "王伟", "person", world.residents["li"].id_number()),
        ],
    )
    wang = case.parties.get(name="王伟")
    both = User.objects.get(pk=both.pk)  # fresh: no cached roles
    reveal_resident(world.residents["tashi"], actor=both, reason=WHY)
    reveal_party(wang, actor=both, reason="发起财产查询")
    reveal_resident(world.residents["zhang"], actor=both, reason=WHY)
    with pytest.raises(TooMany):
        reveal_party(wang, actor=both, reason="发起财产查询")
    # the supervisors of the role it went through: leaders over the court officer
    assert notices(world.users["leader"]) == 1
    assert notices(world.users["community_a"]) == 0


@pytest.mark.parametrize(
    "reason", ["", "   ", "x", "核实", "a.b", "aaaa", "？？？？", None, "字" * 201]
)
def test_a_reveal_needs_a_reason_of_a_few_words(world, reason):
    with pytest.raises(Invalid):
        reveal_resident(world.residents["tashi"], actor=world.user("worker_a1"), reason=reason)
    assert not AuditEntry.objects.filter(action=AuditAction.RESIDENT_REVEALED).exists()
    assert not RateEvent.objects.exists()  # a refused reason is not counted either


def test_the_page_refuses_a_blank_reason_and_is_never_cached(world):
    tashi = world.residents["tashi"]
    c = client_for(world, "worker_a1")
    url = f"/people/residents/{tashi.pk}/reveal/"
    blank = c.post(url, {"reason": " "})
    assert blank.status_code == 400 and tashi.id_number() not in blank.content.decode()
    assert 'id="reveal-error"' in blank.content.decode()
    shown = c.post(url, {"reason": WHY})
    assert shown.status_code == 200 and tashi.id_number() in shown.content.decode()
    assert shown["Cache-Control"] == "no-store" and shown["Pragma"] == "no-cache"


def test_the_page_says_so_past_the_limit(world, settings):
    settings.GRIDGOV_REVEALS_PER_HOUR = 1
    tashi = world.residents["tashi"]
    c = client_for(world, "worker_a1")
    url = f"/people/residents/{tashi.pk}/reveal/"
    assert c.post(url, {"reason": WHY}).status_code == 200
    refused = c.post(url, {"reason": WHY})
    assert refused.status_code == 429 and tashi.id_number() not in refused.content.decode()


def test_a_case_party_page_reveal_is_never_cached(world):
    d = world.regions["district"]
    court = Court.objects.create(code="J0402", name="巴宜区人民法院", region=d, region_path=d.path)
    id_number = world.residents["li"].id_number()
    case = file(
        world,
        court,
        parties=[
            PartyInput("applicant", "甲公司", "organisation"),
            PartyInput("respondent", "王伟", "person", id_number),
        ],
    )
    wang = case.parties.get(name="王伟")
    c = client_for(world, "court_officer")
    url = f"/enforcement/cases/{case.pk}/do/reveal/"
    short = c.post(url, {"party": wang.pk, "reason": "查"})
    assert short.status_code == 400 and id_number not in short.content.decode()
    shown = c.post(url, {"party": wang.pk, "reason": "发起财产查询"})
    assert id_number in shown.content.decode()
    assert shown["Cache-Control"] == "no-store" and shown["Pragma"] == "no-cache"
