"""Notifying people: an inbox row each, written with the change that caused it; SMS (for
those with a phone on record) after the transaction commits.

Who is told what about a matter is decided in one place, gridgov.matters.workflow.handoff;
this module only writes, settles and reads notices."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role, ancestor_paths

from .models import ACT_KINDS, Notification
from .sms import gateway

# what a public reporter's contact must look like to get an SMS (an e-mail address gets none)
PHONE = re.compile(r"^\+?\d[\d -]{6,18}\d$")


def notify(
    users, kind: str, matter, text: str, *, sms: bool = False, link: str = "", exclude=None
) -> int:
    """Tells `users` (once each, never `exclude`, the one who acted) about `matter`, or
    about the page at `link`."""
    skip = getattr(exclude, "pk", None)
    users = {u.pk: u for u in users if u is not None and u.pk != skip}.values()
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


def text_phone(phone: str, text: str) -> bool:
    """Sends `text` by SMS to a phone left by a member of the public, after the commit.
    False (nothing sent) when `phone` does not look like one."""
    phone = (phone or "").strip()
    if not PHONE.match(phone):
        return False
    transaction.on_commit(lambda: gateway().send(phone, text))
    return True


def settle(matter, kinds=ACT_KINDS) -> int:
    """Marks done every notice of `kinds` about `matter` still waiting: the matter moved on,
    so what they asked for is done or no longer asked (whoever did it)."""
    return Notification.objects.filter(
        matter=matter, kind__in=list(kinds), done_at__isnull=True
    ).update(done_at=timezone.now())


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
            role__in=roles, region__path__in=above, user__is_active=True
        ).select_related("user")
    ]


def mark_read(user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    """What the badge shows: the user's notices neither read nor done."""
    return Notification.objects.filter(user=user).waiting().count()
