"""Pages for court enforcement: case list, case page, payment-code sheets, finance desk."""

import datetime
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts import roles
from gridgov.accounts.roles import Role
from gridgov.core import files, parsing, reveal
from gridgov.core.errors import ActionError, Invalid, NotFound
from gridgov.core.money import format_money
from gridgov.core.scoping import get_visible
from gridgov.core.views import chosen, history_context, paginate, role_required

from . import (
    cases,
    ledger,
    linkage,
    parties,
    payments,
    payouts,
    statements,
    typical,
    unclaimed,
)
from .models import (
    Agency,
    BasisKind,
    Campaign,
    CaseExtension,
    CaseKind,
    CaseState,
    ClosureType,
    Court,
    EnforcementCase,
    PartyKind,
    PaymentApplication,
    Payout,
    PayoutState,
    RecoveryMeans,
    TypicalCase,
)
from .money import parse_yuan


def _reader(user):
    if not roles.read_paths(user, "enforcement"):
        raise PermissionDenied(_("Your role does not work on enforcement cases."))


# the filters the home page's figures link to
DUE_SOON = "soon"
EXTENSIONS_WAITING = "waiting"
DUE_SOON_DAYS = 30  # a month before the statutory limit a case is shown as due soon


def listed_cases(
    user,
    *,
    state: str = "",
    due: str = "",
    extensions: str = "",
    q: str = "",
    kind: str = "",
    court=None,
    mine: bool = False,
):
    """The case list's rows for its filters (a queryset, or a list by days left when `due`
    asks for the cases at or near their limit); the home page counts the same rows."""
    qs = EnforcementCase.objects.visible_to(user)
    if q and len(q) == 18 and q[:17].isascii() and q[:17].isdigit():
        qs = parties.cases_of(qs, q)  # exact ID number or credit code, by blind index
    elif q:
        qs = qs.filter(cases.number_q(q, "number__contains") | Q(parties__name=q)).distinct()
    if state == "open":
        qs = qs.exclude(state=CaseState.CLOSED)
    elif state in CaseState.values:
        qs = qs.filter(state=state)
    if kind in CaseKind.values:
        qs = qs.filter(kind=kind)
    if court is not None:
        qs = qs.filter(court=court)
    if mine:
        qs = qs.filter(officer=user)
    if extensions == EXTENSIONS_WAITING:
        qs = qs.filter(pk__in=extensions_to_approve(user).values("case_id"))
    if due == DUE_SOON:
        return [c for c in open_cases_by_days_left(user, qs) if c.days_left <= SOON_DAYS]
    return qs


def extensions_to_approve(user):
    """Extensions of the user's cases waiting for an officer who neither asked for them nor
    runs the case (the four-eyes rule of cases.approve_extension)."""
    if Role.COURT_OFFICER not in roles.roles_of(user):
        return CaseExtension.objects.none()
    return (
        CaseExtension.objects.filter(
            case__in=EnforcementCase.objects.visible_to(user), approved_at__isnull=True
        )
        .exclude(requested_by=user)
        .exclude(case__officer=user)
    )


@role_required
def case_list(request):
    """The court's cases as cards: number, parties, court, officer, days left in colour.
    Filters (court, state, kind, my cases) are chosen from lists; the pager keeps them, and
    the home page's links (open, at or near the limit, extensions waiting) are kept too."""
    _reader(request.user)
    user, get = request.user, request.GET
    courts = list(Court.objects.visible_to(user).order_by("name"))
    state = get.get("state", "")
    state = state if state == "open" or state in CaseState.values else ""
    kind = get.get("kind", "") if get.get("kind", "") in CaseKind.values else ""
    court = next((c for c in courts if str(c.pk) == get.get("court", "")), None)
    mine = bool(get.get("mine"))
    due = DUE_SOON if get.get("due") == DUE_SOON else ""
    extensions = EXTENSIONS_WAITING if get.get("extensions") == EXTENSIONS_WAITING else ""
    q = get.get("q", "").strip()[:64]
    qs = listed_cases(
        user,
        state=state,
        due=due,
        extensions=extensions,
        q=q,
        kind=kind,
        court=court,
        mine=mine,
    )
    if not isinstance(qs, list):
        qs = (
            qs.select_related("court", "officer")
            .prefetch_related("suspensions", "extensions")  # days left, no query per case
            .order_by("-filed_on", "-id")
        )
    kept = {
        "state": state,
        "kind": kind,
        "court": court.pk if court else "",
        "mine": "on" if mine else "",
        "due": due,
        "extensions": extensions,
        "q": q,
    }
    kept = {k: v for k, v in kept.items() if v}
    states = dict([("open", _("open (not closed)")), *CaseState.choices])
    chosen = [
        label
        for label in (
            _("my cases") if mine else "",
            q,
            court.name if court else "",
            states.get(state, ""),
            CaseKind(kind).label if kind else "",
        )
        if label
    ]
    page = paginate(request, qs)
    money = ledger.case_balances([c.pk for c in page])
    today = timezone.localdate()
    for c in page:
        c.balance = money.get(c.pk, 0)
        c.days_left = cases.days_left(c, today) if c.state != CaseState.CLOSED else None
        c.overdue = c.days_left is not None and c.days_left < 0
        c.due_soon = c.days_left is not None and 0 <= c.days_left <= DUE_SOON_DAYS
        c.late = -c.days_left if c.overdue else None
    return render(
        request,
        "enforcement/case_list.html",
        {
            "page": page,
            "states": list(states.items()),
            "kinds": CaseKind.choices,
            "courts": courts,
            "state": state,
            "kind": kind,
            "court": court,
            "mine": mine,
            "due": due,
            "extensions": extensions,
            "q": q,
            "query": urlencode(kept),
            "chosen": chosen,
            "can_file": Role.COURT_OFFICER in roles.roles_of(request.user),
        },
    )


