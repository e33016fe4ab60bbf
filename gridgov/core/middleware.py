from django.shortcuts import render

from .context import new_request_id, request_context
from .errors import ActionError


class RequestIdMiddleware:
    """Gives every request an id (or keeps a well-formed X-Request-ID) for the audit trail,
    and turns an action's error that a view did not handle into a page with its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id(request.headers.get("X-Request-ID"))
        with request_context(request.request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, ActionError):
            return render(
                request,
                "error.html",
                {
                    "status": exception.status,
                    "message": exception.message,
                    "errors": exception.errors,
                },
                status=exception.status,
            )
        return None
