from django.conf import settings
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from .context import new_request_id, request_context
from .errors import ActionError


def _nul_in(text: str) -> bool:
    # the character itself, or JSON's escape for it (a body any parser may take for JSON)
    return "\x00" in text or "\\u0000" in text


def _has_nul(request) -> bool:
    """NUL characters are never meaningful in gridgov's input, and PostgreSQL refuses them
    in text: turn them away at the door rather than fail deep inside a query. The same test
    for every content type (a parser may ignore the declared one): the path, the query, and
    the body as the raw bytes — or, for a form, its decoded fields (file contents, which may
    be binary, aside)."""
    if _nul_in(request.path) or any(
        _nul_in(k) or _nul_in(v) for k, values in request.GET.lists() for v in values
    ):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    names: list[str] = []
    if request.content_type == "multipart/form-data" and request.method == "POST":
        form = request.POST
        names = [f.name or "" for _field, files in request.FILES.lists() for f in files]
    elif request.content_type == "application/x-www-form-urlencoded":
        form = QueryDict(request.body, encoding=request.encoding)
    else:
        return b"\x00" in request.body or b"\\u0000" in request.body
    return any(_nul_in(k) or _nul_in(v) for k, values in form.lists() for v in values) or any(
        map(_nul_in, names)
    )


def refuse_nul(request):
    """400, in the request's language and in the channel's own error format, with its
    charset: the JSON API's {"detail", "errors"}, Open311's [{"code", "description"}], and
    plain text for pages."""
    import json

    from django.http import HttpResponse
    from django.utils import translation

    language = request_language(request)
    with translation.override(language):
        message = _("The request contains a NUL character.")
    if request.path.startswith("/api/"):
        body, kind = {"detail": message, "errors": []}, "application/json"
    elif request.path.startswith("/open311/") and not request.path.endswith(".xml"):
        body, kind = [{"code": 400, "description": message}], "application/json"
    else:
        body, kind = None, "text/plain"
    content = message if body is None else json.dumps(body, ensure_ascii=False)
    response = HttpResponse(content, status=400, content_type=f"{kind}; charset=utf-8")
    response["Content-Language"] = language
    return response


class RequestIdMiddleware:
    """Gives every request an id (or keeps a well-formed X-Request-ID) for the audit trail,
    and turns an action's error that a view did not handle into a page with its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id(request.headers.get("X-Request-ID"))
        with request_context(request.request_id):
            if _has_nul(request):
                response = refuse_nul(request)
            else:
                response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, ActionError):
            response = render(
                request,
                "error.html",
                {
                    "status": exception.status,
                    "message": exception.message,
                    "errors": exception.errors,
                },
                status=exception.status,
            )
            if getattr(exception, "retry_after", None):
                response["Retry-After"] = str(exception.retry_after)
            return response
        return None


API_PREFIXES = ("/api/", "/open311/")


def request_language(request) -> str:
    """The language a request is answered in: the user's pick (the language cookie), else
    for API clients their Accept-Language, else Chinese."""
    from django.conf import settings
    from django.utils import translation

    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not language and request.path.startswith(API_PREFIXES):
        language = translation.get_language_from_request(request)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return language


class LanguageMiddleware:
    """Chinese first: pages are in zh-Hans unless the user picked English with the switch
    (the language cookie). API clients may ask by Accept-Language as well."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        language = request_language(request)
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

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.GRIDGOV_UPLOAD_MAX_BYTES
        if length <= limit:
            return self.get_response(request)
        with translation.override(request_language(request)):
            message = _("The upload is too large: at most %(mb)s MB at once.") % {
                "mb": f"{limit / 1_000_000:g}"
            }
            if request.path.startswith(API_PREFIXES):
                return JsonResponse({"detail": message, "errors": []}, status=413)
            return render(request, "error.html", {"status": 413, "message": message}, status=413)
