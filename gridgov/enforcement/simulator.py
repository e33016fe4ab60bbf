"""A local payment provider: signs notices exactly as a real one would (for the
`gridgov simulate-payment` command and the tests)."""

from __future__ import annotations

import json
import time
import uuid

from .payments import sign


def notice(
    secret: str,
    code: str,
    amount_fen,
    *,
    txn_id: str | None = None,
    timestamp: int | None = None,
    paid_at: str = "2026-11-28T10:00:00+08:00",
):
    """(headers, body) of a signed notice."""
    body = json.dumps(
        {
            "txn_id": txn_id or uuid.uuid4().hex,
            "code": code,
            "amount_fen": amount_fen,
            "paid_at": paid_at,
        }
    ).encode()
    ts = str(timestamp if timestamp is not None else int(time.time()))
    return {"X-Gridgov-Timestamp": ts, "X-Gridgov-Signature": sign(secret, ts, body)}, body
