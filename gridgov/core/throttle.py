"""One throttle for every way in that takes a secret: the login page, the admin's login, API
bearer tokens, Open311 api_keys and payment providers' signatures.

Built on django-axes. Failures are counted in the database (so every app server counts
together) under an account key `<channel>:<account>` — `password:alice` for both login
pages, `bearer:`, `open311:`, `payment:<provider>` where there is no account to name — per
(account key, client address) and per client address:

* past GRIDGOV_THROTTLE_FAILURES for an account at an address, that account is refused
  from that address; past GRIDGOV_THROTTLE_ADDRESS_FAILURES from an address, everything is
  refused from it (a higher limit: an office's users share one address);
* a lockout lasts GRIDGOV_THROTTLE_COOLOFF_MINUTES from the failure that caused it; refused
  attempts do not prolong it. A user at another address is never affected;
* each lockout writes one audit entry (LOCKED_OUT) naming the channel, the account and the
  client address, never the password or key.

Password sign-ins go through `authenticate()`, which axes guards by itself (its backend
refuses a locked account, its middleware answers with `lockout_response`). The other
channels call `check()` before looking at the secret and `failed()` when it is wrong, and
answer 429 in their own format when either raises `Locked`.
"""

from __future__ import annotations

import ipaddress
import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from . import ratelimit
from .errors import TooMany

PASSWORD = "password"


class Locked(TooMany):
    """429: too many failures for this account or from this address."""


def cooloff_minutes() -> int:
    return int(get_cool_off().total_seconds() // 60)


def _recent(request):
    """The failures from the request's address still inside the cool-off (the account's
    own are among them): what every count and wait here is read from, in one query."""
    return AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )


def seconds_left(request, credentials=None) -> int:
    """Until the lockout ends: the cool-off counted from the newest failure that counts
    against it — the account's own at this address when the account is what is locked,
    else the address's."""
    key = get_client_username(request, credentials)
    got = _recent(request).aggregate(
        pair=Sum("failures_since_start", filter=Q(username=key)),
        pair_newest=Max("attempt_time", filter=Q(username=key)),
        newest=Max("attempt_time"),
    )
    account_locked = (got["pair"] or 0) >= settings.GRIDGOV_THROTTLE_FAILURES
    newest = got["pair_newest"] if account_locked else got["newest"]
    if newest is None:
        return int(get_cool_off().total_seconds())
    return max(1, math.ceil((newest + get_cool_off() - timezone.now()).total_seconds()))


def locked(request, credentials=None) -> Locked:
    """The refusal: how many minutes are left, and Retry-After."""
    seconds = seconds_left(request, credentials)
    minutes = max(1, math.ceil(seconds / 60))
    message = ngettext(
        "Too many failed attempts. Please wait %(minutes)d minute and try again.",
        "Too many failed attempts. Please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}
    return Locked(message, retry_after=seconds)


def _credentials(channel: str, account: str = "") -> dict:
    return {"channel": channel, "account": account}


def check(request, channel: str, account: str = "") -> None:
    """Raises Locked when `account` (or anything) is locked out at the request's address."""
    credentials = _credentials(channel, account)
    if not AxesProxyHandler.is_allowed(request, credentials):
        raise locked(request, credentials)


def failed(request, channel: str, account: str = "") -> None:
    """Counts a wrong secret; raises Locked when this failure locks the account or address."""
    user_login_failed.send(
        sender=__name__, credentials=_credentials(channel, account), request=request
    )
    if getattr(request, "axes_locked_out", False):
        raise locked(request, _credentials(channel, account))


# --- axes configuration (named in settings.py) ------------------------------------------------


def account_key(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: what failures are counted under."""
    credentials = credentials or {}
    if credentials.get("channel"):
        key = f"{credentials['channel']}:{credentials.get('account') or ''}"
    else:  # authenticate() with a user name: the login page or the admin's
        name = credentials.get("username")
        if name is None and request is not None:
            name = request.POST.get("username")
        key = f"{PASSWORD}:{name or ''}"
    return key[:255]  # the column's size; a longer name must not fail the insert


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the one client address of gridgov.core.ratelimit, when it is
    an IP address at all (the column is typed; garbage from a proxy header counts as none)."""
    address = ratelimit.client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE, for the password sign-ins: the login form again, with the
    message, as 429. Other channels have already answered in their own format."""
    if credentials and credentials.get("channel"):
        return original_response
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "locked": locked(request, credentials).message,
            "next": request.POST.get("next", ""),
        },
        status=429,
    )


class Handler(AxesDatabaseHandler):
    """Axes' database handler with two changes: the address has its own, higher limit, and
    attempts keep no request data (an Open311 report carries a resident's phone)."""

    def get_failures(self, request, credentials=None) -> int:
        counts = _recent(request).aggregate(
            address=Sum("failures_since_start"),
            pair=Sum(
                "failures_since_start",
                filter=Q(username=get_client_username(request, credentials)),
            ),
        )
        pair, address = counts["pair"] or 0, counts["address"] or 0
        # Axes compares one count with one limit (GRIDGOV_THROTTLE_FAILURES); the address's
        # count is put on that scale, so that it locks at GRIDGOV_THROTTLE_ADDRESS_FAILURES.
        scaled = address * settings.GRIDGOV_THROTTLE_FAILURES
        return max(pair, scaled // settings.GRIDGOV_THROTTLE_ADDRESS_FAILURES)

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A success clears that account's failures from that address only: never what other
        # accounts' failures from the same address count towards the address's limit.
        return AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()[0]

    def post_save_access_attempt(self, instance, **kwargs):
        if instance.get_data or instance.post_data:
            AccessAttempt.objects.filter(pk=instance.pk).update(get_data="", post_data="")


@receiver(user_locked_out)
def _record_lockout(sender, request, username, ip_address, **kwargs):
    # Axes sends this again for every attempt refused during a lockout; only the failure
    # that caused the lockout has its count set.
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    from gridgov.accounts.models import User

    from . import audit
    from .models import AuditAction

    channel, _sep, account = (username or "").partition(":")
    user = None
    if channel == PASSWORD:
        channel = "admin" if request.path.startswith(reverse("admin:index")) else "login"
        user = User.objects.filter(username=account).first()
    fields = {}
    if user is None:
        fields = {"object_type": "throttle", "object_id": channel, "object_repr": username}
    with transaction.atomic():
        audit.record(
            AuditAction.LOCKED_OUT,
            actor="system:throttle",
            obj=user,
            after={
                "channel": channel,
                "account": account,
                "address": ip_address,
                "minutes": cooloff_minutes(),
            },
            **fields,
        )


def purge_line() -> str:
    """`gridgov sweep`'s line: failure counts past their cool-off are deleted (they hold
    client addresses)."""
    since = timezone.now() - get_cool_off()
    purged = AccessAttempt.objects.filter(attempt_time__lt=since).delete()[0]
    return f"purged {purged} expired sign-in failure records"
