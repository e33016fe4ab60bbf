from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .context import new_request_id, request_context
from .errors import ActionError


def _has_nul(request) -> bool:
    """NUL characters are never meaningful in gridgov's input, and PostgreSQL refuses them
    in text: turn them away at the door rather than fail deep inside a query."""
    if "\x00" in request.path or any(
        "\x00" in k or "\x00" in v for k, values in request.GET.lists() for v in values
    ):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith(("application/json", "application/x-www-form-urlencoded")):
        body = request.body
        return b"\x00" in body or b"\\u0000" in body or b"%00" in body
    return False


class RequestIdMiddleware:
    """Gives every request an id (or keeps a well-formed X-Request-ID) for the audit trail,
    and turns an action's error that a view did not handle into a page with its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id(request.headers.get("X-Request-ID"))
        with request_context(request.request_id):
            if _has_nul(request):
                response = HttpResponseBadRequest(
                    _("The request contains a NUL character."), content_type="text/plain"
                )
            else:
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


class LanguageMiddleware:
    """Chinese first: pages are in zh-Hans unless the user picked English with the switch
    (the language cookie). API clients may ask by Accept-Language as well."""

    API_PREFIXES = ("/api/", "/open311/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if not language and request.path.startswith(self.API_PREFIXES):
            language = translation.get_language_from_request(request)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # and restore the thread's language after
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response


class UploadLimitMiddleware:
    """Refuses a request whose body is larger than GRIDGOV_UPLOAD_MAX_BYTES before anything
    reads it: Django would otherwise stream any size of upload to a temporary file. A body
    without a Content-Length is not read at all by Django's parsers."""

    API_PREFIXES = LanguageMiddleware.API_PREFIXES

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.GRIDGOV_UPLOAD_MAX_BYTES
        if length <= limit:
            return self.get_response(request)
        message = _("The upload is too large: at most %(mb)s MB at once.") % {
            "mb": f"{limit / 1_000_000:g}"
        }
        if request.path.startswith(self.API_PREFIXES):
            return JsonResponse({"detail": message, "errors": []}, status=413)
        return render(request, "error.html", {"status": 413, "message": message}, status=413)