def _case(request, pk):
    return get_visible(
        EnforcementCase.objects.select_related("court", "officer"), request.user, pk=pk
    )


@role_required
def case_page(request, pk, error=None, status=200, revealed=None):
    _reader(request.user)
    case = _case(request, pk)
    user_roles = roles.roles_of(request.user)
    return render(
        request,
        "enforcement/case.html",
        {
            "case": case,
            "deadline": cases.deadline(case),
            "days_left": cases.days_left(case),
            "balance": ledger.balance(ledger.case_account(case)),
            "codes": case.payment_codes.filter(active=True),
            "payments": PaymentApplication.objects.filter(case=case)
            .select_related("provider")
            .order_by("-id"),
            "payees": case.payees.all(),
            "parties": case.parties.all(),
            "publication": TypicalCase.objects.filter(case=case).first(),
            "inquiries": case.inquiries.select_related("party"),
            "other_courts": Court.objects.visible_to(request.user).exclude(pk=case.court_id),
            "assignments": case.assignments.select_related("from_court", "to_court"),
            "campaigns": case.campaigns.all(),
            "open_campaigns": Campaign.objects.visible_to(request.user).exclude(cases=case),
            "agencies": Agency.choices,
            "revealed": revealed,
            "payouts": case.payouts.select_related("payee").order_by("-id"),
            "entries": case.entries.filter(sealed=True).prefetch_related("legs").order_by("-id"),
            "suspensions": case.suspensions.all(),
            "extensions": case.extensions.select_related("requested_by", "approved_by"),
            "recoveries": case.recoveries.order_by("-on", "-id"),
            "means": RecoveryMeans.choices,
            "is_officer": Role.COURT_OFFICER in user_roles,
            "is_finance": Role.COURT_FINANCE in user_roles,
            "closure_types": ClosureType.choices,
            "history": history_context(request.user, case),
            "error": error,
        },
        status=status,
    )


def _picked(post, field: str, message: str) -> None:
    """A choice that comes with no default ("choose…") must have been made."""
    if not post.get(field, "").strip():
        raise Invalid(message, errors=[{"field": field, "message": message}])


