"""Payment notices from providers: verify, store raw, apply exactly once.

A provider signs each notice: header `X-Gridgov-Timestamp` (Unix seconds) and
`X-Gridgov-Signature` = hex HMAC-SHA256(secret, timestamp + "." + raw body). The body is JSON:
{"txn_id": "…", "code": "…", "amount_fen": 12345, "paid_at": "ISO 8601"}.

A notice that proves it is the provider's (known provider, valid signature, fresh timestamp)
is stored exactly as it came, in its own transaction, before anything else; one that does not
is refused and stores nothing, so a flood of forgeries cannot fill the database. A notice is
applied once per (provider, txn_id): a repeat gets the same success answer and posts nothing;
the same id with a different amount (or code) is a conflict, stored, alerted and never posted.
Money for an unknown, inactive or expired code goes to suspense. A notice a crash or an error
left "received" is settled later by `gridgov sweep` (`settle_stuck`) from its stored body.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import re
import secrets
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gridgov.core import audit, crypto, jsonbody
from gridgov.core.actions import check_admin
from gridgov.core.errors import Invalid
from gridgov.core.models import AuditAction

from . import ledger
from .models import (
    NoticeStatus,
    PaymentApplication,
    PaymentCode,
    PaymentNotice,
    PaymentProvider,
)
from .money import fen, is_fen

log = logging.getLogger(__name__)
MAX_SKEW_SECONDS = 300
SIGNATURE_RE = re.compile(r"[0-9a-fA-F]{64}")
TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def create_provider(name: str, *, actor="cli:create-payment-provider", court=None):
    """Registers a provider (system admins or the system), paying into `court`'s account if
    given; returns it and its secret. One transaction: no provider without its court."""
    from .unclaimed import attribute_provider

    check_admin(actor)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        provider = PaymentProvider.objects.create(name=name, secret_enc=crypto.encrypt(secret))
        audit.record(
            AuditAction.PAYMENT_PROVIDER_CREATED, actor=actor, obj=provider, after={"name": name}
        )
        if court is not None:
            attribute_provider(provider, court, actor=actor)
    return provider, secret


def new_code(case, amount_due_fen: int, *, actor="system", expires_on: datetime.date | None = None):
    """A payment code for a case (一案一码); by the court's enforcement officers."""
    from gridgov.accounts.roles import Role, holds
    from gridgov.core.errors import Forbidden

    if not holds(actor, Role.COURT_OFFICER, case.region_path):
        raise Forbidden(_("Only the court's enforcement officers act on cases."))
    fen(amount_due_fen)
    with transaction.atomic():
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
            if not PaymentCode.objects.filter(code=code).exists():
                break
        payment_code = PaymentCode.objects.create(
            case=case, code=code, amount_due_fen=amount_due_fen, expires_on=expires_on
        )
        audit.record(
            AuditAction.PAYMENT_CODE_CREATED,
            actor=actor,
            obj=case,
            after={"code": code, "amount_due_fen": amount_due_fen},
        )
    return payment_code


class Answer:
    """What the notice endpoint answers. `unauthentic` marks a notice that did not prove it
    came from the provider (the endpoint counts those towards the throttle)."""

    def __init__(self, status: int, body: dict, *, unauthentic: bool = False):
        self.status = status
        self.body = body
        self.unauthentic = unauthentic


def _refuse(status: int, reason: str) -> Answer:
    return Answer(status, {"result": "rejected", "reason": reason}, unauthentic=True)


def _reject(notice: PaymentNotice, status: int, reason: str) -> Answer:
    PaymentNotice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.REJECTED, reason=reason[:200]
    )
    return Answer(status, {"result": "rejected", "reason": reason})


def _parse(body: str) -> dict:
    try:
        with translation.override("en"):  # like every other reason given to providers
            data = jsonbody.loads(body)
    except Invalid as exc:
        raise ValueError(exc.message) from None
    if not isinstance(data, dict):
        raise ValueError("the body is not a JSON object")
    txn = data.get("txn_id")
    code = data.get("code")
    amount = data.get("amount_fen")
    if not isinstance(txn, str) or not txn.strip() or len(txn) > 64:
        raise ValueError("txn_id must be a non-empty string of at most 64 characters")
    if not isinstance(code, str) or len(code) > 16:
        raise ValueError("code must be a string of at most 16 characters")
    if not is_fen(amount):
        raise ValueError("amount_fen must be a positive whole number of fen")
    paid_at = parse_datetime(data["paid_at"]) if isinstance(data.get("paid_at"), str) else None
    return {
        "txn_id": txn.strip(),
        "code": code.strip().upper(),
        "amount_fen": amount,
        "paid_at": paid_at,
    }


