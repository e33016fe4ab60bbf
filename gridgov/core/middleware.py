import json
import xml.etree.ElementTree as ET

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from .context import new_request_id, request_context
from .errors import ActionError, with_headers

API_PREFIXES = ("/api/", "/open311/")


def channel_error(request, status: int, message: str) -> HttpResponse:
    """A refusal made before any view runs, in the channel's own error format, with its
    charset: the JSON API's {"detail", "errors"}, Open311's [{"code", "description"}] (in
    XML for .xml) and, for pages, the error page. In the language LanguageMiddleware chose."""
    if request.path.startswith("/api/"):
        body = json.dumps({"detail": message, "errors": []}, ensure_ascii=False)
        return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    if request.path.startswith("/open311/") and request.path.endswith(".xml"):
        root = ET.Element("errors")
        error = ET.SubElement(root, "error")
        ET.SubElement(error, "code").text = str(status)
        ET.SubElement(error, "description").text = message
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    if request.path.startswith("/open311/"):
        body = json.dumps([{"code": status, "description": message}], ensure_ascii=False)
        return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    return render(request, "error.html", {"status": status, "message": message}, status=status)


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
    form_types = ("multipart/form-data", "application/x-www-form-urlencoded")
    if request.method == "POST" and request.content_type in form_types:
        form = request.POST  # parsed once, here, for the view as well
        names = [f.name or "" for _field, files in request.FILES.lists() for f in files]
    elif request.content_type == "application/x-www-form-urlencoded":
        form = QueryDict(request.body, encoding=request.encoding)
    else:
        return b"\x00" in request.body or b"\\u0000" in request.body
    return any(_nul_in(k) or _nul_in(v) for k, values in form.lists() for v in values) or any(
        map(_nul_in, names)
    )


def refuse_nul(request) -> HttpResponse:
    """400: the request holds a NUL; pages answer in plain text, saying just that."""
    message = _("The request contains a NUL character.")
    if request.path.startswith(API_PREFIXES):
        return channel_error(request, 400, message)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


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
            return with_headers(response, exception)
        return None


def request_language(request) -> str:
    """The language a request is answered in: the user's pick (the language cookie), else
    for API clients their Accept-Language, else Chinese."""
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
        from .files import megabytes

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.GRIDGOV_UPLOAD_MAX_BYTES
        if length <= limit:
            return self.get_response(request)
        message = _("The upload is too large: at most %(mb)s MB at once.") % {
            "mb": megabytes(limit)
        }
        return channel_error(request, 413, message)
