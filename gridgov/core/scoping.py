"""Scoping: the one way to ask "what may this user see?".

A scoped model names its `scope_kind` (a key of gridgov.accounts.roles.READ) and the field
holding its region's materialised path (`scope_field`, default "region_path"). Every list,
detail, export and API call starts from `Model.objects.visible_to(user)`: one indexed prefix
match per scope, no joins. Anything outside it looks like it does not exist (404).
"""

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from gridgov.accounts import roles

from .errors import Forbidden, NotFound


class ScopedQuerySetMixin:
    def visible_to(self, user):
        paths = roles.read_paths(user, self.model.scope_kind)
        if not paths:
            return self.none()
        field = self.model.scope_field
        return self.filter(reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths)))


class ScopedQuerySet(ScopedQuerySetMixin, models.QuerySet):
    pass


def get_visible(queryset, user, **lookup):
    """Fetch-and-authorise in one call: the same NotFound for "not yours" and "no such"."""
    obj = queryset.visible_to(user).filter(**lookup).first()
    if obj is None:
        raise NotFound(_("Not found."))
    return obj


def require_write(user, kind: str, path: str, *, read_kind: str | None = None) -> None:
    """Raises NotFound when the object is outside the user's sight, Forbidden when the user
    sees it but holds no role that may change it (a leader, for example)."""
    if not roles.covers(roles.read_paths(user, read_kind or kind), path) and not roles.can_write(
        user, kind, path
    ):
        raise NotFound(_("Not found."))
    if not roles.can_write(user, kind, path):
        raise Forbidden(_("Your role may not make this change."))
