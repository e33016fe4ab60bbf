"""Disputes (矛盾纠纷): parties, mediators drawn from the grid's 1+1+1+N forces, mediation
sessions and what follows a failed one (escalation up the ladder, or referral to court)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.core import audit, crypto
from gridgov.core.actions import check_write, is_user
from gridgov.core.errors import Invalid
from gridgov.core.models import AuditAction
from gridgov.regions.models import Level, Region

from .models import (
    CategoryGroup,
    Dispute,
    DisputeParty,
    Matter,
    MatterEvent,
    MediationSession,
    NextStep,
    Outcome,
    Side,
    Tier,
)

FORCES = (Role.GRID_WORKER, Role.GRID_POLICE, Role.HOUSEHOLD_LIAISON)


def grid_of(matter: Matter) -> Region | None:
    for node in [matter.region, *Region.objects.get_ancestors(matter.region)]:
        if node.level == Level.GRID:
            return node
    return None


def mediation_forces(matter: Matter) -> list:
    """The grid's grid workers, grid police and household liaisons."""
    grid = grid_of(matter)
    if grid is None:
        return []
    assignments = RoleAssignment.objects.filter(
        role__in=FORCES, region__path__startswith=grid.path
    ).select_related("user")
    return list({a.user.pk: a.user for a in assignments}.values())


def _dispute(matter: Matter, actor) -> Dispute:
    if matter.category.group != CategoryGroup.DISPUTE:
        raise Invalid(_("This matter is not a dispute."))
    check_write(actor, "mediation", matter.region_path, read_kind="matter")
    dispute, _created = Dispute.objects.get_or_create(matter=matter)
    return dispute


def add_party(
    matter: Matter, name: str, side: str, *, actor, contact: str = "", resident=None
) -> DisputeParty:
    if not (name or "").strip():
        raise Invalid(_("A name is required."))
    if side not in Side.values:
        raise Invalid(_("Choose a side."))
    with transaction.atomic():
        dispute = _dispute(matter, actor)
        party = DisputeParty.objects.create(
            dispute=dispute,
            name=name.strip()[:64],
            side=side,
            resident=resident,
            contact_enc=crypto.encrypt(contact.strip()),
            contact_masked=crypto.mask_phone(contact.strip()) if contact else "",
        )
        audit.record(
            AuditAction.DISPUTE_PARTY_ADDED,
            actor=actor,
            obj=matter,
            after={"name": party.name, "side": side},
        )
    return party


def record_session(
    matter: Matter,
    *,
    held_on: datetime.date,
    mediators,
    outcome: str,
    actor,
    agreement: str = "",
    next_step: str = NextStep.NONE,
    follow_up_on: datetime.date | None = None,
    place: str = "",
):
    """Records a mediation session. Mediators must be among the grid's forces. A failed
    session escalates the matter one tier or refers it to court."""
    mediators = list(mediators)
    forces = {u.pk for u in mediation_forces(matter)}
    errors = []
    if not mediators:
        errors.append({"field": "mediators", "message": _("Choose at least one mediator.")})
    elif any(u.pk not in forces for u in mediators):
        errors.append(
            {"field": "mediators", "message": _("Mediators come from the grid's 1+1+1+N forces.")}
        )
    if outcome not in Outcome.values:
        errors.append({"field": "outcome", "message": _("Choose an outcome.")})
    if outcome in (Outcome.AGREEMENT, Outcome.PARTIAL) and not agreement.strip():
        errors.append({"field": "agreement", "message": _("Write down what was agreed.")})
    if outcome == Outcome.FAILED and next_step not in (NextStep.ESCALATE, NextStep.COURT):
        errors.append(
            {
                "field": "next_step",
                "message": _("A failed mediation is escalated or referred to court."),
            }
        )
    if next_step not in NextStep.values:
        errors.append({"field": "next_step", "message": _("Choose a next step.")})
    if not isinstance(held_on, datetime.date) or held_on > timezone.localdate():
        errors.append({"field": "held_on", "message": _("The date cannot be in the future.")})
    if follow_up_on is not None and isinstance(held_on, datetime.date) and follow_up_on < held_on:
        errors.append(
            {"field": "follow_up_on", "message": _("The follow-up visit comes after the session.")}
        )
    if errors:
        raise Invalid(_("Some fields are not right."), errors=errors)
    with transaction.atomic():
        dispute = _dispute(matter, actor)
        session = MediationSession.objects.create(
            dispute=dispute,
            held_on=held_on,
            place=place[:100],
            outcome=outcome,
            agreement=agreement.strip()[:5000],
            next_step=next_step,
            follow_up_on=follow_up_on,
        )
        session.mediators.set(mediators)
        dispute.follow_up_on = follow_up_on or dispute.follow_up_on
        data = {
            "outcome": outcome,
            "next_step": next_step,
            "mediators": [u.get_username() for u in mediators],
        }
        if next_step == NextStep.COURT:
            dispute.referred_to_court = True
        dispute.save()
        if next_step == NextStep.ESCALATE and matter.tier < Tier.JOINT:
            Matter.objects.filter(pk=matter.pk).update(
                tier=matter.tier + 1, escalated_at=timezone.now()
            )
            data["to_tier"] = matter.tier + 1
        MatterEvent.objects.create(
            matter=matter,
            transition="mediation",
            from_state=matter.state,
            to_state=matter.state,
            actor=actor if is_user(actor) else None,
            actor_label=actor.get_username() if is_user(actor) else str(actor),
            note=session.agreement,
            data=data,
        )
        audit.record(AuditAction.MEDIATION_RECORDED, actor=actor, obj=matter, after=data)
    return session
