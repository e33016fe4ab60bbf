"""Typical cases: published from closed cases, anonymised, on a public list."""

import datetime

import pytest
from django.test import Client

from gridgov.core.errors import Conflict, Forbidden
from gridgov.enforcement import cases, typical
from gridgov.enforcement.parties import PartyInput
from gridgov.testing.world import make_id_number

ID = make_id_number("540402", datetime.date(1980, 5, 1), 31)


@pytest.fixture
def closed_case(world):
    court = cases.create_court(world.regions["district"], "J0402", "巴宜区人民法院", actor="system")
    officer = world.user("court_officer")
    case = cases.file_case(
        court,
        number="（2026）藏0402执77号",
        kind="first",
        parties=[
            PartyInput("applicant", "王伟伟", "person"),
            PartyInput("applicant", "林芝雪域商贸有限公司", "organisation"),
            PartyInput("respondent", "王伟", "person", ID, "13908941234"),
        ],
        amount_fen=800_000,
        filed_on=datetime.date(2026, 3, 1),
        actor=officer,
    )
    return case


SUMMARY = (
    f"被执行人王伟（身份证号{ID}，电话13908941234）拖欠王伟伟及林芝雪域商贸有限公司货款。"
    "执行中，法院通过“一案一码”督促王伟缴纳案款，案件执行完毕。"
)


def test_published_anonymised_and_public(world, closed_case):
    officer = world.user("court_officer")
    with pytest.raises(Conflict):  # an open case is not published
        typical.publish(closed_case, "王伟拒不履行案", SUMMARY, actor=officer)
    case = cases.move(closed_case, "close", closure_type="settled", actor=officer)
    with pytest.raises(Forbidden):
        typical.publish(case, "标题", SUMMARY, actor=world.user("worker_a1"))
    t = typical.publish(case, "王伟拒不履行案", SUMMARY, actor=officer)
    assert t.title == "王某拒不履行案"
    public = Client()  # nobody logged in
    listing = public.get("/typical-cases/").content.decode()
    assert "王某拒不履行案" in listing
    page = public.get(f"/typical-cases/{t.pk}/").content.decode()
    for secret in ("王伟", ID, "13908941234"):
        assert secret not in page
    assert "王某" in page and "林芝雪域商贸有限公司" in page  # organisations keep their name
    typical.withdraw(t, actor=officer)
    assert public.get(f"/typical-cases/{t.pk}/").status_code == 404
    assert "王某拒不履行案" not in public.get("/typical-cases/").content.decode()


def spaced(number: str, sizes=(6, 8)) -> str:
    out, i = [], 0
    for size in sizes:
        out.append(number[i : i + size])
        i += size
    return " ".join([*out, number[i:]])


def wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c in "Xx" else c for c in text)


X_ID = make_id_number("540402", datetime.date(1990, 3, 7), 9)  # its check character is X
assert X_ID.endswith("X")


ORDINARY = "于2023年5月履行完毕，执行到位35.06万元，(2023)藏0402执123号。"


@pytest.mark.parametrize(
    "written",
    [
        X_ID[:-1] + "x",  # lower-case x
        wide(ID),  # full-width digits
        wide(X_ID[:-1] + "x"),
        spaced(ID),  # 540402 19800501 0313
        ID[:6] + "-" + ID[6:14] + "-" + ID[14:],
        "139-0894-1234",
        "139 0894 1234",
        "+86 139 0894 1234",
        "(+86)13908941234",
        "008613908941234",
        wide("13908941234"),
        "91540402MA6T1234XY",
        "91540402ma6t1234xy",
    ],
)
def test_published_text_loses_numbers_however_written(world, closed_case, written):
    officer = world.user("court_officer")
    case = cases.move(closed_case, "close", closure_type="settled", actor=officer)
    summary = f"被执行人王伟（证件{written}）{ORDINARY}"
    t = typical.publish(case, "案例", summary, actor=officer)
    page = Client().get(f"/typical-cases/{t.pk}/").content.decode()
    assert "（证件***）" in t.summary and written not in page
    # ordinary dates, amounts and case numbers are kept
    assert ORDINARY in page
