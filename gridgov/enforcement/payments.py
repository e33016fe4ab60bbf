"""Payment notices from providers: verify, store raw, apply exactly once.

A provider signs each notice: header `X-Gridgov-Timestamp` (Unix seconds) and
`X-Gridgov-Signature` = hex HMAC-SHA256(secret, timestamp + "." + raw body). The body is JSON:
{"txn_id": "…", "code": "…", "amount_fen": 12345, "paid_at": "ISO 8601"}.

Every notice is stored exactly as it came, in its own transaction, before anything else.
A notice is applied once per (provider, txn_id): a repeat gets the same success answer and
posts nothing; the same id with a different amount (or code) is a conflict, stored, alerted
and never posted. Money for an unknown, inactive or expired code goes to suspense.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
import time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gridgov.core import audit, crypto
from gridgov.core.actions import check_admin
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

MAX_SKEW_SECONDS = 300
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def create_provider(name: str, *, actor="cli:create-payment-provider"):
    """Registers a provider (system admins or the system); returns it and its secret."""
    check_admin(actor)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        provider = PaymentProvider.objects.create(name=name, secret_enc=crypto.encrypt(secret))
        audit.record(
            AuditAction.PAYMENT_PROVIDER_CREATED, actor=actor, obj=provider, after={"name": name}
        )
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
    def __init__(self, status: int, body: dict):
        self.status = status
        self.body = body


def _reject(notice: PaymentNotice, status: int, reason: str) -> Answer:
    PaymentNotice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.REJECTED, reason=reason[:200]
    )
    return Answer(status, {"result": "rejected", "reason": reason})


def _parse(body: bytes) -> dict:
    data = json.loads(body.decode("utf-8"))
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


def handle_notice(
    provider_name: str, timestamp: str, signature: str, body: bytes, *, now: float | None = None
) -> Answer:
    # 1. keep the notice exactly as it came, whatever happens next
    with transaction.atomic():
        notice = PaymentNotice.objects.create(
            provider_name=provider_name[:32],
            timestamp=(timestamp or "")[:32],
            signature=(signature or "")[:128],
            raw_body=body.decode("utf-8", "replace"),
        )
    provider = PaymentProvider.objects.filter(name=provider_name, active=True).first()
    if provider is None:
        return _reject(notice, 404, "unknown provider")
    # 2. authenticity and freshness
    expected = sign(crypto.decrypt(provider.secret_enc), timestamp or "", body)
    if not hmac.compare_digest(expected, (signature or "").lower()):
        return _reject(notice, 401, "bad signature")
    try:
        skew = abs((now or time.time()) - int(timestamp))
    except (TypeError, ValueError):
        return _reject(notice, 400, "bad timestamp")
    if skew > MAX_SKEW_SECONDS:
        return _reject(notice, 401, "timestamp more than 5 minutes off")
    # 3. content
    try:
        data = _parse(body)
    except (ValueError, UnicodeDecodeError, KeyError, TypeError) as exc:
        return _reject(notice, 400, f"malformed body: {exc}")
    PaymentNotice.objects.filter(pk=notice.pk).update(txn_id=data["txn_id"])
    # 4. exactly once
    ok = {"result": "ok", "txn_id": data["txn_id"]}
    prior = PaymentApplication.objects.filter(provider=provider, txn_id=data["txn_id"]).first()
    if prior is None:
        try:
            with transaction.atomic():
                status = _apply(provider, notice, data)
            PaymentNotice.objects.filter(pk=notice.pk).update(status=status)
            return Answer(200, ok)
        except IntegrityError:  # the same transaction applied concurrently
            prior = PaymentApplication.objects.get(provider=provider, txn_id=data["txn_id"])
    if prior.amount_fen == data["amount_fen"] and prior.code == data["code"]:
        PaymentNotice.objects.filter(pk=notice.pk).update(status=NoticeStatus.DUPLICATE)
        return Answer(200, ok)
    PaymentNotice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.CONFLICT,
        reason=f"already applied with {prior.amount_fen} fen / code {prior.code}"[:200],
    )
    _alert(prior, data)
    return Answer(409, {"result": "conflict", "txn_id": data["txn_id"]})


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
