"""Case parties: several applicants and respondents per case, personal data protected as in
base data (encrypted, blind-indexed, masked; revealed only with a reason, audited)."""

from __future__ import annotations

import dataclasses
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Role, holds
from gridgov.core import crypto
from gridgov.core import reveal as reveal_gate
from gridgov.core.errors import Forbidden, Invalid
from gridgov.core.models import AuditAction
from gridgov.core.validators import validate_id_number, validate_phone

from .models import CaseParty, EnforcementCase, PartyKind, PartyRole

CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")  # 统一社会信用代码


@dataclasses.dataclass
class PartyInput:
    role: str
    name: str
    kind: str = PartyKind.PERSON
    id_number: str = ""
    phone: str = ""


def clean(parties: list[PartyInput]) -> list[PartyInput]:
    """Checks every party and lists every problem at once; Invalid if any."""
    errors, out = [], []
    for n, p in enumerate(parties, start=1):
        name, ident = (p.name or "").strip(), (p.id_number or "").strip().upper()
        if p.role not in PartyRole.values or p.kind not in PartyKind.values:
            errors.append({"row": n, "column": "role", "message": _("Unknown role or kind.")})
            continue
        if not name:
            errors.append({"row": n, "column": "name", "message": _("A party needs a name.")})
        try:
            if ident and p.kind == PartyKind.PERSON:
                ident = validate_id_number(ident)
            phone = validate_phone(p.phone)
        except ValidationError as exc:
            errors.append({"row": n, "column": "id_number", "message": exc.messages[0]})
            continue
        if ident and p.kind == PartyKind.ORGANISATION and not CREDIT_CODE.match(ident):
            errors.append(
                {
                    "row": n,
                    "column": "id_number",
                    "message": _("A unified social credit code has 18 characters."),
                }
            )
        out.append(PartyInput(p.role, name[:100], p.kind, ident, phone))
    if errors:
        raise Invalid(_("Some parties are not valid."), errors=errors)
    if {p.role for p in out} != {PartyRole.APPLICANT, PartyRole.RESPONDENT}:
        raise Invalid(_("A case has at least one applicant and one respondent."))
    return out


def summary(parties: list[PartyInput], role: str) -> str:
    names = [p.name for p in parties if p.role == role]
    more = _(" and %(n)s more") % {"n": len(names) - 1} if len(names) > 1 else ""
    return (names[0] + more)[:200]


def save(case: EnforcementCase, parties: list[PartyInput]) -> list[CaseParty]:
    """Writes cleaned parties for a new case (inside the filing transaction)."""
    return CaseParty.objects.bulk_create(
        [
            CaseParty(
                case=case,
                role=p.role,
                kind=p.kind,
                name=p.name,
                id_enc=crypto.encrypt(p.id_number) if p.id_number else "",
                id_index=crypto.blind_index(p.id_number),
                id_masked=crypto.mask_id_number(p.id_number) if p.id_number else "",
                phone_enc=crypto.encrypt(p.phone) if p.phone else "",
                phone_masked=crypto.mask_phone(p.phone) if p.phone else "",
                position=n,
            )
            for n, p in enumerate(parties)
        ]
    )


def reveal(party: CaseParty, *, actor, reason: str) -> dict[str, str]:
    """The whole ID number and phone of one party, for the court's enforcement officers,
    with a reason; counted against the user's hourly limit and audited
    (gridgov.core.reveal)."""
    if not holds(actor, Role.COURT_OFFICER, party.case.region_path):
        raise Forbidden(_("Only the court's enforcement officers see a party's data."))
    reveal_gate.record(
        AuditAction.CASE_PARTY_REVEALED,
        actor=actor,
        obj=party.case,
        region_path=party.case.region_path,
        reason=reason,
        after={"party": party.pk},
    )
    return {
        "id_number": crypto.decrypt(party.id_enc) if party.id_enc else "",
        "phone": crypto.decrypt(party.phone_enc) if party.phone_enc else "",
    }


def cases_of(queryset, id_number: str):
    """Cases in `queryset` with a party of this exact ID number or credit code."""
    return queryset.filter(parties__id_index=crypto.blind_index(id_number.strip().upper()))
