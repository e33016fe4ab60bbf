"""Idempotent intake: a client that retries a POST with the same Idempotency-Key gets the
first answer and nothing is created twice; the same key with a different body is a 409."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .errors import Conflict, Invalid
from .models import IdempotencyRecord

MAX_KEY = 128


def run_once(client: str, key: str | None, body: bytes, fn: Callable[[], tuple[int, object]]):
    """Runs `fn` (returning (status, JSON-able payload)) once per (client, key)."""
    if not key:
        return fn()
    key = key.strip()
    if not key or len(key) > MAX_KEY:
        raise Invalid(_("An Idempotency-Key has 1 to 128 characters."))
    digest = hashlib.sha256(body or b"").hexdigest()

    def replay(record: IdempotencyRecord):
        if record.body_hash != digest:
            raise Conflict(_("This Idempotency-Key was used with a different request."))
        return record.status, record.response

    found = IdempotencyRecord.objects.filter(client=client, key=key).first()
    if found is not None:
        return replay(found)
    try:
        with transaction.atomic():
            status, payload = fn()
            payload = json.loads(json.dumps(payload, default=str))
            IdempotencyRecord.objects.create(
                client=client, key=key, body_hash=digest, status=status, response=payload
            )
    except IntegrityError:
        # a concurrent retry got there first: its work stands, ours was rolled back
        found = IdempotencyRecord.objects.filter(client=client, key=key).first()
        if found is None:
            raise
        return replay(found)
    return status, payload
