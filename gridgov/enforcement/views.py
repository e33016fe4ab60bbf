from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import payments

MAX_BODY = 64 * 1024


@csrf_exempt
@require_POST
def payment_notice(request, provider):
    """A payment provider's notification endpoint (signed; see gridgov.enforcement.payments)."""
    body = request.body[: MAX_BODY + 1]
    if len(body) > MAX_BODY:
        return JsonResponse({"result": "rejected", "reason": "body too large"}, status=413)
    answer = payments.handle_notice(
        provider,
        request.headers.get("X-Gridgov-Timestamp", ""),
        request.headers.get("X-Gridgov-Signature", ""),
        body,
    )
    return JsonResponse(answer.body, status=answer.status)
