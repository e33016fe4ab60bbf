from .context import new_request_id, request_context


class RequestIdMiddleware:
    """Gives every request an id (or keeps a well-formed X-Request-ID) for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id(request.headers.get("X-Request-ID"))
        with request_context(request.request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
