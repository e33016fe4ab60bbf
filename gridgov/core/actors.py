"""Who did it, as people read it: the one way every timeline, history and audit list names
an actor.

Actions take `actor` as a User or as a label string for what is not a person
("system:sweep", "cli:create-token", "public:sign:nyang-01", "open311:<client>"); the
audit trail and the timelines store that label. Pages never show it raw: a person is
their name and role — "刘思思（网格员）" —, the system says what it was doing —
"系统：定时巡检" —, the public says how it came — "公众（扫码 · 尼洋河绿化工程1号保护牌）".

Apps that coin a label prefix register how to read it (`register("public:sign", fn)` in
their AppConfig.ready), so core names no app's models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.roles import Role

# What the system was doing, by the label's second part.
SYSTEM_TASKS = {
    "": gettext_lazy("system"),
    "sweep": gettext_lazy("scheduled check"),
    "demo": gettext_lazy("demo data"),
    "throttle": gettext_lazy("sign-in protection"),
}
# The operator's commands (cli:<name>).
COMMANDS = {
    "create-token": gettext_lazy("API token created by an administrator"),
    "create-user": gettext_lazy("account created by an administrator"),
    "assign-role": gettext_lazy("role assigned by an administrator"),
    "import-grids": gettext_lazy("grid import"),
    "create-open311-client": gettext_lazy("Open311 client registered by an administrator"),
    "create-payment-provider": gettext_lazy("payment provider registered by an administrator"),
    "attribute-payment-provider": gettext_lazy("payment provider attributed by an administrator"),
}

_resolvers: dict[str, Callable[[str], str]] = {}


def register(prefix: str, resolver: Callable[[str], str]) -> None:
    """`resolver(rest)` reads a label "<prefix>:<rest>" for people."""
    _resolvers[prefix] = resolver


def role_label(roles: Iterable[str]) -> str:
    """The role a person is named by: the first in the order of `Role` (a person holding
    several roles acts mostly in the senior one)."""
    held = set(roles)
    for role in Role:
        if role.value in held:
            return str(role.label)
    return ""


def person(name: str, role: str = "") -> str:
    if not role or role in name:  # a name recorded with its role already
        return name
    return _("%(name)s (%(role)s)") % {"name": name, "role": role}


def _user_label(user, roles_of: dict | None) -> str:
    if roles_of is not None and user.pk in roles_of:
        held = roles_of[user.pk]
    else:
        held = user.role_assignments.values_list("role", flat=True)
    return person(user.display_name or user.get_username(), role_label(held))


def from_label(label: str) -> str:
    """A stored label string, for people."""
    label = (label or "").strip()
    kind, _sep, rest = label.partition(":")
    if kind == "system" or label == "system" or not label:
        task = SYSTEM_TASKS.get(rest)
        what = str(task) if task is not None else rest
        return _("system: %(task)s") % {"task": what} if rest else str(SYSTEM_TASKS[""])
    if kind == "cli":
        what = COMMANDS.get(rest)
        return _("system: %(task)s") % {"task": what or _("administrator's command")}
    for prefix in sorted(_resolvers, key=len, reverse=True):
        if label.startswith(prefix + ":"):
            return _resolvers[prefix](label[len(prefix) + 1 :])
    if ":" not in label:  # an account's login name, stored before people were named
        from gridgov.accounts.models import User

        user = User.objects.filter(username=label).first()
        if user is not None:
            return _user_label(user, None)
    return label


def display(actor=None, label: str = "", *, roles_of: dict | None = None) -> str:
    """`actor` is a User (or None), `label` the stored label; a User wins."""
    from gridgov.core.actions import is_user

    if is_user(actor):
        return _user_label(actor, roles_of)
    if isinstance(actor, str) and not label:
        label = actor
    return from_label(label)


def annotate(rows: Iterable) -> list:
    """Sets `actor_display` on each row (an audit entry, a matter event, a ledger entry:
    anything with `actor` and `actor_label`), with one query for the people's roles."""
    from gridgov.accounts.models import RoleAssignment

    rows = list(rows)
    ids = {r.actor_id for r in rows if getattr(r, "actor_id", None)}
    roles_of: dict[int, list[str]] = {pk: [] for pk in ids}
    for user_id, role in RoleAssignment.objects.filter(user_id__in=ids).values_list(
        "user_id", "role"
    ):
        roles_of[user_id].append(role)
    for r in rows:
        actor = r.actor if getattr(r, "actor_id", None) else None
        r.actor_display = display(actor, r.actor_label, roles_of=roles_of)
    return rows
