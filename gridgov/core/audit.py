"""The audit trail: append-only, hash-chained, written inside the action's transaction.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's own content in
canonical JSON, so editing, deleting or reordering any row breaks the chain from there on;
the head row holds the newest hash so that removing the newest entries is caught as well.
Writers lock the head row (SELECT ... FOR UPDATE; on SQLite every write transaction is
already exclusive) so concurrent actions chain one after another.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .context import current_request_id
from .models import AuditAction, AuditEntry, AuditHead

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, *, exclude: Iterable[str] = ()) -> dict:
    """The object's concrete fields as JSON; models name secret fields in `audit_exclude`."""
    skip = set(exclude) | set(getattr(obj, "audit_exclude", ()))
    data = {}
    for field in obj._meta.concrete_fields:
        if field.attname in skip or field.name in skip:
            continue
        data[field.attname] = _jsonable(field.value_from_object(obj))
    return data


def _canonical(entry: AuditEntry) -> bytes:
    payload = [
        entry.prev_hash,
        entry.created_at.astimezone(datetime.UTC).isoformat(),
        entry.actor_id,
        entry.actor_label,
        int(entry.action),
        entry.object_type,
        entry.object_id,
        entry.object_repr,
        entry.region_path,
        entry.before,
        entry.after,
        entry.request_id,
    ]
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


@dataclasses.dataclass
class Change:
    """One change to record; `obj` may be given instead of the type/id/repr triple."""

    action: AuditAction
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    region_path: str = ""
    before: dict | None = None
    after: dict | None = None


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    return actor.pk, actor.get_username()


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def record_many(changes: list[Change], *, actor) -> list[AuditEntry]:
    """Appends entries for `changes`; must run inside the action's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit entries are written inside the action's transaction")
    if not changes:
        return []
    actor_id, actor_label = _actor_fields(actor)
    request_id = current_request_id()
    now = timezone.now()
    head = _lock_head()
    prev = head.last_hash or GENESIS
    entries = []
    for change in changes:
        obj = change.obj
        entry = AuditEntry(
            created_at=now,
            actor_id=actor_id,
            actor_label=actor_label[:150],
            action=int(change.action),
            object_type=change.object_type or (obj._meta.label_lower if obj else ""),
            object_id=change.object_id or (str(obj.pk) if obj is not None else ""),
            object_repr=(change.object_repr or (str(obj) if obj is not None else ""))[:200],
            region_path=change.region_path
            or (getattr(obj, "scope_path", "") if obj is not None else ""),
            before=_jsonable(change.before) if change.before is not None else None,
            after=_jsonable(change.after) if change.after is not None else None,
            request_id=request_id,
            prev_hash=prev,
        )
        entry.hash = compute_hash(entry)
        prev = entry.hash
        entries.append(entry)
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    AuditHead.objects.filter(pk=1).update(last_id=entries[-1].pk, last_hash=prev)
    return entries


def record(action: AuditAction, *, actor, obj=None, **fields) -> AuditEntry:
    return record_many([Change(action=action, obj=obj, **fields)], actor=actor)[0]


@dataclasses.dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Walks the chain oldest first; names the first entry whose hash or link is wrong."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        batch = list(
            AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size].iterator()
        )
        if not batch:
            break
        for entry in batch:
            if entry.prev_hash != prev:
                return VerifyResult(False, checked, entry.pk, "link to previous entry broken")
            if compute_hash(entry) != entry.hash:
                return VerifyResult(False, checked, entry.pk, "content does not match its hash")
            prev = entry.hash
            checked += 1
            last_id = entry.pk
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash and head.last_hash != prev:
        return VerifyResult(False, checked, head.last_id, "newest entries missing")
    return VerifyResult(True, checked)


def history_for(obj: models.Model):
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")


def atomic_action(fn):
    """Runs an action in one transaction (nested calls join the outer one)."""

    def wrapper(*args, **kwargs):
        with transaction.atomic():
            return fn(*args, **kwargs)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    wrapper.__wrapped__ = fn
    return wrapper