def _signed(provider: PaymentProvider, timestamp: str, signature: str, body: bytes) -> bool:
    expected = sign(crypto.decrypt(provider.secret_enc), timestamp, body)
    return crypto.hex_digest_matches(expected, signature)


def handle_notice(
    provider_name: str, timestamp: str, signature: str, body: bytes, *, now: float | None = None
) -> Answer:
    timestamp, signature = timestamp or "", signature or ""
    # 1. authenticity and freshness first: what is not the provider's stores nothing
    provider = PaymentProvider.objects.filter(name=provider_name, active=True).first()
    if provider is None:
        return _refuse(404, "unknown provider")
    if not (SIGNATURE_RE.fullmatch(signature) and TIMESTAMP_RE.fullmatch(timestamp)):
        return _refuse(400, "malformed signature or timestamp header")
    if not _signed(provider, timestamp, signature, body):
        return _refuse(401, "bad signature")
    if abs((now or time.time()) - int(timestamp)) > MAX_SKEW_SECONDS:
        return _refuse(401, "timestamp more than 5 minutes off")
    # 2. keep the notice exactly as it came, in its own transaction, whatever happens next
    try:
        text, status = body.decode("utf-8"), NoticeStatus.RECEIVED
    except UnicodeDecodeError:
        text, status = body.decode("utf-8", "replace"), NoticeStatus.REJECTED
    with transaction.atomic():
        notice = PaymentNotice.objects.create(
            provider_name=provider.name,
            timestamp=timestamp,
            signature=signature,
            raw_body=text,
            status=status,
            reason="" if status == NoticeStatus.RECEIVED else "malformed body: not UTF-8",
        )
    if status == NoticeStatus.REJECTED:
        return Answer(400, {"result": "rejected", "reason": notice.reason})
    return _settle(provider, notice)


def _settle(provider: PaymentProvider, notice: PaymentNotice) -> Answer:
    """Steps 3 and 4 for a stored, authentic notice: read it, then post it at most once."""
    try:
        data = _parse(notice.raw_body)
    except ValueError as exc:
        return _reject(notice, 400, f"malformed body: {exc}")
    PaymentNotice.objects.filter(pk=notice.pk).update(txn_id=data["txn_id"])
    ok = {"result": "ok", "txn_id": data["txn_id"]}
    prior = PaymentApplication.objects.filter(provider=provider, txn_id=data["txn_id"]).first()
    if prior is None:
        try:
            with transaction.atomic():  # the posting and the notice's status, or neither
                status = _apply(provider, notice, data)
                PaymentNotice.objects.filter(pk=notice.pk).update(status=status)
            return Answer(200, ok)
        except IntegrityError:  # the same transaction applied concurrently
            prior = PaymentApplication.objects.get(provider=provider, txn_id=data["txn_id"])
    if prior.notice_id == notice.pk:  # this very notice was posted (by a concurrent sweep)
        status = NoticeStatus.APPLIED if prior.case_id else NoticeStatus.SUSPENSE
        PaymentNotice.objects.filter(pk=notice.pk).update(status=status)
        return Answer(200, ok)
    if prior.amount_fen == data["amount_fen"] and prior.code == data["code"]:
        PaymentNotice.objects.filter(pk=notice.pk).update(status=NoticeStatus.DUPLICATE)
        return Answer(200, ok)
    PaymentNotice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.CONFLICT,
        reason=f"already applied with {prior.amount_fen} fen / code {prior.code}"[:200],
    )
    _alert(prior, data)
    return Answer(409, {"result": "conflict", "txn_id": data["txn_id"]})


# --- notices cut short ------------------------------------------------------------------------


def _stuck(now: datetime.datetime | None = None):
    since = (now or timezone.now()) - datetime.timedelta(
        seconds=settings.GRIDGOV_NOTICE_STUCK_SECONDS
    )
    return PaymentNotice.objects.filter(status=NoticeStatus.RECEIVED, received_at__lt=since)


