"""Notifying people about matters: an inbox row each, written with the change that
caused it; SMS (for those with a phone on record) after the transaction commits."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role, ancestor_paths

from .models import Notification
from .sms import gateway


def notify(users, kind: str, matter, text: str, *, sms: bool = False, link: str = "") -> int:
    """Tells `users` (once each) about `matter`, or about the page at `link`."""
    users = {u.pk: u for u in users if u is not None}.values()
    Notification.objects.bulk_create(
        [
            Notification(user=u, kind=kind, matter=matter, text=text[:300], link=link[:200])
            for u in users
        ]
    )
    phones = [u.phone for u in users if sms and getattr(u, "phone", "")]
    if phones:
        transaction.on_commit(lambda: [gateway().send(p, text) for p in phones])
    return len(users)


def unit_handlers(unit_id: int, region_path: str):
    """Department handlers of the unit whose scope covers the place."""
    return [
        a.user
        for a in RoleAssignment.objects.filter(
            role=Role.DEPARTMENT_HANDLER, unit_id=unit_id
        ).select_related("user", "region")
        if region_path.startswith(a.region.path)
    ]


def staff_over(region_path: str, roles=(Role.COMMUNITY_STAFF,), depth_path: str | None = None):
    """Staff holding one of `roles` at a node above (or at) the place (only at the node of
    `depth_path`, when given)."""
    above = ancestor_paths(region_path)
    if depth_path is not None:
        above = [p for p in above if p == depth_path]
    return [
        a.user
        for a in RoleAssignment.objects.filter(
            role__in=roles, region__path__in=above
        ).select_related("user")
    ]


def mark_read(user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
