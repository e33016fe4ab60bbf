"""Agency linkage (执行联动): asset inquiries to social security, housing, the central bank
branch, real estate and vehicle registries, through a small connector interface.

A connector has three methods (see `Connector`): `send` delivers a request, `replies`
yields the answers waiting, `done` files an answer away as accepted or rejected. The
default, `FileDropConnector`, is a local directory exchange:

    GRIDGOV_LINKAGE_DIR/outbox/<agency>/<ref>.json   requests, mode 0600 (ID numbers inside)
    GRIDGOV_LINKAGE_DIR/inbox/*.json                 answers the agencies drop in
    GRIDGOV_LINKAGE_DIR/processed/, rejected/        answers after `gridgov linkage poll`

An answer is one JSON object {"ref", "agency", "answered_at", "found": [{"kind",
"description", "amount_fen"}], "signature"}, where signature is hex HMAC-SHA256 over the
canonical JSON of every other field (sorted keys, no spaces, UTF-8), keyed with the
agency's secret (`gridgov linkage secret AGENCY`, derived from GRIDGOV_LINKAGE_KEY).
`gridgov linkage answer REF` plays the agency's part for tests and the demo.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Role, holds
from gridgov.core import audit, crypto
from gridgov.core.actions import is_user
from gridgov.core.errors import Conflict, Forbidden, Invalid
from gridgov.core.models import AuditAction

from .models import Agency, AssetInquiry, CaseParty, CaseState, InquiryState, PartyRole


class Connector(Protocol):
    def send(self, agency: str, ref: str, payload: dict) -> None: ...

    def replies(self) -> Iterator[tuple[str, bytes]]: ...

    def done(self, name: str, ok: bool, reason: str = "") -> None: ...


class FileDropConnector:
    def __init__(self, base: Path | None = None):
        self.base = Path(base or settings.GRIDGOV_LINKAGE_DIR)

    def send(self, agency: str, ref: str, payload: dict) -> None:
        folder = self.base / "outbox" / agency
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{ref}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1)
        tmp.replace(folder / f"{ref}.json")  # whole files only, never half-written

    def request(self, agency: str, ref: str) -> dict:
        return json.loads((self.base / "outbox" / agency / f"{ref}.json").read_text("utf-8"))

    def replies(self) -> Iterator[tuple[str, bytes]]:
        inbox = self.base / "inbox"
        if inbox.is_dir():
            for path in sorted(inbox.glob("*.json")):
                yield path.name, path.read_bytes()

    def drop_reply(self, name: str, body: bytes) -> None:
        inbox = self.base / "inbox"
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / f".{name}.tmp").write_bytes(body)
        (inbox / f".{name}.tmp").replace(inbox / name)

    def done(self, name: str, ok: bool, reason: str = "") -> None:
        target = self.base / ("processed" if ok else "rejected")
        target.mkdir(parents=True, exist_ok=True)
        (self.base / "inbox" / name).replace(target / name)
        if not ok:
            (target / f"{name}.reason.txt").write_text(reason + "\n", encoding="utf-8")


def connector() -> Connector:
    return import_string(settings.GRIDGOV_LINKAGE_CONNECTOR)()


def agency_secret(agency: str) -> str:
    key = settings.GRIDGOV_LINKAGE_KEY.encode()
    return hmac.new(key, f"linkage:{agency}".encode(), hashlib.sha256).hexdigest()


def canonical(fields: dict) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(agency: str, fields: dict) -> str:
    return hmac.new(agency_secret(agency).encode(), canonical(fields), hashlib.sha256).hexdigest()


def send_inquiry(party: CaseParty, agency: str, *, actor) -> AssetInquiry:
    case = party.case
    if not holds(actor, Role.COURT_OFFICER, case.region_path):
        raise Forbidden(_("Only the court's enforcement officers send asset inquiries."))
    if agency not in Agency.values:
        raise Invalid(_("No such agency."))
    if party.role != PartyRole.RESPONDENT or not party.id_enc:
        raise Invalid(_("Inquiries are about a respondent with an ID number or credit code."))
    if case.state == CaseState.CLOSED:
        raise Conflict(_("The case is closed."))
    ref = f"{timezone.localdate():%Y%m%d}-{secrets.token_hex(6)}"
    payload = {
        "ref": ref,
        "agency": agency,
        "court": case.court.name,
        "case_number": case.number,
        "subject": {
            "name": party.name,
            "kind": party.kind,
            "id_number": crypto.decrypt(party.id_enc),
        },
        "asked_at": timezone.now().isoformat(),
    }
    with transaction.atomic():
        inquiry = AssetInquiry.objects.create(
            case=case,
            party=party,
            agency=agency,
            ref=ref,
            requested_by=actor if is_user(actor) else None,
            request_enc=crypto.encrypt(json.dumps(payload, ensure_ascii=False)),
        )
        audit.record(
            AuditAction.INQUIRY_SENT,
            actor=actor,
            obj=case,
            after={"ref": ref, "agency": agency, "party": party.pk},
        )
        connector().send(agency, ref, payload)  # a failure here rolls the inquiry back
    return inquiry


@dataclasses.dataclass
class PollResult:
    accepted: list[str] = dataclasses.field(default_factory=list)
    rejected: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def _check(raw: bytes) -> tuple[AssetInquiry, dict]:
    try:
        data = json.loads(raw.decode("utf-8"))
        signature = data.pop("signature")
        ref, agency, found = data["ref"], data["agency"], data["found"]
        if not isinstance(found, list) or not all(isinstance(f, dict) for f in found):
            raise ValueError("found is not a list of objects")
        for f in found:
            amount = f.get("amount_fen")
            if amount is not None and (not isinstance(amount, int) or amount < 0):
                raise ValueError("amount_fen is not a whole non-negative number")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise Invalid(f"malformed answer: {exc}") from None
    if agency not in Agency.values or not crypto.hex_digest_matches(sign(agency, data), signature):
        raise Invalid("bad signature")
    inquiry = AssetInquiry.objects.filter(ref=ref, agency=agency).first()
    if inquiry is None:
        raise Invalid("no such inquiry")
    return inquiry, data


def poll() -> PollResult:
    """Takes in every answer waiting: verified, stored raw, applied to its inquiry once."""
    from gridgov.notifications.actions import notify

    result, conn = PollResult(), connector()
    for name, raw in conn.replies():
        try:
            inquiry, data = _check(raw)
            with transaction.atomic():
                if not AssetInquiry.objects.filter(pk=inquiry.pk, state=InquiryState.SENT).update(
                    state=InquiryState.ANSWERED,
                    response_raw=raw.decode("utf-8"),
                    findings=data["found"],
                    answered_at=timezone.now(),
                ):
                    raise Invalid("already answered")
                audit.record(
                    AuditAction.INQUIRY_ANSWERED,
                    actor=f"linkage:{inquiry.agency}",
                    obj=inquiry.case,
                    after={"ref": inquiry.ref, "found": len(data["found"])},
                )
                if inquiry.requested_by_id:
                    notify(
                        [inquiry.requested_by],
                        "linkage",
                        None,
                        # short enough for the inbox's line; the reference is on the case page
                        _("%(agency)s answered the asset inquiry on %(case)s: %(n)s found")
                        % {
                            "agency": inquiry.get_agency_display(),
                            "case": inquiry.case.number,
                            "n": len(data["found"]),
                        },
                        link=reverse("enforcement:case", args=[inquiry.case_id]),
                    )
        except Invalid as exc:
            conn.done(name, False, exc.message)
            result.rejected.append((name, exc.message))
        else:
            conn.done(name, True)
            result.accepted.append(name)
    return result


def answer(ref: str, found: list[dict], *, base: Path | None = None) -> str:
    """The agency's side (local stand-in): reads the request and drops a signed answer."""
    conn = FileDropConnector(base)
    inquiry = AssetInquiry.objects.get(ref=ref)
    request = conn.request(inquiry.agency, ref)
    fields = {
        "ref": request["ref"],
        "agency": request["agency"],
        "answered_at": timezone.now().isoformat(),
        "found": found,
    }
    body = canonical({**fields, "signature": sign(inquiry.agency, fields)})
    name = f"{ref}.json"
    conn.drop_reply(name, body)
    return name
