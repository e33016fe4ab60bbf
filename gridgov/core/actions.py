"""Helpers shared by every app's actions.py."""

from django.utils.translation import gettext as _

from gridgov.accounts import roles

from .errors import Forbidden
from .scoping import require_write


def is_user(actor) -> bool:
    """Actions take a User, or a label string / None for the system (CLI, demo, cron)."""
    return actor is not None and not isinstance(actor, str)


def check_write(actor, kind: str, path: str, *, read_kind: str | None = None) -> None:
    if is_user(actor):
        require_write(actor, kind, path, read_kind=read_kind)


def check_admin(actor) -> None:
    if is_user(actor) and not roles.is_system_admin(actor):
        raise Forbidden(_("Only a system administrator may do this."))