@require_POST
@role_required
def case_action(request, pk, name):
    _reader(request.user)
    case = _case(request, pk)
    p = request.POST
    try:
        if name in ("start", "suspend", "resume", "close"):
            cases.move(
                case,
                name,
                actor=request.user,
                reason=p.get("reason", ""),
                closure_type=p.get("closure_type", ""),
            )
        elif name == "reveal":
            party = chosen(case.parties.all(), p.get("party"))
            shown = parties.reveal(party, actor=request.user, reason=p.get("reason", ""))
            return reveal.no_store(case_page(request, pk, revealed={"party": party.pk, **shown}))
        elif name == "extend":
            days = parsing.integer(p.get("days", ""), _("days"), minimum=1, maximum=366)
            cases.request_extension(case, days, p.get("reason", ""), actor=request.user)
        elif name == "approve_extension":
            ext = chosen(case.extensions.all(), p.get("extension"))
            cases.approve_extension(ext, actor=request.user)
        elif name == "recover":
            cases.record_recovery(
                case,
                parse_yuan(p.get("amount", "")),
                p.get("means", ""),
                on=_date(p.get("on", "")) if p.get("on") else None,
                note=p.get("note", ""),
                actor=request.user,
            )
        elif name == "assign":
            _picked(p, "court", _("Choose the court to assign the case to."))
            court = chosen(
                Court.objects.visible_to(request.user), p.get("court"), _("No such court.")
            )
            cases.assign_to_court(case, court, p.get("reason", ""), actor=request.user)
        elif name == "tag":
            campaign = chosen(Campaign.objects.visible_to(request.user), p.get("campaign"))
            cases.tag_cases(campaign, [case], actor=request.user)
        elif name == "inquire":
            _picked(p, "party", _("Choose the respondent to ask about."))
            _picked(p, "agency", _("Choose the agency to ask."))
            party = chosen(case.parties.all(), p.get("party"))
            linkage.send_inquiry(party, p.get("agency", ""), actor=request.user)
        elif name == "publish":
            typical.publish(case, p.get("title", ""), p.get("summary", ""), actor=request.user)
        elif name == "withdraw":
            published = TypicalCase.objects.filter(case=case).first()
            if published is None:
                raise NotFound(_("Not found."))
            typical.withdraw(published, actor=request.user)
        elif name == "code":
            payments.new_code(case, parse_yuan(p.get("amount", "")), actor=request.user)
        elif name == "payee":
            payouts.add_payee(
                case,
                p.get("holder", ""),
                p.get("bank", ""),
                p.get("account_no", ""),
                actor=request.user,
            )
        elif name == "verify":
            payee = chosen(case.payees.all(), p.get("payee"))
            payouts.verify_payee(payee, actor=request.user)
        elif name == "payout":
            _picked(p, "payee", _("Choose the verified account to pay."))
            payee = chosen(case.payees.all(), p.get("payee"))
            payouts.request_payout(case, payee, parse_yuan(p.get("amount", "")), actor=request.user)
        elif name in ("approve", "paid", "failed"):
            payout = chosen(case.payouts.all(), p.get("payout"))
            if name == "approve":
                payouts.approve_payout(payout, actor=request.user)
            else:
                payouts.bank_result(
                    payout, ok=name == "paid", reason=p.get("reason", ""), actor=request.user
                )
        else:
            raise NotFound(_("No such action."))
    except ActionError as exc:
        return case_page(request, pk, error=exc.message, status=exc.status)
    messages.success(request, _("Done."))
    return redirect("enforcement:case", pk=pk)


@role_required
def code_sheet(request, pk, code):
    _reader(request.user)
    case = _case(request, pk)
    pc = case.payment_codes.filter(code=code).first()
    if pc is None:
        raise NotFound(_("Not found."))
    payload = f"gridgov-pay:{pc.code}"
    qr = segno.make(payload, error="m")
    size = qr.symbol_size(scale=10, border=2)[0]
    lines = [
        (110, 34, _("Case payment code")),
        (160, 22, case.court.name),
        (195, 22, case.number),
        (600, 22, _("Amount due: %(amount)s") % {"amount": format_money(pc.amount_due_fen)}),
        (640, 18, _("Payment code: %(code)s") % {"code": pc.code}),
        (680, 14, _("Every payment is credited to this case's own account.")),
    ]
    texts = "".join(
        f'<text x="297.5" y="{y}" font-size="{fs}" text-anchor="middle">{escape(t)}</text>'
        for y, fs, t in lines
    )
    svg = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" '
        'viewBox="0 0 595 842" font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif">'
        '<rect width="595" height="842" fill="#fff"/>'
        + texts
        + f'<g transform="translate(147.5 230) scale({300 / size})">'
        f"{qr.svg_inline(scale=10, border=2)}</g></svg>"
    )
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@role_required
def finance_desk(request):
    """The finance desk over the user's own courts (unclaimed.py): their payouts, their
    unclaimed money, a statement matched with their payments, their share of the ledger
    check (the whole check for city level)."""
    _reader(request.user)
    user = request.user
    visible = EnforcementCase.objects.visible_to(user)
    pools = list(unclaimed.pools(user))
    error, reconciliation = None, None
    if request.method == "POST" and "statement" in request.FILES:
        if Role.COURT_FINANCE not in roles.roles_of(user):
            raise PermissionDenied(_("Only court finance reconciles statements."))
        try:
            reconciliation = statements.reconcile(
                files.read_upload(request.FILES["statement"]), user=user
            )
        except ActionError as exc:
            error = exc.message + "".join(
                f" · {e['row']}/{e['column']}: {e['message']}" for e in exc.errors
            )
    elif request.method == "POST":
        if Role.COURT_FINANCE not in roles.roles_of(user):
            raise PermissionDenied(_("Only court finance assigns unclaimed money."))
        try:
            case = visible.filter(cases.number_q(request.POST.get("case", ""))).first()
            if case is None:
                raise Invalid(_("No such case."))
            pool = None
            if request.POST.get("pool"):
                pool = chosen(unclaimed.pools(user), request.POST["pool"], _("No such account."))
            payouts.assign_unclaimed(
                parse_yuan(request.POST.get("amount", "")),
                case,
                actor=user,
                note=request.POST.get("note", ""),
                pool=pool,
            )
        except ActionError as exc:
            error = exc.message
        else:
            messages.success(request, _("Assigned to %(case)s.") % {"case": case.number})
            return redirect("enforcement:finance")
    today = timezone.localdate()
    money = ledger.balances(pools)
    if unclaimed.sees_city_money(user):
        check = ledger.check()
    else:
        check = ledger.check(cases=visible, pools=pools)
    return render(
        request,
        "enforcement/finance.html",
        {
            "suspense": sum(money.values()),
            "pools": [(p, unclaimed.describe(p), money[p.pk]) for p in pools],
            "unclaimed": unclaimed.unclaimed_payments(user)
            .select_related("provider")
            .order_by("-id")[:100],
            "months": ledger.suspense_months(pools),
            "to_approve": Payout.objects.filter(
                case__in=visible, state=PayoutState.REQUESTED
            ).select_related("case", "payee"),
            "overdue": payouts.overdue(today).filter(case__in=visible).select_related("case"),
            "check": check,
            "error": error,
            "reconciliation": reconciliation,
            "stuck": payments.stuck_notices(request.user),
            "is_finance": Role.COURT_FINANCE in roles.roles_of(user),  # only they act here
        },
        status=400 if error else 200,
    )


