"""Enforcement cases: filing, states and the statutory time limit.

The limit runs 6 months from filing (3 for a non-litigation basis; both configurable as
GRIDGOV_ENFORCEMENT_LIMIT_MONTHS), plus every suspended day, plus approved extensions. An
extension must be asked for at least 5 days before the limit and approved by someone other
than the officer who asked.
"""

from __future__ import annotations

import calendar as cal
import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Role, holds
from gridgov.core import audit
from gridgov.core.actions import is_user
from gridgov.core.errors import Conflict, Forbidden, Invalid
from gridgov.core.models import AuditAction
from gridgov.core.money import format_money

from . import ledger
from . import parties as party_actions
from .models import (
    BasisKind,
    CaseExtension,
    CaseKind,
    CaseState,
    ClosureType,
    Court,
    EnforcementCase,
    PartyKind,
    PartyRole,
    Recovery,
    RecoveryMeans,
    Suspension,
)
from .money import fen
from .parties import PartyInput

EXTENSION_NOTICE_DAYS = 5


def limit_months(basis_kind: str) -> int:
    months = getattr(
        settings,
        "GRIDGOV_ENFORCEMENT_LIMIT_MONTHS",
        {BasisKind.LITIGATION: 6, BasisKind.NON_LITIGATION: 3},
    )
    return int(months[basis_kind])


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, cal.monthrange(year, month)[1]))


def deadline_for(
    filed_on: datetime.date,
    basis_kind: str,
    suspensions: list[tuple[datetime.date, datetime.date | None]],
    extension_days: int,
    today: datetime.date,
) -> datetime.date:
    """The statutory limit: months from filing, plus every suspended day (an open suspension
    counts up to today), plus approved extensions."""
    suspended = sum(((end or today) - start).days for start, end in suspensions)
    base = add_months(filed_on, limit_months(basis_kind))
    return base + datetime.timedelta(days=suspended + extension_days)


def deadline(case: EnforcementCase, today: datetime.date | None = None) -> datetime.date:
    return deadline_for(
        case.filed_on,
        case.basis_kind,
        [(s.start, s.end) for s in case.suspensions.all()],
        case.extension_days,
        today or timezone.localdate(),
    )


