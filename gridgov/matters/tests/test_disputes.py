import datetime

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.core.errors import Forbidden, Invalid, NotFound
from gridgov.matters import disputes
from gridgov.matters.models import Matter, NextStep, Outcome, Tier
from gridgov.matters.tests.test_workflow import report

TODAY = timezone.localdate()


@pytest.fixture
def dispute(world):
    return report(
        world,
        category=world.categories["dispute"],
        attributes={"parties": 2},
        description="楼上漏水纠纷",
    )


def test_parties_and_a_successful_mediation(world, dispute):
    disputes.add_party(
        dispute, "扎西", "applicant", contact="13900000001", actor=world.user("worker_a1")
    )
    disputes.add_party(dispute, "张伟", "respondent", actor=world.user("worker_a1"))
    forces = disputes.mediation_forces(dispute)
    assert {u.username for u in forces} == {"worker_a1", "police_a1", "liaison_a1"}
    session = disputes.record_session(
        dispute,
        held_on=TODAY,
        mediators=forces[:2],
        outcome=Outcome.AGREEMENT,
        agreement="楼上负责维修，赔偿500元",
        follow_up_on=TODAY + datetime.timedelta(days=14),
        actor=world.user("worker_a1"),
    )
    d = dispute.dispute
    d.refresh_from_db()
    assert d.follow_up_on == TODAY + datetime.timedelta(days=14) and not d.referred_to_court
    assert session.mediators.count() == 2
    assert [p.contact_masked for p in d.parties.all()] == ["139****0001", ""]


def test_mediators_come_from_the_grids_forces(world, dispute):
    with pytest.raises(Invalid) as exc:
        disputes.record_session(
            dispute,
            held_on=TODAY,
            mediators=[world.user("worker_b1")],
            outcome=Outcome.AGREEMENT,
            agreement="x",
            actor="test",
        )
    assert exc.value.errors[0]["field"] == "mediators"


def test_failed_mediation_escalates_or_goes_to_court(world, dispute):
    police = world.user("police_a1")
    with pytest.raises(Invalid):  # a failure must say what happens next
        disputes.record_session(
            dispute, held_on=TODAY, mediators=[police], outcome=Outcome.FAILED, actor=police
        )
    disputes.record_session(
        dispute,
        held_on=TODAY,
        mediators=[police],
        outcome=Outcome.FAILED,
        next_step=NextStep.ESCALATE,
        actor=police,
    )
    assert Matter.objects.get(pk=dispute.pk).tier == Tier.COMMUNITY
    disputes.record_session(
        dispute,
        held_on=TODAY,
        mediators=[police],
        outcome=Outcome.FAILED,
        next_step=NextStep.COURT,
        actor=police,
    )
    assert dispute.dispute.__class__.objects.get(pk=dispute.pk).referred_to_court
    assert [e.transition for e in dispute.events.all()].count("mediation") == 2


def test_dispute_rules(world, dispute):
    other = report(world)  # a fire lane is not a dispute
    with pytest.raises(Invalid):
        disputes.add_party(other, "x", "applicant", actor="test")
    with pytest.raises(NotFound):
        disputes.add_party(dispute, "x", "applicant", actor=world.user("worker_b1"))
    with pytest.raises(Forbidden):
        disputes.add_party(dispute, "x", "applicant", actor=world.user("leader"))
    with pytest.raises(Invalid):
        disputes.record_session(
            dispute,
            held_on=TODAY + datetime.timedelta(days=1),
            mediators=[world.user("police_a1")],
            outcome=Outcome.AGREEMENT,
            agreement="x",
            actor="test",
        )


def test_dispute_section_on_the_matter_page(world, dispute):
    c = Client()
    c.force_login(world.users["worker_a1"])
    page = c.get(f"/matters/{dispute.code}/").content.decode()
    assert 'id="dispute"' in page and 'id="record-mediation"' in page
    assert (
        c.post(f"/matters/{dispute.code}/parties/", {"name": "达瓦", "side": "other"}).status_code
        == 302
    )
    bad = c.post(
        f"/matters/{dispute.code}/mediation/", {"held_on": TODAY.isoformat(), "outcome": "failed"}
    )
    assert bad.status_code == 400
    ok = c.post(
        f"/matters/{dispute.code}/mediation/",
        {
            "held_on": TODAY.isoformat(),
            "outcome": "agreement",
            "agreement": "和解",
            "mediators": [world.users["police_a1"].pk],
            "next_step": "none",
        },
    )
    assert ok.status_code == 302
    assert "和解" in c.get(f"/matters/{dispute.code}/").content.decode()
