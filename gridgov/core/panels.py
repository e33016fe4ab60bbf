"""The home page's panels (a small registry, after NetBox's dashboard widgets).

Each app says what its users have waiting in its own ``panels.py``::

    from gridgov.core import panels

    @panels.register("matters.waiting", order=10)
    def waiting(user):
        if not roles.read_paths(user, "matter"):
            return None
        return panels.Panel(
            title=_("Waiting for me"),
            figures=[panels.Figure(_("overdue"), n, reverse("matters:worklist") + "?…", "danger")],
            actions=[panels.Action(_("Report a matter"), reverse("matters:report"))],
        )

A panel function takes the signed-in user and returns a ``Panel`` or ``None`` (nothing to
show this user). The home page shows every panel that returns one, by ``order``; it imports
no app's internals. Every figure links to the list behind it and that list shows exactly
``count`` rows. ``panels.py`` modules are found (``core/registry.py``) the first time the home
page is drawn (like ``admin.py``).
"""

from dataclasses import dataclass, field

from .registry import Registry

TONES = ("", "ok", "warn", "danger")


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    url: str  # the list behind the figure: it shows exactly `count` rows
    tone: str = ""  # one of TONES: how urgent a non-zero count is


@dataclass(frozen=True)
class Item:
    """One line of a panel's list: a matter, a case, a household due a visit."""

    text: str
    url: str
    note: str = ""  # e.g. "overdue by 3 days", "due tomorrow"
    tone: str = ""


@dataclass(frozen=True)
class Action:
    """The role's main action, one tap from the home page."""

    label: str
    url: str
    primary: bool = True


@dataclass
class Panel:
    title: str
    figures: list[Figure] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    empty: str = ""  # what to say when figures are all zero and there are no items
    more: Action | None = None  # "see all …" under the items
    # a panel that needs more than figures and items (a table) names its own partial
    # template, drawn with `panel` in its context; `data` is for that template
    template: str = ""
    data: dict = field(default_factory=dict)
    key: str = ""  # set by the registry
    order: int = 100  # set by the registry

    @property
    def dom_id(self) -> str:
        return "panel-" + self.key.replace(".", "-")

    @property
    def is_empty(self) -> bool:
        """Nothing to count and nothing listed: the page says `empty` instead of zeros."""
        return not self.items and not self.template and not any(f.count for f in self.figures)


_panels = Registry("panels", "home panel")
register = _panels.register  # @panels.register(key, order): fn(user) -> Panel | None


def panels_for(user) -> list[Panel]:
    """The panels this user's home page shows, in order."""
    shown = []
    for key, order, fn in _panels:
        panel = fn(user)
        if panel is not None:
            panel.key, panel.order = key, order
            shown.append(panel)
    return shown