def stuck_notices(user):
    """Notices left "received" by a crash or an error, for the finance desk: all of them for
    system admins and court finance at a root of the region tree; for other court finance,
    those whose (signed) body names a payment code of a case they see."""
    from gridgov.accounts.roles import Role, holds_at_top, roles_of

    from .models import Court, EnforcementCase

    qs = _stuck().order_by("received_at")
    if holds_at_top(user, Role.SYSTEM_ADMIN, Role.COURT_FINANCE):
        return qs
    if Role.COURT_FINANCE not in roles_of(user):
        return qs.none()
    # theirs once settled: on a provider paying into one of their courts (unclaimed money),
    # or naming a payment code of one of their cases
    providers = PaymentProvider.objects.filter(court__in=Court.objects.visible_to(user))
    named = {}
    for pk, raw in qs.values_list("pk", "raw_body")[:500]:
        try:
            named[pk] = _parse(raw)["code"]
        except ValueError:
            continue
    codes = set(
        PaymentCode.objects.filter(
            code__in=set(named.values()), case__in=EnforcementCase.objects.visible_to(user)
        ).values_list("code", flat=True)
    )
    return qs.filter(
        Q(provider_name__in=providers.values("name"))
        | Q(pk__in=[pk for pk, code in named.items() if code in codes])
    )


def settle_stuck(now: datetime.datetime | None = None) -> list[Answer]:
    """Settles every stuck notice from its stored body, as if it had just arrived: its
    signature is checked again (not its age), and the apply-once rule holds, so a notice
    already posted posts nothing. Called by `gridgov sweep`; each one is audited."""
    answers = []
    for pk in _stuck(now).order_by("pk").values_list("pk", flat=True):
        try:
            answer = _settle_stuck_one(pk)
        except Exception:  # one notice that always fails must not hold up those after it
            log.exception("payment notice #%s could not be settled; left for the next sweep", pk)
            continue
        if answer is not None:
            answers.append(answer)
    return answers


def _settle_stuck_one(pk: int) -> Answer | None:
    """One stuck notice, claimed, settled and audited in one transaction (None: another
    sweep settled it meanwhile)."""
    with transaction.atomic():
        notice = (
            PaymentNotice.objects.select_for_update()
            .filter(pk=pk, status=NoticeStatus.RECEIVED)
            .first()
        )
        if notice is None:
            return None
        provider = PaymentProvider.objects.filter(name=notice.provider_name).first()
        if provider is None:
            answer = _reject(notice, 404, "unknown provider")
        elif not _signed(provider, notice.timestamp, notice.signature, notice.raw_body.encode()):
            answer = _reject(notice, 401, "bad signature")
        else:
            answer = _settle(provider, notice)
        notice.refresh_from_db()
        audit.record(
            AuditAction.PAYMENT_NOTICE_SETTLED,
            actor="system:sweep",
            obj=notice,
            after={"status": notice.status, "txn_id": notice.txn_id, "answer": answer.status},
        )
    return answer


def sweep_line() -> str:
    """`gridgov sweep`'s line for payment notices."""
    return f"settled {len(settle_stuck())} interrupted payment notices"


def _apply(provider, notice, data) -> str:
    today = timezone.localdate()
    code = PaymentCode.objects.filter(code=data["code"], active=True).select_related("case").first()
    usable = code is not None and (code.expires_on is None or code.expires_on >= today)
    case = code.case if usable else None
    entry = ledger.receive(
        data["amount_fen"],
        case=case,
        court=None if case else provider.court,  # unclaimed: with the court whose account it is
        actor=f"payment:{provider.name}",
        memo=f"{provider.name} {data['txn_id']} code {data['code']}",
    )
    PaymentApplication.objects.create(
        provider=provider,
        txn_id=data["txn_id"],
        amount_fen=data["amount_fen"],
        code=data["code"],
        case=case,
        entry=entry,
        notice=notice,
        paid_at=data["paid_at"],
    )
    return NoticeStatus.APPLIED if case else NoticeStatus.SUSPENSE


def _alert(prior: PaymentApplication, data: dict) -> None:
    """Tells court finance over the case (for unclaimed money: over the provider's court) that
    a provider sent a conflicting notice."""
    from gridgov.accounts.roles import Role
    from gridgov.notifications.actions import notify, staff_over

    from .unclaimed import finance_for

    if prior.case_id:
        users = staff_over(prior.case.region_path, roles=(Role.COURT_FINANCE,))
    else:
        users = finance_for(prior.provider)
    notify(
        users,
        "conflict",
        None,
        f"{prior.provider.name} {data['txn_id']}: {data['amount_fen']} fen "
        f"≠ {prior.amount_fen} fen applied",
    )
