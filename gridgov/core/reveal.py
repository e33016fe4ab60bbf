"""The one gate for seeing personal data whole (a resident's or a case party's ID number
and phone): one person at a time, for a stated reason, a limited number of times an hour.

    reason = reveal.record(AuditAction.RESIDENT_REVEALED, actor=user, obj=resident,
                           region_path=resident.region_path, reason=reason)

`record` checks the reason (a few words, not blank), counts the reveal against the user's
hourly limit (`GRIDGOV_REVEALS_PER_HOUR`, default 20, one count across every kind of
reveal) and writes the audit entry in one transaction. Past the limit nothing is shown: the
refusal is audited, the user's supervisors (`roles.supervisors`) are told once per hour, and
TooMany (429) is raised. Views that show revealed data wrap their answer in `no_store`.
The system (a label actor: CLI, demo) is not counted."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gridgov.accounts import roles

from . import actors, audit, ratelimit
from .actions import is_user
from .errors import Invalid, TooMany
from .models import AuditAction

REASON_MIN = 4  # letters or characters: 入户核实, "check ID"
REASON_MAX = 200
SCOPE = "reveal"
ALERT_SCOPE = "reveal-alert"


def per_hour() -> int:
    return int(getattr(settings, "GRIDGOV_REVEALS_PER_HOUR", 20))


def clean_reason(reason) -> str:
    """The reason with its spaces tidied; Invalid unless it holds a few words."""
    if not isinstance(reason, str):
        reason = ""
    text = " ".join(reason.split())
    letters = [c for c in text if c.isalnum()]
    if len(letters) < REASON_MIN or len(set(letters)) < 2:
        raise Invalid(
            _("Say in a few words why you need the whole number (at least %(n)d characters).")
            % {"n": REASON_MIN},
            errors=[{"field": "reason", "message": _("Give a reason.")}],
        )
    if len(text) > REASON_MAX:
        raise Invalid(
            _("The reason is at most %(n)d characters.") % {"n": REASON_MAX},
            errors=[{"field": "reason", "message": _("Shorten the reason.")}],
        )
    return text


def record(action: AuditAction, *, actor, obj, region_path: str, reason, after=None) -> str:
    """Checks the reason and the user's hourly limit, then records the reveal; returns the
    reason as recorded. Call it after the permission check and before decrypting."""
    reason = clean_reason(reason)
    after = {"fields": ["id_number", "phone"], **(after or {}), "reason": reason}
    try:
        with transaction.atomic():
            if is_user(actor):  # exact under parallel requests (ratelimit.hit locks)
                ratelimit.hit(SCOPE, f"user:{actor.pk}", limit=per_hour(), window=ratelimit.HOUR)
            audit.record(action, actor=actor, obj=obj, region_path=region_path, after=after)
    except TooMany as refused:
        _refuse(actor, obj, region_path, action)
        wait = refused.retry_after or 0
        minutes = max(1, math.ceil(wait / 60))
        raise TooMany(
            ngettext(
                "You have seen whole ID numbers and phones %(n)d times in the last hour, the "
                "most allowed; your supervisors have been told. You can see more again in "
                "%(minutes)d minute.",
                "You have seen whole ID numbers and phones %(n)d times in the last hour, the "
                "most allowed; your supervisors have been told. You can see more again in "
                "%(minutes)d minutes.",
                minutes,
            )
            % {"n": per_hour(), "minutes": minutes},
            retry_after=wait,
        ) from None
    return reason


def _refuse(actor, obj, region_path: str, action: AuditAction) -> None:
    """The refusal is audited every time; the supervisors hear of it once an hour."""
    from gridgov.notifications.actions import notify
    from gridgov.notifications.models import Kind

    with transaction.atomic():
        audit.record(
            AuditAction.REVEAL_REFUSED,
            actor=actor,
            obj=obj,
            region_path=region_path,
            after={"limit": per_hour(), "kind": int(action)},
        )
        if ratelimit.once(ALERT_SCOPE, f"user:{actor.pk}", ratelimit.HOUR):
            notify(
                roles.supervisors(actor, region_path),
                Kind.REVEALS,
                None,
                _(
                    "%(user)s has seen whole ID numbers and phones %(n)d times within an "
                    "hour and was stopped. Open the list of whom they saw and why, and talk "
                    "with them if the reasons do not fit their work."
                )
                % {"user": actors.display(actor), "n": per_hour()},
                link=reverse("audit")
                + "?"
                + urlencode({"actor": actor.get_username(), "action": int(action)}),
            )


def no_store(response):
    """Marks an answer carrying revealed data as never to be kept by a browser or proxy."""
    patch_cache_control(response, no_store=True)
    response["Pragma"] = "no-cache"  # HTTP/1.0 caches
    return response
