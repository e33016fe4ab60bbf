"""One way to limit how often something may happen: events counted in a sliding window,
kept in the database so that several app servers count together.

    ratelimit.hit("reveal", f"user:{user.pk}", limit=20, window=HOUR)   # raises TooMany

`allowed()` asks without counting; `hit()` counts and refuses once `limit` events already
lie in the window. Keys are opaque strings; a client address is kept only as an HMAC
(`address_key`). `gridgov sweep` deletes events older than a day (`purge`)."""

from __future__ import annotations

import datetime
import hashlib
import hmac

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import TooMany
from .models import RateEvent

HOUR = datetime.timedelta(hours=1)
KEEP = datetime.timedelta(days=1)


def client_address(request) -> str:
    """The client's address: the first X-Forwarded-For hop behind a trusted proxy
    (GRIDGOV_TRUST_X_FORWARDED_FOR), otherwise REMOTE_ADDR."""
    if getattr(settings, "GRIDGOV_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def address_key(address: str) -> str:
    """An HMAC of a client address: enough to count by, never the address itself."""
    return hmac.new(
        settings.SECRET_KEY.encode(), (address or "?").encode(), hashlib.sha256
    ).hexdigest()[:32]


SCOPE_LENGTH, KEY_LENGTH = 32, 64  # RateEvent's columns


def count(scope: str, key: str, window: datetime.timedelta) -> int:
    since = timezone.now() - window
    return RateEvent.objects.filter(scope=scope, key=key, at__gte=since).count()


def seconds_until_free(scope: str, key: str, window: datetime.timedelta = HOUR) -> int:
    """How long until the oldest event in the window leaves it (0 when none is there)."""
    since = timezone.now() - window
    oldest = (
        RateEvent.objects.filter(scope=scope, key=key, at__gte=since)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    return 0 if oldest is None else max(0, int((oldest - since).total_seconds()) + 1)


def allowed(scope: str, key: str, *, limit: int, window: datetime.timedelta = HOUR) -> bool:
    return count(scope, key, window) < limit


def hit(
    scope: str,
    key: str,
    *,
    limit: int,
    window: datetime.timedelta = HOUR,
    message: str | None = None,
) -> int:
    """Counts one event; TooMany (429) when `limit` events already lie in the window, and
    then nothing is counted. Returns how many events the window holds now. Exact under
    concurrency: SQLite's writers queue, and on PostgreSQL the count and the insert hold a
    transaction lock on (scope, key)."""
    if len(scope) > SCOPE_LENGTH or len(key) > KEY_LENGTH:
        raise ValueError(f"a rate-limit scope or key too long for its column: {scope!r}")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{scope}|{key}"])
        used = count(scope, key, window)
        if used >= limit:
            raise TooMany(
                message or _("Too many requests; please try again later."),
                retry_after=seconds_until_free(scope, key, window),
            )
        RateEvent.objects.create(scope=scope, key=key)
    return used + 1


def once(scope: str, key: str, window: datetime.timedelta = HOUR) -> bool:
    """True the first time in the window for (scope, key), and counts it; False after —
    for "tell them once an hour". One step, so two callers at once cannot both be first."""
    try:
        hit(scope, key, limit=1, window=window)
    except TooMany:
        return False
    return True


def purge(older_than: datetime.timedelta = KEEP) -> int:
    return RateEvent.objects.filter(at__lt=timezone.now() - older_than).delete()[0]


def purge_line() -> str:
    """`gridgov sweep`'s line for rate limits."""
    return f"purged {purge()} old rate-limit events"
