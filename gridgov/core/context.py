"""Request-scoped context: the request id and the acting label for non-HTTP callers."""

import contextlib
import contextvars
import re
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get() or ""


def new_request_id(supplied: str | None = None) -> str:
    if supplied and _REQUEST_ID_RE.match(supplied):
        return supplied
    return uuid.uuid4().hex


@contextlib.contextmanager
def request_context(request_id: str):
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def nav(request):
    """Template context: what the signed-in user may open (drives the menu), grouped, with
    the page being shown marked."""
    from gridgov.accounts.roles import nav_groups_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": [], "nav_current": ""}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    return {
        "nav_groups": nav_groups_for(user, current),
        "nav_current": current,
    }
