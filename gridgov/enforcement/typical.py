"""Typical cases (典型案例): closed cases published to a public list with the parties
anonymised. What is published is fixed when it is published."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Role, holds
from gridgov.core import audit
from gridgov.core.actions import is_user
from gridgov.core.errors import Conflict, Forbidden, Invalid
from gridgov.core.models import AuditAction
from gridgov.core.redact import redact_numbers

from .models import CaseState, EnforcementCase, PartyKind, TypicalCase


def anonymise(text: str, case: EnforcementCase) -> str:
    """Natural persons' names → 王某 (longest names first, so 王伟伟 is not left as 王某伟);
    ID numbers, credit codes and phone numbers, however written → *** (core.redact)."""
    persons = sorted(
        (p for p in case.parties.all() if p.kind == PartyKind.PERSON),
        key=lambda p: -len(p.name),
    )
    for p in persons:
        if p.name:
            text = text.replace(p.name, p.public_name)
    return redact_numbers(text)


def publish(case: EnforcementCase, title: str, summary: str, *, actor) -> TypicalCase:
    if not holds(actor, Role.COURT_OFFICER, case.region_path):
        raise Forbidden(_("Only the court's enforcement officers publish typical cases."))
    if case.state != CaseState.CLOSED:
        raise Conflict(_("Only a closed case is published."))
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title or not summary or len(title) > 100 or len(summary) > 5000:
        raise Invalid(_("Give a title (up to 100 characters) and a summary (up to 5,000)."))
    with transaction.atomic():
        if TypicalCase.objects.filter(case=case).exists():
            raise Conflict(_("This case is already published."))
        published = TypicalCase.objects.create(
            case=case,
            title=anonymise(title, case),
            summary=anonymise(summary, case),
            court_name=case.court.name,
            published_on=timezone.localdate(),
            published_by=actor if is_user(actor) else None,
        )
        audit.record(
            AuditAction.TYPICAL_CASE_PUBLISHED,
            actor=actor,
            obj=case,
            after={"title": published.title},
        )
    return published


def withdraw(published: TypicalCase, *, actor) -> None:
    if not holds(actor, Role.COURT_OFFICER, published.case.region_path):
        raise Forbidden(_("Only the court's enforcement officers publish typical cases."))
    with transaction.atomic():
        if not TypicalCase.objects.filter(pk=published.pk, withdrawn=False).update(withdrawn=True):
            raise Conflict(_("Already withdrawn."))
        audit.record(
            AuditAction.TYPICAL_CASE_WITHDRAWN,
            actor=actor,
            obj=published.case,
            after={"title": published.title},
        )
