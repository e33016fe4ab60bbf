import datetime

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gridgov.core import ratelimit, throttle
from gridgov.core.errors import TooMany, with_headers

from . import payments

MAX_BODY = 64 * 1024


def _rejected(status: int, reason: str) -> JsonResponse:
    return JsonResponse({"result": "rejected", "reason": reason}, status=status)


@csrf_exempt
@require_POST
def payment_notice(request, provider):
    """A payment provider's notification endpoint (signed; see gridgov.enforcement.payments).
    Notices are rate-limited per provider and client address, and unauthentic ones count
    towards the throttle of that provider at that address (429 once locked out)."""
    address = ratelimit.address_key(ratelimit.client_address(request))
    try:
        ratelimit.hit(
            "notice",
            f"{provider[:24]}:{address}",
            limit=settings.GRIDGOV_NOTICE_LIMIT,
            window=datetime.timedelta(seconds=settings.GRIDGOV_NOTICE_WINDOW_SECONDS),
        )
        throttle.check(request, "payment", provider)
    except TooMany as exc:
        return with_headers(_rejected(429, exc.message), exc)
    if request.content_type == "multipart/form-data":  # its body is parsed, no longer raw
        return _rejected(415, "send the notice as application/json")
    body = request.body[: MAX_BODY + 1]
    if len(body) > MAX_BODY:
        return _rejected(413, "body too large")
    answer = payments.handle_notice(
        provider,
        request.headers.get("X-Gridgov-Timestamp", ""),
        request.headers.get("X-Gridgov-Signature", ""),
        body,
    )
    if answer.unauthentic:
        try:
            throttle.failed(request, "payment", provider)
        except throttle.Locked as exc:
            return _rejected(429, exc.message)
    return JsonResponse(answer.body, status=answer.status)
