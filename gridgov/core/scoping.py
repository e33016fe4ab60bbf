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
from .parsing import check_columns

PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's; sorts the same in C


def path_successor(path: str) -> str:
    """The smallest path greater than every path that starts with `path`."""
    head = path.rstrip(PATH_ALPHABET[-1])
    if not head:
        return "~"
    return head[:-1] + PATH_ALPHABET[PATH_ALPHABET.index(head[-1]) + 1]


def common_path(paths) -> str:
    """The deepest tree node path that every one of `paths` starts with ("" if none)."""
    paths = list(paths)
    if not paths:
        return ""
    lo, hi = min(paths), max(paths)
    n = 0
    while n < min(len(lo), len(hi)) and lo[n] == hi[n]:
        n += 1
    return lo[: n - n % 4]  # treebeard steps are 4 characters


def under(field: str, path: str) -> Q:
    """Rows whose `field` starts with `path`, as a range both SQLite and PostgreSQL answer
    from a plain B-tree index (Django's LIKE … ESCAPE for startswith defeats SQLite's LIKE
    optimisation, and PostgreSQL's needs a C collation or pattern ops)."""
    return Q(**{f"{field}__gte": path, f"{field}__lt": path_successor(path)})


def within(field: str, paths) -> Q:
    """Rows whose `field` lies under any of `paths` (which must not be empty)."""
    return reduce(or_, (under(field, p) for p in paths))


class ScopedQuerySetMixin:
    def visible_to(self, user):
        paths = roles.read_paths(user, self.model.scope_kind)
        if not paths:
            return self.none()
        return self.filter(within(self.model.scope_field, paths))

    def bulk_create(self, objs, *args, **kwargs):
        """bulk_create sends no pre_save: each row's columns get their last check here
        (parsing.check_columns), as a single save does through the signal."""
        objs = list(objs)
        for obj in objs:
            check_columns(obj)
        return super().bulk_create(objs, *args, **kwargs)

    def under(self, path: str):
        """Narrows to the subtree at `path` (after scoping)."""
        return self.filter(under(self.model.scope_field, path))

    def under_code(self, code: str):
        """Narrows to the subtree of the region with this code (a list's `?grid=` or
        `?region=` filter); nothing for a code that names no region."""
        from django.apps import apps

        region = apps.get_model("regions", "Region")
        path = region.objects.filter(code=code).values_list("path", flat=True).first()
        return self.under(path) if path else self.none()


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


class InRegion(models.Model):
    """For models that belong to a place: the place's path, copied in so that scoping is
    one indexed range on this table. Set it from the region whenever the region is set."""

    scope_field = "region_path"

    region_path = models.CharField(max_length=64, db_index=True)

    class Meta:
        abstract = True

    @property
    def scope_path(self) -> str:
        return self.region_path
