"""The JSON API: the same actions and the same scoping as the pages."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from gridgov.core.errors import ActionError, with_headers
from gridgov.enforcement.api import router as enforcement_router
from gridgov.matters.api import router as matters_router
from gridgov.visits.api import router as visits_router

from .auth import Session, TokenAuth
from .endpoints import router
from .openapi import GridgovAPI
from .parser import ObjectParser

api = GridgovAPI(
    title="gridgov API",
    version="1",
    description="Regions, grids, staffing and base data (personal data masked). "
    "Authenticate with a session cookie (and CSRF token) or `Authorization: Bearer <token>`.",
    auth=[TokenAuth(), Session()],
    openapi_url="/schema",
    docs_url="/docs",
    urls_namespace="api",
    parser=ObjectParser(),
)


@api.exception_handler(ActionError)
def action_error(request, exc: ActionError):
    return with_headers(
        api.create_response(
            request, {"detail": exc.message, "errors": exc.errors}, status=exc.status
        ),
        exc,
    )


def _field(loc) -> str:
    """The field as the client named it: "reason", "parties.0.name", "lat" (not the body's
    parameter name, "payload.reason")."""
    parts = [str(p) for p in loc]
    return ".".join(parts[2:] if parts[:1] == ["body"] else parts[1:])


def _message(error: dict) -> str:
    """pydantic's English message for one field, said in the user's language."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_long":
        return _("At most %(n)d characters.") % {"n": ctx.get("max_length", 0)}
    if kind == "string_too_short":
        return _("At least %(n)d characters.") % {"n": ctx.get("min_length", 0)}
    if kind == "too_long":
        return _("At most %(n)d items.") % {"n": ctx.get("max_length", 0)}
    if kind.startswith("int_"):
        return _("Type a whole number with the digits 0–9.")
    if kind.startswith("float_") or kind == "finite_number":
        return _("Type a finite number with the digits 0–9.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("At least %(n)s.") % {"n": ctx.get("ge", ctx.get("gt", ""))}
    if kind in ("less_than_equal", "less_than"):
        return _("At most %(n)s.") % {"n": ctx.get("le", ctx.get("lt", ""))}
    if kind.startswith("date"):
        return _("Write a date that exists, as YYYY-MM-DD.")
    if kind.startswith("bool"):
        return _("Give true or false.")
    if kind == "string_type":
        return _("Give text.")
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("This part of the request has the wrong shape.")
    return error.get("msg", "")


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = [{"field": _field(e.get("loc", ())), "message": _message(e)} for e in exc.errors]
    return api.create_response(
        request, {"detail": _("The request is not valid."), "errors": errors}, status=400
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """django-ninja's own refusals; a body our parser refused (not JSON, too deep, not an
    object) says why, in the user's language."""
    if isinstance(exc.__cause__, ActionError):
        return action_error(request, exc.__cause__)
    return api.create_response(request, {"detail": str(exc), "errors": []}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(
        request, {"detail": str(exc) or _("Not allowed."), "errors": []}, status=403
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": _("Authentication required."), "errors": []}, status=401
    )


api.add_router("/", router)
api.add_router("/", matters_router)
api.add_router("/", enforcement_router)
api.add_router("/", visits_router)