PARTY_ROWS = (("applicant", 2), ("respondent", 3))
FIELDS = ("name", "kind", "id", "phone")


@role_required
def file_page(request):
    """Filing a case by hand: court, number, kind, basis, amount and up to two applicants and
    three respondents (rows left blank are skipped)."""
    _reader(request.user)
    courts = Court.objects.visible_to(request.user).order_by("region_path", "code")
    if Role.COURT_OFFICER not in roles.roles_of(request.user):
        raise PermissionDenied(_("Only the court's enforcement officers file cases."))
    error, errors, status = None, [], 200
    if request.method == "POST":
        p = request.POST
        try:
            court = chosen(courts, p.get("court"), _("No such court."))
            filed_on = _date(p.get("filed_on", ""))
            listed = [
                parties.PartyInput(
                    role,
                    p.get(f"{role}_name_{n}", ""),
                    p.get(f"{role}_kind_{n}", ""),
                    p.get(f"{role}_id_{n}", ""),
                    p.get(f"{role}_phone_{n}", ""),
                )
                for role, count in PARTY_ROWS
                for n in range(1, count + 1)
                if p.get(f"{role}_name_{n}", "").strip()
            ]
            case = cases.file_case(
                court,
                number=p.get("number", ""),
                kind=p.get("kind", ""),
                basis=p.get("basis", "")[:200],
                basis_kind=p.get("basis_kind", ""),
                amount_fen=parse_yuan(p.get("amount", "")),
                filed_on=filed_on,
                parties=listed,
                actor=request.user,
            )
        except ActionError as exc:
            error, errors, status = exc.message, exc.errors, exc.status
        else:
            messages.success(request, _("Case %(n)s filed.") % {"n": case.number})
            return redirect("enforcement:case", pk=case.pk)
    return render(
        request,
        "enforcement/file.html",
        {
            "courts": courts,
            "kinds": CaseKind.choices,
            "basis_kinds": BasisKind.choices,
            "party_kinds": PartyKind.choices,
            "rows": [
                {
                    "role": role,
                    "n": n,
                    **{
                        f: request.POST.get(f"{role}_{f}_{n}", "")
                        for f in ("name", "kind", "phone")
                    },
                    # an ID number typed in is shown again only on the page that refused it
                    "id": request.POST.get(f"{role}_id_{n}", ""),
                }
                for role, count in PARTY_ROWS
                for n in range(1, count + 1)
            ],
            "today": timezone.localdate(),
            "error": error,
            "errors": errors,
            "form": request.POST,
        },
        status=status,
    )


def _date(raw: str) -> datetime.date:
    day = parsing.day(raw, _("date"))
    if day > timezone.localdate():
        raise Invalid(_("The date cannot be in the future."))
    return day


SOON_DAYS = 15


def open_cases_by_days_left(user, qs=None):
    """The user's open cases (of `qs`) with their days left, fewest first (suspensions
    prefetched)."""
    today = timezone.localdate()
    rows = (
        (EnforcementCase.objects.visible_to(user) if qs is None else qs)
        .exclude(state=CaseState.CLOSED)
        .select_related("court")
        .prefetch_related("suspensions", "extensions")
    )
    out = []
    for c in rows:
        c.days_left = cases.days_left(c, today)
        out.append(c)
    return sorted(out, key=lambda c: (c.days_left, c.pk))
