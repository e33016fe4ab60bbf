"""Agency linkage through the default file-drop connector: requests out (0600, the ID
inside), signed answers in, each applied once; forged, malformed, unknown and repeated
answers rejected with the reason kept and nothing changed."""

import datetime
import json
import stat

import pytest
from django.core.management import call_command
from django.test import Client

from gridgov.core.errors import Forbidden, Invalid
from gridgov.enforcement import cases, linkage
from gridgov.enforcement.models import AssetInquiry, InquiryState
from gridgov.enforcement.parties import PartyInput
from gridgov.notifications.models import Notification
from gridgov.testing.world import make_id_number

ID = make_id_number("540402", datetime.date(1980, 5, 1), 41)
FOUND = [{"kind": "deposit", "description": "农业银行林芝分行 活期", "amount_fen": 1_234_500}]


@pytest.fixture
def drop(settings, tmp_path):
    settings.GRIDGOV_LINKAGE_DIR = tmp_path
    return tmp_path


@pytest.fixture
def case(world):
    court = cases.create_court(world.regions["district"], "J0402", "巴宜区人民法院", actor="system")
    return cases.file_case(
        court,
        number="（2026）藏0402执88号",
        kind="first",
        parties=[
            PartyInput("applicant", "林芝雪域商贸有限公司", "organisation"),
            PartyInput("respondent", "王伟", "person", ID),
        ],
        amount_fen=800_000,
        filed_on=datetime.date(2026, 3, 1),
        actor=world.user("court_officer"),
    )


def respondent(case):
    return case.parties.get(role="respondent")


def test_inquiry_out_answer_in_once(world, case, drop):
    officer = world.user("court_officer")
    q = linkage.send_inquiry(respondent(case), "central_bank", actor=officer)
    out = drop / "outbox" / "central_bank" / f"{q.ref}.json"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text())["subject"]["id_number"] == ID
    assert ID not in q.request_enc
    linkage.answer(q.ref, FOUND)
    result = linkage.poll()
    assert result.accepted == [f"{q.ref}.json"] and not result.rejected
    q.refresh_from_db()
    assert q.state == InquiryState.ANSWERED and q.findings == FOUND
    assert (drop / "processed" / f"{q.ref}.json").exists()
    assert Notification.objects.filter(user=officer, kind="linkage").count() == 1
    # the same answer again: rejected, the first one stands
    linkage.answer(q.ref, [])
    again = linkage.poll()
    assert again.rejected == [(f"{q.ref}.json", "already answered")]
    q.refresh_from_db()
    assert q.findings == FOUND
    page = Client()
    page.force_login(world.users["court_officer"])
    assert "农业银行林芝分行" in page.get(f"/enforcement/cases/{case.pk}/").content.decode()


def test_forged_malformed_and_unknown_answers_are_rejected(world, case, drop, capsys):
    q = linkage.send_inquiry(respondent(case), "real_estate", actor=world.user("court_officer"))
    name = linkage.answer(q.ref, FOUND)
    path = drop / "inbox" / name
    tampered = json.loads(path.read_text())
    tampered["found"][0]["amount_fen"] = 99  # changed after signing
    path.write_text(json.dumps(tampered, ensure_ascii=False))
    (drop / "inbox" / "garbage.json").write_text("{not json")
    unknown = {"ref": "nope", "agency": "real_estate", "answered_at": "x", "found": []}
    unknown["signature"] = linkage.sign("real_estate", unknown)
    (drop / "inbox" / "unknown.json").write_text(json.dumps(unknown))
    call_command("linkage", "poll")
    err = capsys.readouterr().err
    assert "bad signature" in err and "malformed answer" in err and "no such inquiry" in err
    q.refresh_from_db()
    assert q.state == InquiryState.SENT and q.findings == []
    assert (drop / "rejected" / f"{name}.reason.txt").read_text().strip() == "bad signature"
    assert not list((drop / "inbox").glob("*.json"))


def test_who_and_about_whom(world, case, drop):
    applicant = case.parties.get(role="applicant")
    with pytest.raises(Invalid):
        linkage.send_inquiry(applicant, "vehicles", actor=world.user("court_officer"))
    with pytest.raises(Invalid):
        linkage.send_inquiry(respondent(case), "astrologer", actor=world.user("court_officer"))
    with pytest.raises(Forbidden):
        linkage.send_inquiry(respondent(case), "vehicles", actor=world.user("court_finance"))
    assert not AssetInquiry.objects.exists() and not (drop / "outbox").exists()
