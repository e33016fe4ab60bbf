"""JSON API for court enforcement: cases, their steps and recoveries, key figures and
campaigns — the same actions and scoping as the pages. Money is integer fen."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from gridgov.accounts import roles
from gridgov.api.paging import page_of
from gridgov.core.errors import Invalid, NotFound
from gridgov.core.parsing import Day, Fen, Id, text_of
from gridgov.core.scoping import get_visible
from gridgov.core.validators import check_period

from . import cases, kpis, ledger, payments, payouts
from .kpi_views import kpi_scope
from .models import Campaign, CaseState, Court, EnforcementCase, Payee, Payout
from .parties import PartyInput

router = Router(tags=["enforcement"])


def _reader(user) -> list[str]:
    paths = roles.read_paths(user, "enforcement")
    if not paths:
        raise PermissionDenied(_("Your role does not work on enforcement cases."))
    return paths


class PartyIn(Schema):
    role: text_of(12)
    name: text_of(100)
    kind: text_of(12) = "person"
    id_number: text_of(18) = ""
    phone: text_of(20) = ""


class PartyOut(Schema):
    role: str
    kind: str
    name: str
    id_masked: str
    phone_masked: str


class CaseIn(Schema):
    court: text_of(16)
    number: text_of(64)
    kind: text_of(20)
    applicant: text_of(100) = ""
    respondent: text_of(100) = ""
    parties: Annotated[list[PartyIn], Field(max_length=50)] | None = None
    amount_fen: Fen
    filed_on: Day
    basis: text_of(200) = ""
    basis_kind: text_of(20) = "litigation"


class CaseOut(Schema):
    id: int
    number: str
    court: str
    kind: str
    state: str
    applicant: str
    respondent: str
    amount_fen: int
    filed_on: datetime.date
    deadline: datetime.date
    days_left: int | None
    closure_type: str
    closed_on: datetime.date | None
    closed_within_limit: bool | None
    balance_fen: int
    campaigns: list[str]
    parties: list[PartyOut]


class CasePage(Schema):
    count: int
    items: list[CaseOut]


class StepIn(Schema):
    reason: text_of(200) = ""
    closure_type: text_of(20) = ""
    on: Day | None = None


class RecoveryIn(Schema):
    amount_fen: Fen
    means: text_of(16)
    on: Day | None = None
    note: text_of(200) = ""


class RecoveryOut(Schema):
    id: int
    amount_fen: int
    means: str
    on: datetime.date


class EnforcementKpiOut(Schema):
    start: datetime.date
    end: datetime.date
    received: int
    carried_over: int
    new: int
    closed: int
    closure_rate: float | None
    within_limit_rate: float | None
    actual_rate: float | None
    terminated_this_time_rate: float | None
    recovered_fen: int
    recovery_rate: float | None
    pending_over_year: int
    long_pending: list[str]


class CampaignOut(Schema):
    code: str
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    cases: int
    closed: int
    closure_rate: float | None
    recovered_fen: int


def case_out(case: EnforcementCase, balance: int, today: datetime.date) -> dict:
    closed = case.state == CaseState.CLOSED
    return {
        "id": case.pk,
        "number": case.number,
        "court": case.court.code,
        "kind": case.kind,
        "state": case.state,
        "applicant": case.applicant,
        "respondent": case.respondent,
        "amount_fen": case.amount_fen,
        "filed_on": case.filed_on,
        "deadline": cases.deadline(case, case.closed_on or today),
        "days_left": None if closed else cases.days_left(case, today),
        "closure_type": case.closure_type,
        "closed_on": case.closed_on,
        "closed_within_limit": case.closed_within_limit,
        "balance_fen": balance,
        "campaigns": [c.code for c in case.campaigns.all()],
        "parties": [
            {
                "role": p.role,
                "kind": p.kind,
                "name": p.name,
                "id_masked": p.id_masked,
                "phone_masked": p.phone_masked,
            }
            for p in case.parties.all()
        ],
    }


def _cases():
    """Cases with what case_out reads, so that a page of them costs a fixed few queries."""
    return EnforcementCase.objects.select_related("court").prefetch_related(
        "suspensions", "extensions", "campaigns", "parties"
    )


def _fetch(user, pk: int) -> EnforcementCase:
    _reader(user)
    return get_visible(_cases(), user, pk=pk)


def _one(case: EnforcementCase) -> dict:
    return case_out(case, ledger.balance(ledger.case_account(case)), timezone.localdate())


@router.get("/enforcement/cases", response=CasePage)
def list_cases(
    request, state: str = "", q: str = "", court: str = "", limit: int = 50, offset: int = 0
):
    _reader(request.user)
    qs = _cases().visible_to(request.user).order_by("-filed_on", "-id")
    if state:
        if state not in CaseState.values:
            raise Invalid(_("No such state."))
        qs = qs.filter(state=state)
    if q.strip():
        qs = qs.filter(cases.number_q(q, "number__contains"))
    if court:
        qs = qs.filter(court__code=court)
    found = page_of(qs, limit, offset, lambda c: c)
    money, today = ledger.case_balances([c.pk for c in found["items"]]), timezone.localdate()
    found["items"] = [case_out(c, money.get(c.pk, 0), today) for c in found["items"]]
    return found


@router.get("/enforcement/cases/{pk}", response=CaseOut)
def get_case(request, pk: int):
    return _one(_fetch(request.user, pk))


@router.post("/enforcement/cases", response={201: CaseOut})
def file_case(request, payload: CaseIn):
    _reader(request.user)
    court = Court.objects.visible_to(request.user).filter(code=payload.court).first()
    if court is None:
        raise NotFound(_("No such court."))
    case = cases.file_case(
        court,
        number=payload.number,
        kind=payload.kind,
        applicant=payload.applicant,
        respondent=payload.respondent,
        parties=None
        if payload.parties is None
        else [PartyInput(**p.dict()) for p in payload.parties],
        amount_fen=payload.amount_fen,
        filed_on=payload.filed_on,
        basis=payload.basis,
        basis_kind=payload.basis_kind,
        actor=request.user,
    )
    return 201, _one(_fetch(request.user, case.pk))


@router.post("/enforcement/cases/{pk}/steps/{name}", response=CaseOut)
def step(request, pk: int, name: str, payload: StepIn):
    """start, suspend (reason), resume, close (closure_type)."""
    case = _fetch(request.user, pk)
    cases.move(
        case,
        name,
        actor=request.user,
        reason=payload.reason,
        closure_type=payload.closure_type,
        on=payload.on,
    )
    return _one(_fetch(request.user, pk))


@router.post("/enforcement/cases/{pk}/recoveries", response={201: RecoveryOut})
def record_recovery(request, pk: int, payload: RecoveryIn):
    case = _fetch(request.user, pk)
    r = cases.record_recovery(
        case,
        payload.amount_fen,
        payload.means,
        on=payload.on,
        note=payload.note,
        actor=request.user,
    )
    return 201, {"id": r.pk, "amount_fen": r.amount_fen, "means": r.means, "on": r.on}


@router.get("/enforcement/kpis", response=EnforcementKpiOut)
def enforcement_kpis(request, start: datetime.date, end: datetime.date, court: str = ""):
    """Key figures for cases in the period [start, end], as they stood at its end; formulas
    in docs/enforcement.md."""
    check_period(start, end, ten_years_at_most=True)
    scope = kpi_scope(request.user, end, court)
    figures = kpis.compute(scope, start, end).as_dict()
    figures["long_pending"] = [c.number for c in kpis.long_pending(scope, end, limit=50)]
    return figures


@router.get("/enforcement/campaigns", response=list[CampaignOut])
def campaigns(request):
    _reader(request.user)
    return [
        _campaign_out(c)
        for c in Campaign.objects.visible_to(request.user).order_by("-starts_on", "code")
    ]


def _campaign_out(c: Campaign) -> dict:
    f = kpis.compute(kpis.campaign_scope(c), c.starts_on, c.ends_on)
    return {
        "code": c.code,
        "name": c.name,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "cases": f.received,
        "closed": f.closed,
        "closure_rate": f.closure_rate,
        "recovered_fen": f.recovered_fen,
    }


class CodeIn(Schema):
    amount_due_fen: Fen


class CodeOut(Schema):
    code: str
    amount_due_fen: int
    sheet_url: str


class PayoutIn(Schema):
    payee: Id
    amount_fen: Fen


class PayoutOut(Schema):
    id: int
    amount_fen: int
    state: str
    due_on: datetime.date
    payee: str


class AssignIn(Schema):
    court: text_of(16)
    reason: text_of(200)


class TagIn(Schema):
    cases: Annotated[list[Id], Field(max_length=1000)]


def payout_out(p) -> dict:
    return {
        "id": p.pk,
        "amount_fen": p.amount_fen,
        "state": p.state,
        "due_on": p.due_on,
        "payee": str(p.payee),
    }


@router.post("/enforcement/cases/{pk}/codes", response={201: CodeOut})
def new_code(request, pk: int, payload: CodeIn):
    """A payment code (一案一码) for the case; its printable QR sheet is at sheet_url."""
    case = _fetch(request.user, pk)
    code = payments.new_code(case, payload.amount_due_fen, actor=request.user)
    url = reverse("enforcement:code_sheet", args=[case.pk, code.code])
    return 201, {"code": code.code, "amount_due_fen": code.amount_due_fen, "sheet_url": url}


@router.get("/enforcement/cases/{pk}/payouts", response=list[PayoutOut])
def list_payouts(request, pk: int):
    case = _fetch(request.user, pk)
    return [payout_out(p) for p in case.payouts.select_related("payee").order_by("-id")]


@router.post("/enforcement/cases/{pk}/payouts", response={201: PayoutOut})
def request_payout(request, pk: int, payload: PayoutIn):
    """Asks for a payout to a verified payee; above the threshold it waits for approval."""
    case = _fetch(request.user, pk)
    payee = Payee.objects.filter(case=case, pk=payload.payee).first()
    if payee is None:
        raise NotFound(_("Not found."))
    return 201, payout_out(
        payouts.request_payout(case, payee, payload.amount_fen, actor=request.user)
    )


@router.post("/enforcement/cases/{pk}/payouts/{payout_id}/approve", response=PayoutOut)
def approve_payout(request, pk: int, payout_id: int):
    case = _fetch(request.user, pk)
    payout = Payout.objects.filter(case=case, pk=payout_id).select_related("payee").first()
    if payout is None:
        raise NotFound(_("Not found."))
    return payout_out(payouts.approve_payout(payout, actor=request.user))


@router.post("/enforcement/cases/{pk}/assignment", response=CaseOut)
def assign(request, pk: int, payload: AssignIn):
    """Cross-court assignment (异地交叉执行), approved above both courts."""
    case = _fetch(request.user, pk)
    court = Court.objects.visible_to(request.user).filter(code=payload.court).first()
    if court is None:
        raise NotFound(_("No such court."))
    cases.assign_to_court(case, court, payload.reason, actor=request.user)
    return _one(_cases().get(pk=pk))  # no longer the district's to see, perhaps


@router.post("/enforcement/campaigns/{code}/cases", response=CampaignOut)
def tag(request, code: str, payload: TagIn):
    """Adds cases to a campaign; every case must be yours and under its courts."""
    _reader(request.user)
    campaign = Campaign.objects.visible_to(request.user).filter(code=code).first()
    if campaign is None:
        raise NotFound(_("Not found."))
    chosen = list(EnforcementCase.objects.visible_to(request.user).filter(pk__in=payload.cases))
    if len(chosen) != len(set(payload.cases)):
        raise NotFound(_("Some of these cases do not exist or are not yours."))
    cases.tag_cases(campaign, chosen, actor=request.user)
    return _campaign_out(campaign)


class ExtensionIn(Schema):
    days: Annotated[int, Field(ge=1, le=366)]
    reason: text_of(200)


class ExtensionOut(Schema):
    id: int
    days: int
    reason: str
    requested_on: datetime.date
    approved: bool


def extension_out(e) -> dict:
    return {
        "id": e.pk,
        "days": e.days,
        "reason": e.reason,
        "requested_on": e.requested_on,
        "approved": e.approved_at is not None,
    }


@router.post("/enforcement/cases/{pk}/extensions", response={201: ExtensionOut})
def request_extension(request, pk: int, payload: ExtensionIn):
    """Asks for more time, at least 5 days before the limit; another officer approves."""
    case = _fetch(request.user, pk)
    ext = cases.request_extension(case, payload.days, payload.reason, actor=request.user)
    return 201, extension_out(ext)


@router.post("/enforcement/cases/{pk}/extensions/{ext_id}/approve", response=CaseOut)
def approve_extension(request, pk: int, ext_id: int):
    case = _fetch(request.user, pk)
    ext = case.extensions.filter(pk=ext_id).first()
    if ext is None:
        raise NotFound(_("Not found."))
    cases.approve_extension(ext, actor=request.user)
    return _one(_fetch(request.user, pk))


class PayeeIn(Schema):
    holder: text_of(64)
    bank: text_of(64)
    account_no: text_of(40)


class PayeeOut(Schema):
    id: int
    holder: str
    bank: str
    account_masked: str
    verified: bool


def payee_out(p) -> dict:
    return {
        "id": p.pk,
        "holder": p.holder,
        "bank": p.bank,
        "account_masked": p.account_masked,
        "verified": p.verified,
    }


@router.get("/enforcement/cases/{pk}/payees", response=list[PayeeOut])
def list_payees(request, pk: int):
    return [payee_out(p) for p in _fetch(request.user, pk).payees.order_by("id")]


@router.post("/enforcement/cases/{pk}/payees", response={201: PayeeOut})
def add_payee(request, pk: int, payload: PayeeIn):
    """An applicant's account for payouts (the number is stored encrypted, shown masked)."""
    case = _fetch(request.user, pk)
    payee = payouts.add_payee(
        case, payload.holder, payload.bank, payload.account_no, actor=request.user
    )
    return 201, payee_out(payee)


@router.post("/enforcement/cases/{pk}/payees/{payee_id}/verify", response=PayeeOut)
def verify_payee(request, pk: int, payee_id: int):
    """Court finance confirms the account before any payout goes to it."""
    case = _fetch(request.user, pk)
    payee = case.payees.filter(pk=payee_id).first()
    if payee is None:
        raise NotFound(_("Not found."))
    return payee_out(payouts.verify_payee(payee, actor=request.user))
