"""The header's one search box (a small registry, like the home panels).

Each app says what it can find in its own ``search.py``::

    from gridgov.core import search

    @search.register("matters", order=10)
    def matters(user, q):
        if not roles.read_paths(user, "matter"):
            return None
        found = Matter.objects.visible_to(user).filter(code=q)[: search.LIMIT]
        return search.Group(_("Matters"), [search.Result(m.code, url, m.category.label) ...])

A search function takes the signed-in user and the typed text (stripped, at most
``MAX_LENGTH`` characters, no NUL) and returns a ``Group`` or ``None`` (nothing this user may
look for). It starts from ``visible_to(user)`` like every list: what lies outside the user's
scope is not found, and an exact ID number or phone outside it is answered exactly as one
that is recorded nowhere. Personal data is shown masked. The search page imports no app's
internals; ``search.py`` modules are found by ``autodiscover`` the first time it is used.
"""

from dataclasses import dataclass, field

from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import Invalid
from .registry import Registry
from .views import role_required

MAX_LENGTH = 64
LIMIT = 10  # results a group shows; `more` links to the full list


@dataclass(frozen=True)
class Result:
    title: str
    url: str
    detail: str = ""  # what tells it apart: place, state, masked ID tail …
    tone: str = ""  # "", "warn", "danger" (overdue)


@dataclass
class Group:
    title: str
    results: list[Result] = field(default_factory=list)
    more: str = ""  # the list page filtered by the same words, when there may be more
    key: str = ""  # set by the registry


_searches = Registry("search", "search")
register = _searches.register  # @search.register(key, order): fn(user, q) -> Group | None


def clean(q: str) -> str:
    """The text to look for, or Invalid (400) when it is too long to be a name or number."""
    q = " ".join((q or "").split())
    if len(q) > MAX_LENGTH:
        raise Invalid(
            _("Search for at most %(n)d characters.") % {"n": MAX_LENGTH},
            errors=[
                {
                    "field": "q",
                    "message": _("Search for at most %(n)d characters.") % {"n": MAX_LENGTH},
                }
            ],
        )
    return q


def search(user, q: str) -> list[Group]:
    """Every group with results, by order."""
    if not q:
        return []
    found = []
    for key, _order, fn in _searches:
        group = fn(user, q)
        if group is not None and group.results:
            group.key = key
            found.append(group)
    return found


@role_required
def search_page(request):
    raw = request.GET.get("q", "")
    try:
        q = clean(raw)
    except Invalid as exc:
        return render(
            request,
            "core/search.html",
            {"q": raw[: MAX_LENGTH * 2], "groups": [], "error": exc.message},
            status=exc.status,
        )
    return render(
        request, "core/search.html", {"q": q, "groups": search(request.user, q), "error": ""}
    )
