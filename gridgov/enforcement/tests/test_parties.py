"""Several applicants and respondents per case; their personal data protected as in base
data: encrypted at rest, masked on pages, found by exact ID, revealed only with a reason."""

import datetime

import pytest
from django.db import connection
from django.test import Client

from gridgov.core.errors import Invalid
from gridgov.core.models import AuditAction, AuditEntry
from gridgov.enforcement import cases
from gridgov.enforcement.models import CaseParty, EnforcementCase
from gridgov.enforcement.parties import PartyInput
from gridgov.testing.world import make_id_number

ID_1 = make_id_number("540402", datetime.date(1980, 5, 1), 21)
ID_2 = make_id_number("540402", datetime.date(1975, 2, 3), 22)


@pytest.fixture
def court(world):
    return cases.create_court(world.regions["district"], "J0402", "巴宜区人民法院", actor="system")


def file(world, court, parties, number="（2026）藏0402执50号"):
    return cases.file_case(
        court,
        number=number,
        kind="first",
        parties=parties,
        amount_fen=500_000,
        filed_on=datetime.date(2026, 5, 1),
        actor=world.user("court_officer"),
    )


PARTIES = [
    PartyInput("applicant", "林芝雪域商贸有限公司", "organisation", "91540400MA6T1234X5"),
    PartyInput("respondent", "王伟", "person", ID_1, "13908941234"),
    PartyInput("respondent", "次仁卓玛", "person", ID_2),
]


def test_two_respondents_stored_encrypted_and_shown_masked(world, court):
    case = file(world, court, PARTIES)
    assert case.applicant == "林芝雪域商贸有限公司" and case.respondent.startswith("王伟")
    assert case.parties.count() == 3
    with connection.cursor() as cur:
        cur.execute("SELECT id_enc, id_masked, phone_enc FROM enforcement_caseparty")
        raw = " ".join(" ".join(r) for r in cur.fetchall())
    assert ID_1 not in raw and "13908941234" not in raw and ID_1[:6] + "********" in raw
    officer = Client()
    officer.force_login(world.users["court_officer"])
    page = officer.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "王伟" in page and "次仁卓玛" in page and ID_1 not in page and "139****1234" in page
    # found by the exact ID number (blind index), not by a part of it
    assert case.number in officer.get("/enforcement/", {"q": ID_2}).content.decode()
    assert case.number not in officer.get("/enforcement/", {"q": ID_2[:-1] + "0"}).content.decode()


def test_revealing_needs_a_reason_and_is_audited(world, court):
    case = file(world, court, PARTIES)
    wang = case.parties.get(name="王伟")
    officer = Client()
    officer.force_login(world.users["court_officer"])
    url = f"/enforcement/cases/{case.pk}/do/reveal/"
    no_reason = officer.post(url, {"party": wang.pk, "reason": " "})
    assert no_reason.status_code == 400 and ID_1 not in no_reason.content.decode()
    shown = officer.post(url, {"party": wang.pk, "reason": "发起财产查询"})
    assert ID_1 in shown.content.decode() and "13908941234" in shown.content.decode()
    entry = AuditEntry.objects.filter(action=AuditAction.CASE_PARTY_REVEALED).get()
    assert (
        entry.after["reason"] == "发起财产查询"
        and entry.actor_id == world.users["court_officer"].pk
    )
    finance = Client()
    finance.force_login(world.users["court_finance"])
    assert finance.post(url, {"party": wang.pk, "reason": "x"}).status_code == 403


def test_bad_parties_are_listed_and_nothing_is_filed(world, court):
    bad = [
        PartyInput("applicant", "甲公司", "organisation", "123"),
        PartyInput("respondent", "", "person"),
        PartyInput("respondent", "李四", "person", ID_1[:-1] + ("0" if ID_1[-1] != "0" else "1")),
    ]
    with pytest.raises(Invalid) as exc:
        file(world, court, bad)
    assert {e["row"] for e in exc.value.errors} == {1, 2, 3}
    with pytest.raises(Invalid, match="at least one applicant"):
        file(world, court, [PartyInput("respondent", "王伟")])
    assert not EnforcementCase.objects.exists() and not CaseParty.objects.exists()


def test_filing_a_case_on_the_page(world, court):
    officer = Client()
    officer.force_login(world.users["court_officer"])
    assert 'id="file-link"' in officer.get("/enforcement/").content.decode()
    form = {
        "court": court.pk,
        "number": "（2026）藏0402执60号",
        "kind": "first",
        "basis_kind": "litigation",
        "basis": "（2025）藏0402民初1号民事判决书",
        "amount": "12,345.60",
        "filed_on": "2026-05-01",
        "applicant_name_1": "林芝雪域商贸有限公司",
        "applicant_kind_1": "organisation",
        "respondent_name_1": "王伟",
        "respondent_kind_1": "person",
        "respondent_id_1": ID_1[:-1] + ("0" if ID_1[-1] != "0" else "1"),  # a typo
        "respondent_name_2": "次仁卓玛",
        "respondent_kind_2": "person",
    }
    refused = officer.post("/enforcement/new/", form)
    assert refused.status_code == 400 and not EnforcementCase.objects.exists()
    page = refused.content.decode()
    assert "次仁卓玛" in page and "12,345.60" in page  # nothing typed is lost
    made = officer.post("/enforcement/new/", {**form, "respondent_id_1": ID_1})
    assert made.status_code == 302
    case = EnforcementCase.objects.get()
    assert case.amount_fen == 1_234_560 and case.parties.count() == 3
    assert case.parties.get(name="王伟").id_masked == ID_1[:6] + "********" + ID_1[-4:]
    finance = Client()
    finance.force_login(world.users["court_finance"])
    assert finance.get("/enforcement/new/").status_code == 403
