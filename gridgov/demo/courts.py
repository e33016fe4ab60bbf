"""Demo court enforcement: the courts of Linzhi with two years of case history whose 2023
figures are the page's (3.44万 received, +8,967 (+35.24 %) on 2022, 3.12万 closed,
综合执结率 90.94 %, 法定期限内结案率 99.25 %, 35.06亿元 recovered (+5.54亿); 297 cases
pending over a year cut to 12 by 清积案 (95.96 % closed); 雷霆2023: 42 property penalties,
1.64亿元; 43 hard cases assigned to other courts), and a handful of live 2026 cases with
payment codes, payments, payees and payouts made through the real actions.

History is loaded in bulk — it is an import of closed years, not a re-enactment — with one
audit entry per case; the live cases go through the same code as the pages.

How the page's figures are met (received = carried over + new; see enforcement/kpis.py):
2022: 2,100 carried over + 23,345 new = 25,445 received, 22,033 closed.
2023: 3,412 carried over + 31,000 new = 34,412 received (+8,967, +35.24 %), 31,294 closed
(90.94 %; the page's 3.12万 is 31,294 cut, not rounded), 31,059 within the limit (99.25 %).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from gridgov.core import audit
from gridgov.core.models import AuditAction
from gridgov.demo.build import id_number, phone
from gridgov.demo.names import person
from gridgov.enforcement import cases as case_actions
from gridgov.enforcement import ledger, linkage, payments, payouts, simulator, typical, unclaimed
from gridgov.enforcement.models import (
    Agency,
    BasisKind,
    CaseKind,
    CaseParty,
    CaseState,
    ClosureType,
    Court,
    CrossCourtAssignment,
    EnforcementCase,
    PartyKind,
    PartyRole,
    Recovery,
    RecoveryMeans,
    Suspension,
)
from gridgov.enforcement.parties import PartyInput
from gridgov.regions import actions as regions
from gridgov.regions.models import Level

ACTOR = "system:demo"
D = datetime.date

# code, name, region (None: the city), case-number prefix, share of cases
COURTS = [
    ("lz-zy", "林芝市中级人民法院", None, "藏04", 0.18),
    ("lz-by", "巴宜区人民法院", "540402", "藏0402", 0.42),
    ("lz-ml", "米林市人民法院", "540481", "藏0481", 0.22),
    ("lz-gb", "工布江达县人民法院", "540421", "藏0421", 0.18),
]
COUNTIES = [("540481", "米林市"), ("540421", "工布江达县")]

CARRIED_2022, NEW_2022, CLOSED_2022 = 2_100, 23_345, 22_033
NEW_2023, CLOSED_2023, WITHIN_2023 = 31_000, 31_294, 31_059
OLD_PENDING, OLD_LEFT = 297, 12  # pending > 1 year on 2023-01-01, and on 2023-12-31
THUNDER, THUNDER_FEN = 42, 164_000_000 * 100
RECOVERED_2022_FEN, RECOVERED_2023_FEN = 2_952_000_000 * 100, 3_506_000_000 * 100
ASSIGNED = 43

CLOSURES = [
    (ClosureType.COMPLETED, 50),
    (ClosureType.TERMINATED_THIS_TIME, 32),
    (ClosureType.SETTLED, 10),
    (ClosureType.TERMINATED, 4),
    (ClosureType.WITHDRAWN, 2),
    (ClosureType.DISMISSED, 1),
    (ClosureType.NOT_ENFORCED, 1),
]
COMPANIES = [
    "林芝{}建筑工程有限公司",
    "西藏{}商贸有限公司",
    "林芝{}旅游开发有限公司",
    "{}农牧民专业合作社",
    "林芝{}运输有限公司",
]
COMPANY_WORDS = "雪域 尼洋 鲁朗 色季拉 雅鲁 工布 南迦 巴松 苯日 羌纳 米瑞 布久".split()


class _Gen:
    def __init__(self, rng: random.Random, courts: list[Court], prefixes: dict[int, str]):
        self.rng, self.courts, self.prefixes = rng, courts, prefixes
        self.weights = [c[4] for c in COURTS]
        self.numbers: dict[tuple[int, int, str], int] = {}
        self.rows: list[dict] = []

    def party(self) -> str:
        if self.rng.random() < 0.35:
            word = self.rng.choice(COMPANY_WORDS)
            return self.rng.choice(COMPANIES).format(word)
        return person(self.rng)[0]

    def day(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def case(self, filed_on, *, kind=CaseKind.FIRST, court=None) -> dict:
        court = court or self.rng.choices(self.courts, self.weights)[0]
        word = {CaseKind.RESUMED: "执恢", CaseKind.PRESERVATION: "执保"}.get(kind, "执")
        key = (court.pk, filed_on.year, word)
        self.numbers[key] = self.numbers.get(key, 0) + 1
        amount = int(self.rng.lognormvariate(11.2, 1.3)) * 100 + self.rng.randint(0, 99)
        row = {
            "court": court,
            "number": f"（{filed_on.year}）{self.prefixes[court.pk]}{word}{self.numbers[key]}号",
            "kind": kind,
            "filed_on": filed_on,
            "amount_fen": max(amount, 50_000),
            "basis_kind": BasisKind.NON_LITIGATION
            if self.rng.random() < 0.05
            else BasisKind.LITIGATION,
            "suspensions": [],
            "closed_on": None,
            "closure_type": "",
            "recovered": 0,
            "tags": [],
        }
        self.rows.append(row)
        return row

    def random_kind(self):
        x = self.rng.random()
        if x < 0.86:
            return CaseKind.FIRST
        return CaseKind.RESUMED if x < 0.95 else CaseKind.PRESERVATION

    def close(self, row, on, mode="as_is", closure=None):
        """Closes `row` on `on`; mode "late" moves `on` past the limit, "within" before it,
        "as_is" keeps it and records whether it met the limit."""
        limit = case_actions.deadline_for(
            row["filed_on"], row["basis_kind"], row["suspensions"], 0, on
        )
        if mode == "late" and on <= limit:
            on = limit + datetime.timedelta(days=self.rng.randint(5, 60))
        elif mode == "within" and on > limit:
            on = self.day(row["filed_on"] + datetime.timedelta(days=7), limit)
        row["closed_on"] = on
        row["within"] = on <= limit
        row["closure_type"] = (
            closure or self.rng.choices([c for c, _ in CLOSURES], [w for _, w in CLOSURES])[0]
        )
        share = {
            ClosureType.COMPLETED: 1.0,
            ClosureType.SETTLED: self.rng.uniform(0.5, 1.0),
            ClosureType.TERMINATED_THIS_TIME: self.rng.uniform(0.0, 0.3),
        }.get(row["closure_type"], 0.0)
        row["recovered"] = int(row["amount_fen"] * share)

    def closing_day(self, row, mean_days: float) -> datetime.date:
        """A plausible closing day: most cases close within weeks, a tail takes months."""
        limit_days = 85 if row["basis_kind"] == BasisKind.NON_LITIGATION else 175
        days = min(5 + int(self.rng.expovariate(1 / mean_days)), limit_days)
        return row["filed_on"] + datetime.timedelta(days=days)

    def close_earliest(self, rows, n, year_end, mean_days):
        """Closes the `n` of `rows` that would naturally close first (by `year_end` at the
        latest); returns the rest."""
        natural = sorted(((self.closing_day(r, mean_days), i) for i, r in enumerate(rows)))
        for on, i in natural[:n]:
            self.close(rows[i], min(on, year_end), "within")
        for on, i in natural[n:]:
            rows[i]["natural"] = on
        return [rows[i] for _on, i in natural[n:]]


def _scale(rows: list[dict], total: int, year: int) -> None:
    """Scales the recoveries dated in `year` (and the amounts applied for with them) so
    they add up to `total` fen exactly."""
    chosen = [r for r in rows if r["recovered"] and r["closed_on"].year == year]
    raw = sum(r["recovered"] for r in chosen)
    factor = total / raw
    for r in chosen:
        r["recovered"] = int(r["recovered"] * factor)
        r["amount_fen"] = max(int(r["amount_fen"] * factor), r["recovered"])
    rest = total - sum(r["recovered"] for r in chosen)
    full = max(
        (r for r in chosen if r["closure_type"] == ClosureType.COMPLETED),
        key=lambda r: r["amount_fen"],
    )
    full["recovered"] += rest
    full["amount_fen"] += rest


def history(rng: random.Random, courts: list[Court], prefixes) -> _Gen:
    g = _Gen(rng, courts, prefixes)
    y21_end, y22, y22_end = D(2021, 12, 31), D(2022, 1, 1), D(2022, 12, 31)
    y23, y23_end = D(2023, 1, 1), D(2023, 12, 31)

    # Carried into 2022: filed in 2021; 297 of them are still open on 2023-01-01, kept
    # alive by long suspensions (property being traced, a bankruptcy, an appeal).
    carried = [
        g.case(g.day(D(2021, 3, 1), y21_end), kind=g.random_kind()) for _ in range(CARRIED_2022)
    ]
    carried.sort(key=lambda r: r["filed_on"])
    old = carried[:OLD_PENDING]
    for row in old:
        start = row["filed_on"] + datetime.timedelta(days=rng.randint(20, 60))
        end = D(2023, 1, 1) + datetime.timedelta(days=rng.randint(5, 45))
        row["suspensions"].append((start, end))
        row["tags"].append("qingjian")
    for row in carried[OLD_PENDING:]:
        g.close(row, g.day(y22, D(2022, 5, 31)))

    new22 = [g.case(g.day(y22, y22_end), kind=g.random_kind()) for _ in range(NEW_2022)]
    open22 = g.close_earliest(new22, CLOSED_2022 - (CARRIED_2022 - OLD_PENDING), y22_end, 43)

    # 2023: 285 of the 297 old cases closed by 清积案, 12 left; every 2022 case closed; of
    # the new cases, enough closed to reach 31,294, with 235 closings in all past the limit.
    for row in old[OLD_LEFT:]:
        g.close(row, g.day(D(2023, 2, 1), D(2023, 6, 30)))
    for row in open22:  # on their natural day, a few days into 2023 at the earliest
        g.close(
            row, max(row["natural"], D(2023, 1, 2) + datetime.timedelta(days=rng.randint(0, 9)))
        )
    thunder = [
        g.case(g.day(D(2023, 3, 1), D(2023, 6, 30)), kind=CaseKind.PROPERTY_PENALTY)
        for _ in range(THUNDER)
    ]
    for row in thunder:
        g.close(row, g.closing_day(row, 60), "within", closure=ClosureType.COMPLETED)
        row["tags"].append("leiting2023")
    new23 = [g.case(g.day(y23, y23_end), kind=g.random_kind()) for _ in range(NEW_2023 - THUNDER)]
    new23.sort(key=lambda r: r["filed_on"])
    closing23 = CLOSED_2023 - (OLD_PENDING - OLD_LEFT) - len(open22) - THUNDER
    already_late = sum(1 for r in old[OLD_LEFT:] + open22 if not r["within"])
    late = CLOSED_2023 - WITHIN_2023 - already_late
    for row in new23[:late]:  # early-filed cases that ran past their limit
        g.close(row, row["filed_on"] + datetime.timedelta(days=190), "late")
    open23 = g.close_earliest(new23[late:], closing23 - late, y23_end, 31)
    # The rest of 2023's cases close in 2024, but for a few still open today.
    for row in open23[:-15]:
        g.close(row, g.day(D(2024, 1, 2), D(2024, 5, 31)))
    for row in open23[-15:]:  # suspended since: the respondent's property is being traced
        start = row["filed_on"] + datetime.timedelta(days=rng.randint(30, 90))
        row["suspensions"].append((start, None))
    for row in old[:OLD_LEFT]:
        row["suspensions"][0] = (row["suspensions"][0][0], None)  # still suspended

    _scale([r for r in g.rows if "leiting2023" not in r["tags"]], RECOVERED_2022_FEN, 2022)
    _scale(thunder, THUNDER_FEN, 2023)
    _scale(
        [r for r in g.rows if "leiting2023" not in r["tags"]],
        RECOVERED_2023_FEN - THUNDER_FEN,
        2023,
    )
    return g


def _save(g: _Gen, courts: list[Court], officer, log) -> list[EnforcementCase]:
    rng = g.rng
    objs = []
    for row in g.rows:
        closed = row["closed_on"] is not None
        suspended = bool(row["suspensions"]) and row["suspensions"][-1][1] is None
        objs.append(
            EnforcementCase(
                court=row["court"],
                region_path=row["court"].region_path,
                number=row["number"],
                kind=row["kind"],
                applicant=g.party(),
                respondent=g.party(),
                amount_fen=row["amount_fen"],
                filed_on=row["filed_on"],
                basis="民事判决书" if row["basis_kind"] == BasisKind.LITIGATION else "公证债权文书",
                basis_kind=row["basis_kind"],
                has_property=row["recovered"] > 0,
                officer=officer,
                state=CaseState.CLOSED
                if closed
                else CaseState.SUSPENDED
                if suspended
                else CaseState.ENFORCING,
                closure_type=row["closure_type"],
                closed_on=row["closed_on"],
                closed_within_limit=row.get("within") if closed else None,
            )
        )
    EnforcementCase.objects.bulk_create(objs, batch_size=2000)
    objs = list(EnforcementCase.objects.order_by("-id")[: len(g.rows)])[::-1]  # just made
    by_number = {c.number: c for c in objs}
    suspensions, recoveries = [], []
    for row in g.rows:
        case = by_number[row["number"]]
        row["obj"] = case
        for start, end in row["suspensions"]:
            suspensions.append(
                Suspension(case=case, start=start, end=end, reason="查控财产中 / 破产程序")
            )
        if row["recovered"]:
            means = rng.choice(
                [RecoveryMeans.DIRECT, RecoveryMeans.AUCTION, RecoveryMeans.DEDUCTION]
            )
            recoveries.append(
                Recovery(case=case, amount_fen=row["recovered"], on=row["closed_on"], means=means)
            )
    CaseParty.objects.bulk_create(
        [
            CaseParty(
                case=row["obj"],
                role=role,
                kind=case_actions.guess_kind(name),
                name=name,
                position=0,
            )
            for row, c in zip(g.rows, objs, strict=True)
            for role, name in (
                (PartyRole.APPLICANT, c.applicant),
                (PartyRole.RESPONDENT, c.respondent),
            )
        ],
        batch_size=4000,
    )
    Suspension.objects.bulk_create(suspensions, batch_size=2000)
    Recovery.objects.bulk_create(recoveries, batch_size=2000)
    audit.record_many(
        [
            audit.Change(
                action=AuditAction.CASE_FILED,
                obj=c,
                after={"imported": True, "state": c.state, "closed_on": c.closed_on},
            )
            for c in objs
        ],
        actor=ACTOR,
    )
    log(f"  {len(objs):,} historical cases, {len(recoveries):,} recoveries")
    return objs


def _assign_hard_cases(g: _Gen, courts: list[Court], actor) -> None:
    """43 hard 2023 cases assigned to another court (as the higher court did that year)."""
    rng = g.rng
    county = courts[1:]
    hard = [
        r
        for r in g.rows
        if r["filed_on"].year == 2023 and r["court"] in county and r["kind"] == CaseKind.FIRST
    ]
    for row in rng.sample(hard, ASSIGNED):
        case = row["obj"]
        target = rng.choice([c for c in courts if c.pk != case.court_id])
        if case.state == CaseState.CLOSED:
            # assigned while it was open; record it as it happened that year
            record = CrossCourtAssignment.objects.create(
                case=case,
                from_court=case.court,
                to_court=target,
                reason="被执行人在原法院辖区外有财产，异地交叉执行",
            )
            EnforcementCase.objects.filter(pk=case.pk).update(
                court=target, region_path=target.region_path
            )
        else:
            record = case_actions.assign_to_court(
                case, target, "被执行人在原法院辖区外有财产，异地交叉执行", actor=actor
            )
        when = datetime.datetime.combine(
            row["filed_on"] + datetime.timedelta(days=20), datetime.time(10), tzinfo=datetime.UTC
        )
        CrossCourtAssignment.objects.filter(pk=record.pk).update(created_at=when)


TYPICAL = [
    (
        "“一案一码”助力案款精准到账",
        "被执行人{r}拖欠{a}工程款。执行法官向其送达载有案件专属二维码的缴款通知，"
        "{r}当日扫码缴纳全部案款，资金自动进入本案账户，三日内发放给申请执行人，案件执行完毕。",
    ),
    (
        "异地交叉执行破解“执行难”",
        "被执行人{r}名下财产位于原法院辖区外，执行长期受阻。经上级法院指定异地交叉执行，"
        "承办法院查控其银行存款并依法扣划，申请执行人{a}的债权全部实现。",
    ),
    (
        "职务犯罪财产刑应执尽执",
        "“雷霆2023”专项行动中，法院对{r}职务犯罪案件刑事裁判涉财产部分全面核查，"
        "依法执行罚金及追缴违法所得，执行到位款项全部上缴国库。",
    ),
]


def _typical(g: _Gen, actor) -> None:
    """Three closed cases published as typical cases, anonymised on publishing."""
    picks = [
        next(
            r
            for r in g.rows
            if r["closure_type"] == ClosureType.COMPLETED and r["kind"] == CaseKind.FIRST
        ),
        next(r for r in g.rows if r["closure_type"] == ClosureType.SETTLED),
        next(r for r in g.rows if "leiting2023" in r["tags"]),
    ]
    for (title, text), row in zip(TYPICAL, picks, strict=True):
        case = row["obj"]
        typical.publish(case, title, text.format(r=case.respondent, a=case.applicant), actor=actor)


def _campaigns(g: _Gen, city_court: Court, actor) -> None:
    specs = [
        (
            "qingjian",
            "清积案、提质效",
            "全区法院超1年未结案件清理专项行动",
            D(2023, 1, 1),
            D(2023, 12, 31),
        ),
        (
            "leiting2023",
            "雷霆2023",
            "职务犯罪案件刑事裁判涉财产部分执行专项行动",
            D(2023, 3, 1),
            D(2023, 12, 31),
        ),
    ]
    for code, name, description, start, end in specs:
        campaign = case_actions.create_campaign(
            city_court, code, name, start, end, actor=actor, description=description
        )
        tagged = [r["obj"] for r in g.rows if code in r["tags"]]
        campaign.cases.add(*tagged)
        audit.record(
            AuditAction.CASE_TAGGED,
            actor=actor,
            obj=campaign,
            after={"campaign": code, "cases": len(tagged)},
        )


DEPOSIT = {"kind": "存款", "description": "农业银行林芝分行 活期账户", "amount_fen": 3_260_000}


def _pay_unknown(provider: str, secret: str, amount_fen: int, txn: str) -> None:
    headers, body = simulator.notice(secret, "UNKNOWN00", amount_fen, txn_id=txn)
    payments.handle_notice(
        provider, headers["X-Gridgov-Timestamp"], headers["X-Gridgov-Signature"], body
    )


def _unclaimed_elsewhere(courts: list[Court]) -> None:
    """Money with an unknown code on Mainling's account and on a provider of no court: the
    Bayi desk sees neither; `finance-city` sees both (and Bayi's)."""
    provider, secret = payments.create_provider("demo-bank-ml", actor=ACTOR)
    unclaimed.attribute_provider(provider, courts[2], actor=ACTOR)
    _pay_unknown("demo-bank-ml", secret, 88_000, "demo-ml-unknown")
    _provider, secret = payments.create_provider("demo-unionpay", actor=ACTOR)
    _pay_unknown("demo-unionpay", secret, 26_600, "demo-up-unknown")


def _live(rng: random.Random, court: Court, officer, finance, log) -> None:
    """2026 cases worked through the real actions: codes, signed payments, payees, payouts."""
    provider, secret = payments.create_provider("demo-bank", actor=ACTOR)
    unclaimed.attribute_provider(provider, court, actor=ACTOR)  # Bayi's account
    today = timezone.localdate()
    made, used = [], set()
    for i in range(1, 13):
        filed = today - datetime.timedelta(days=rng.randint(10, 170))
        birth = D(1960, 1, 1) + datetime.timedelta(days=rng.randint(0, 15_000))
        respondents = [
            PartyInput(
                PartyRole.RESPONDENT,
                person(rng)[0],
                PartyKind.PERSON,
                id_number(rng, used, birth),
                phone(rng, used),
            )
            for _ in range(1 + (i % 4 == 0))
        ]
        applicant = rng.choice(COMPANIES).format(rng.choice(COMPANY_WORDS))
        case = case_actions.file_case(
            court,
            number=f"（{today.year}）藏0402执{900 + i}号",
            kind=CaseKind.FIRST,
            parties=[
                PartyInput(PartyRole.APPLICANT, applicant, PartyKind.ORGANISATION),
                *respondents,
            ],
            amount_fen=8_000_000 if i == 1 else rng.randint(20, 400) * 100_00,
            filed_on=filed,
            actor=officer,
            basis="民事判决书",
        )
        case_actions.move(case, "start", actor=officer, on=filed + datetime.timedelta(days=3))
        made.append(case)
    for n, case in enumerate(made[:8]):
        code = payments.new_code(case, case.amount_fen, actor=officer)
        paid = case.amount_fen if n % 3 == 0 else case.amount_fen // 2
        headers, body = simulator.notice(secret, code.code, paid, txn_id=f"demo-{n:04d}")
        payments.handle_notice(
            "demo-bank", headers["X-Gridgov-Timestamp"], headers["X-Gridgov-Signature"], body
        )
        payee = payouts.add_payee(
            case, case.applicant, "中国农业银行林芝分行", f"62284800{n:011d}", actor=officer
        )
        if n < 5:
            payouts.verify_payee(payee, actor=finance)
            payouts.request_payout(case, payee, paid, actor=officer)
    # money for a code nobody knows: waits in Bayi's suspense for its finance to assign it
    _pay_unknown("demo-bank", secret, 150_000, "demo-unknown")
    case_actions.move(made[-1], "suspend", actor=officer, reason="被执行人下落不明，查找中")
    # asset inquiries: two answered by the agencies (through the file drop), one waiting
    for case, agency, found in [
        (
            made[8],
            Agency.CENTRAL_BANK,
            [{"kind": "存款", "description": "农业银行林芝分行 活期账户", "amount_fen": 3_260_000}],
        ),
        (made[8], Agency.VEHICLES, []),
        (made[9], Agency.REAL_ESTATE, None),
    ]:
        party = case.parties.filter(role=PartyRole.RESPONDENT).first()
        inquiry = linkage.send_inquiry(party, agency, actor=officer)
        if found is not None:
            linkage.answer(inquiry.ref, found)
    linkage.poll()
    log(f"  {len(made)} live cases, ledger check: {'ok' if ledger.check().ok else 'FAILED'}")


def build(city, district, users: dict, rng: random.Random, log=print) -> None:
    with transaction.atomic():
        places = {"540402": district}
        for code, name in COUNTIES:
            places[code] = regions.create_region(city, Level.DISTRICT, code, name, actor=ACTOR)
        courts, prefixes = [], {}
        for code, name, place, prefix, _share in COURTS:
            region = places[place] if place else city
            court = case_actions.create_court(region, code, name, actor=ACTOR)
            courts.append(court)
            prefixes[court.pk] = prefix
        g = history(rng, courts, prefixes)
        _save(g, courts, users["court"], log)
        _assign_hard_cases(g, courts, users["court-city"])
        _campaigns(g, courts[0], users["court-city"])
        _typical(g, users["court-city"])
    with transaction.atomic():
        _live(rng, courts[1], users["court"], users["finance"], log)
        _unclaimed_elsewhere(courts)