def days_left(case: EnforcementCase, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return (deadline(case, today) - today).days


def _officer(actor, case) -> None:
    if not holds(actor, Role.COURT_OFFICER, case.region_path):
        raise Forbidden(_("Only the court's enforcement officers act on cases."))


def _record(action, actor, case, before, after) -> None:
    audit.record(action, actor=actor, obj=case, before=before, after=after)


def create_court(region, code: str, name: str, *, actor) -> Court:
    """Registers a court over `region` (system administrators or the system)."""
    from gridgov.core.actions import check_admin

    check_admin(actor)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise Invalid(_("Give the court's code and name."))
    with transaction.atomic():
        if Court.objects.filter(code=code).exists():
            raise Conflict(_("Court %(code)s already exists.") % {"code": code})
        court = Court.objects.create(code=code, name=name, region=region, region_path=region.path)
        audit.record(AuditAction.COURT_CREATED, actor=actor, obj=court, after=audit.snapshot(court))
    return court


ORGANISATION_WORDS = (
    "公司",
    "合作社",
    "银行",
    "集团",
    "中心",
    "厂",
    "局",
    "医院",
    "学校",
    "委员会",
)


def guess_kind(name: str) -> str:
    """For a party typed by name only: an organisation if its name says so."""
    return (
        PartyKind.ORGANISATION if any(w in name for w in ORGANISATION_WORDS) else PartyKind.PERSON
    )


def file_case(
    court: Court,
    *,
    number: str,
    kind: str,
    amount_fen: int,
    filed_on: datetime.date,
    actor,
    applicant: str = "",
    respondent: str = "",
    parties: list[PartyInput] | None = None,
    basis: str = "",
    basis_kind: str = BasisKind.LITIGATION,
    officer=None,
) -> EnforcementCase:
    """Files a case with its parties (or, for short, one applicant and one respondent by
    name)."""
    if not holds(actor, Role.COURT_OFFICER, court.region_path):
        raise Forbidden(_("Only the court's enforcement officers file cases."))
    fen(amount_fen, zero_ok=True)
    if not (number or "").strip():
        raise Invalid(_("Case number, applicant and respondent are required."))
    if len(number.strip()) > 64 or len(basis) > 200:
        raise Invalid(_("A case number has at most 64 characters and a basis at most 200."))
    if kind not in CaseKind.values or basis_kind not in BasisKind.values:
        raise Invalid(_("Choose the kind of case and the kind of basis from the list."))
    if parties is None:
        if not (applicant or "").strip() or not (respondent or "").strip():
            raise Invalid(_("Case number, applicant and respondent are required."))
        parties = [
            PartyInput(PartyRole.APPLICANT, applicant, guess_kind(applicant)),
            PartyInput(PartyRole.RESPONDENT, respondent, guess_kind(respondent)),
        ]
    parties = party_actions.clean(parties)
    with transaction.atomic():
        if EnforcementCase.objects.filter(number=number.strip()).exists():
            raise Conflict(_("Case %(n)s is already filed.") % {"n": number})
        case = EnforcementCase.objects.create(
            court=court,
            region_path=court.region_path,
            number=number.strip(),
            kind=kind,
            applicant=party_actions.summary(parties, PartyRole.APPLICANT),
            respondent=party_actions.summary(parties, PartyRole.RESPONDENT),
            amount_fen=amount_fen,
            filed_on=filed_on,
            basis=basis,
            basis_kind=basis_kind,
            officer=officer or (actor if is_user(actor) else None),
        )
        party_actions.save(case, parties)
        _record(
            AuditAction.CASE_FILED,
            actor,
            case,
            None,
            {**audit.snapshot(case), "parties": [(p.role, p.kind, p.name) for p in parties]},
        )
    return case


MOVES = {
    "start": ({CaseState.FILED}, CaseState.ENFORCING),
    "suspend": ({CaseState.ENFORCING}, CaseState.SUSPENDED),
    "resume": ({CaseState.SUSPENDED}, CaseState.ENFORCING),
    "close": ({CaseState.FILED, CaseState.ENFORCING, CaseState.SUSPENDED}, CaseState.CLOSED),
}


def move(
    case: EnforcementCase,
    name: str,
    *,
    actor,
    reason: str = "",
    closure_type: str = "",
    on: datetime.date | None = None,
) -> EnforcementCase:
    """start, suspend (with a reason), resume, close (with a closure type)."""
    _officer(actor, case)
    if name not in MOVES:
        raise Invalid(_("No such action."))
    sources, target = MOVES[name]
    on = on or timezone.localdate()
    if case.state not in sources:
        raise Conflict(_("A %(state)s case cannot do that.") % {"state": case.get_state_display()})
    if not case.filed_on <= on <= timezone.localdate():
        raise Invalid(_("The date lies between filing and today."))
    last = case.suspensions.order_by("-start").values_list("start", flat=True).first()
    if last and on < last:
        raise Invalid(_("The date cannot come before the last suspension began."))
    changes = {"state": target}
    with transaction.atomic():
        if name == "suspend":
            if not reason.strip():
                raise Invalid(_("Give the reason for suspending."))
            Suspension.objects.create(case=case, start=on, reason=reason.strip()[:200])
        elif name == "resume":
            case.suspensions.filter(end__isnull=True).update(end=on)
        elif name == "close":
            if closure_type not in ClosureType.values:
                raise Invalid(_("Choose how the case closes."))
            money = ledger.balance(ledger.case_account(case))
            if closure_type == ClosureType.COMPLETED and money:
                raise Conflict(
                    _(
                        "%(amount)s is still in the case account; pay it out "
                        "before closing as completed."
                    )
                    % {"amount": format_money(money)}
                )
            case.suspensions.filter(end__isnull=True).update(end=on)
            changes.update(
                closure_type=closure_type,
                closed_on=on,
                closed_within_limit=on <= deadline(case, on),
            )
        before = {"state": case.state}
        moved = EnforcementCase.objects.filter(pk=case.pk, state=case.state).update(**changes)
        if not moved:
            raise Conflict(_("The case changed meanwhile; reload and try again."))
        _record(
            AuditAction.CASE_MOVED,
            actor,
            case,
            before,
            {"action": name, **changes, "reason": reason[:200]},
        )
    case.refresh_from_db()
    return case


def record_recovery(
    case: EnforcementCase,
    amount_fen: int,
    means: str,
    *,
    actor,
    on: datetime.date | None = None,
    note: str = "",
) -> Recovery:
    """执行到位 outside the case account: paid directly to the applicant, auction proceeds,
    property delivered. Counted in the recovered-amount KPI on its date."""
    _officer(actor, case)
    on = on or timezone.localdate()
    fen(amount_fen)
    if means not in RecoveryMeans.values:
        raise Invalid(_("Choose how the money or property was recovered."))
    if on < case.filed_on or on > timezone.localdate():
        raise Invalid(_("The date lies between filing and today."))
    with transaction.atomic():
        recovery = Recovery.objects.create(
            case=case,
            amount_fen=amount_fen,
            on=on,
            means=means,
            note=note.strip()[:200],
            recorded_by=actor if is_user(actor) else None,
        )
        _record(
            AuditAction.CASE_RECOVERY_RECORDED,
            actor,
            case,
            None,
            {"amount_fen": amount_fen, "means": means, "on": on.isoformat()},
        )
    return recovery


def request_extension(
    case: EnforcementCase, days: int, reason: str, *, actor, today: datetime.date | None = None
) -> CaseExtension:
    _officer(actor, case)
    today = today or timezone.localdate()
    if case.state == CaseState.CLOSED:
        raise Conflict(_("The case is closed."))
    if not isinstance(days, int) or not 1 <= days <= 366 or not reason.strip():
        raise Invalid(_("Give the number of days (1–366) and the reason."))
    if days_left(case, today) < EXTENSION_NOTICE_DAYS:
        raise Invalid(_("An extension must be asked for at least 5 days before the limit."))
    with transaction.atomic():
        ext = CaseExtension.objects.create(
            case=case,
            days=days,
            reason=reason.strip()[:200],
            requested_on=today,
            requested_by=actor if is_user(actor) else None,
        )
        _record(
            AuditAction.CASE_EXTENSION_REQUESTED,
            actor,
            case,
            None,
            {"days": days, "reason": reason[:200]},
        )
    return ext


def approve_extension(ext: CaseExtension, *, actor) -> EnforcementCase:
    case = ext.case
    if is_user(actor) and (
        actor.pk in (ext.requested_by_id, case.officer_id)
        or not holds(actor, Role.COURT_OFFICER, case.region_path)
    ):
        raise Forbidden(_("An extension is approved by another officer of the court."))
    with transaction.atomic():
        if not CaseExtension.objects.filter(pk=ext.pk, approved_at__isnull=True).update(
            approved_by=actor if is_user(actor) else None, approved_at=timezone.now()
        ):
            raise Conflict(_("This extension is already decided."))
        _record(AuditAction.CASE_EXTENSION_APPROVED, actor, case, None, {"days": ext.days})
    case.refresh_from_db()
    return case


def assign_to_court(case: EnforcementCase, court: Court, reason: str, *, actor):
    """Cross-court assignment, approved by an officer whose scope covers both courts (a
    higher court). The case's scope moves to the new court; its history stays."""
    from .models import CrossCourtAssignment

    if not holds(actor, Role.COURT_OFFICER, case.region_path, court.region_path):
        raise Forbidden(_("Cross-court assignment is approved above both courts."))
    if court.pk == case.court_id:
        raise Invalid(_("Choose another court."))
    if case.state == CaseState.CLOSED:
        raise Conflict(_("The case is closed."))
    if not (reason or "").strip():
        raise Invalid(_("Give the reason for the assignment."))
    with transaction.atomic():
        record = CrossCourtAssignment.objects.create(
            case=case,
            from_court=case.court,
            to_court=court,
            reason=reason.strip()[:200],
            approved_by=actor if is_user(actor) else None,
        )
        before = {"court": case.court.code, "region_path": case.region_path}
        EnforcementCase.objects.filter(pk=case.pk).update(
            court=court, region_path=court.region_path
        )
        _record(
            AuditAction.CASE_ASSIGNED,
            actor,
            case,
            before,
            {"court": court.code, "region_path": court.region_path, "reason": reason[:200]},
        )
    case.refresh_from_db()
    return record


def create_campaign(
    court: Court,
    code: str,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    *,
    actor,
    description: str = "",
):
    """A special action (专项行动) over the courts under `court`'s region."""
    from .models import Campaign

    if not holds(actor, Role.COURT_OFFICER, court.region_path):
        raise Forbidden(_("Only the court's enforcement officers run campaigns."))
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name or ends_on < starts_on:
        raise Invalid(_("Give a code, a name and a period that ends after it starts."))
    with transaction.atomic():
        if Campaign.objects.filter(code=code).exists():
            raise Conflict(_("Campaign %(code)s already exists.") % {"code": code})
        campaign = Campaign.objects.create(
            code=code,
            name=name[:64],
            description=description.strip()[:400],
            starts_on=starts_on,
            ends_on=ends_on,
            region_path=court.region_path,
        )
        audit.record(
            AuditAction.CAMPAIGN_CREATED, actor=actor, obj=campaign, after=audit.snapshot(campaign)
        )
    return campaign


def tag_cases(campaign, cases: list[EnforcementCase], *, actor) -> int:
    """Adds cases to a campaign; every case must lie under the campaign's courts."""
    if not holds(actor, Role.COURT_OFFICER, campaign.region_path):
        raise Forbidden(_("Only the court's enforcement officers run campaigns."))
    outside = [c.number for c in cases if not c.region_path.startswith(campaign.region_path)]
    if outside:
        raise Invalid(
            _("Not under this campaign's courts: %(cases)s") % {"cases": ", ".join(outside)}
        )
    with transaction.atomic():
        already = set(campaign.cases.values_list("pk", flat=True))
        fresh = [c for c in cases if c.pk not in already]
        campaign.cases.add(*fresh)
        for c in fresh:
            _record(AuditAction.CASE_TAGGED, actor, c, None, {"campaign": campaign.code})
    return len(fresh)


_HALF_TO_FULL = str.maketrans("()", "（）")
_FULL_TO_HALF = str.maketrans("（）", "()")


def number_q(typed: str, lookup: str = "number") -> Q:
    """Cases whose number is what was typed, with the year's brackets typed either way:
    "(2023)藏0402执123号" finds "（2023）藏0402执123号"."""
    typed = typed.strip()
    forms = {typed, typed.translate(_HALF_TO_FULL), typed.translate(_FULL_TO_HALF)}
    q = Q()
    for form in forms:
        q |= Q(**{lookup: form})
    return q
