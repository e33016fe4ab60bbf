"""The JSON API: the same actions and the same scoping as the pages."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, ValidationError

from gridgov.core.errors import ActionError
from gridgov.enforcement.api import router as enforcement_router
from gridgov.matters.api import router as matters_router

from .auth import Session, TokenAuth
from .endpoints import router
from .openapi import GridgovAPI

api = GridgovAPI(
    title="gridgov API",
    version="1",
    description="Regions, grids, staffing and base data (personal data masked). "
    "Authenticate with a session cookie (and CSRF token) or `Authorization: Bearer <token>`.",
    auth=[TokenAuth(), Session()],
    openapi_url="/schema",
    docs_url="/docs",
    urls_namespace="api",
)


@api.exception_handler(ActionError)
def action_error(request, exc: ActionError):
    return api.create_response(
        request, {"detail": exc.message, "errors": exc.errors}, status=exc.status
    )


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", [])[1:]), "message": e.get("msg", "")}
        for e in exc.errors
    ]
    return api.create_response(
        request, {"detail": _("The request is not valid."), "errors": errors}, status=400
    )


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
