"""Writes for users, role assignments and API tokens."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.actions import check_admin, check_write, is_user
from gridgov.core.errors import Conflict, Invalid
from gridgov.core.models import AuditAction
from gridgov.core.scoping import within

from . import roles
from .models import APIToken, RoleAssignment, User
from .roles import Role

# Roles a grid's 1+1+1+N staffing is made of; who may assign them is "staffing" writers.
STAFF_ROLES = {Role.GRID_WORKER, Role.GRID_POLICE, Role.HOUSEHOLD_LIAISON}


def create_user(
    username: str,
    password: str | None,
    *,
    display_name: str = "",
    actor,
    check_password: bool = True,
    password_hash: str = "",
) -> User:
    """System admins (or the system) create accounts. `password_hash` (an already hashed
    password) lets the demo give many accounts one password without hashing it each time."""
    check_admin(actor)
    username = (username or "").strip()
    if not username:
        raise Invalid(_("A user name is required."))
    if check_password and password is not None:
        try:
            validate_password(password)
        except ValidationError as exc:
            raise Invalid(" ".join(exc.messages)) from None
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict(_("User name %(name)s is taken.") % {"name": username})
        user = User(username=username, display_name=display_name)
        if password_hash:
            user.password = password_hash
        else:
            user.set_password(password)
        user.save()
        audit.record(
            AuditAction.USER_CREATED,
            actor=actor,
            obj=user,
            after={"username": username, "display_name": display_name},
        )
    return user


def _no_such_user() -> Invalid:
    # one answer for "no such account" and "not an account you may assign": staffing must
    # not tell who has an account elsewhere
    return Invalid(_("No user of that name that you may assign."))


def assignable(actor):
    """Accounts `actor` may give a grid staff role: active accounts that hold no role yet
    (new accounts waiting for their place) and accounts holding a role at or below a node
    of the actor's staffing scope — people who already work in the actor's area. The system
    and system admins at the top of the tree may assign anyone."""
    users = User.objects.filter(is_active=True)
    if not is_user(actor) or roles.is_system_admin(actor):
        return users
    paths = roles.write_paths(actor, "staffing")
    if not paths:
        return users.none()
    inside = RoleAssignment.objects.filter(within("region__path", paths)).values("user_id")
    return users.filter(Q(role_assignments__isnull=True) | Q(pk__in=inside)).distinct()


def find_assignable(username: str, *, actor) -> User:
    """The account of that name if `actor` may assign it, else the same Invalid as for a
    name nobody has."""
    user = assignable(actor).filter(username=(username or "").strip()).first()
    if user is None:
        raise _no_such_user()
    return user


def assign_role(user: User, role: str, region, *, unit=None, actor) -> RoleAssignment:
    """Grants `role` at `region`. Grid staff roles may be granted by street/community staff
    within their scope, to an account they may assign (`assignable`); every other role only
    by a system admin."""
    if role not in Role.values:
        raise Invalid(_("Unknown role %(role)s.") % {"role": role})
    if role in STAFF_ROLES:
        check_write(actor, "staffing", region.path, read_kind="region")
        if not assignable(actor).filter(pk=user.pk).exists():
            raise _no_such_user()
    else:
        check_admin(actor)
    if role == Role.DEPARTMENT_HANDLER and unit is None:
        raise Invalid(_("A department handler must be bound to a unit."))
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, region=region, defaults={"unit": unit}
        )
        if not created:
            raise Conflict(_("This role is already assigned."))
        audit.record(
            AuditAction.ROLE_ASSIGNED,
            actor=actor,
            obj=assignment,
            region_path=region.path,
            after={"user": user.username, "role": role, "region": region.code},
        )
    return assignment


def revoke_role(assignment: RoleAssignment, *, actor) -> None:
    if assignment.role in STAFF_ROLES:
        check_write(actor, "staffing", assignment.region.path, read_kind="region")
    else:
        check_admin(actor)
    with transaction.atomic():
        audit.record(
            AuditAction.ROLE_REVOKED,
            actor=actor,
            obj=assignment,
            region_path=assignment.region.path,
            before={
                "user": assignment.user.username,
                "role": assignment.role,
                "region": assignment.region.code,
            },
        )
        assignment.delete()


def create_api_token(user: User, name: str, *, actor) -> tuple[APIToken, str]:
    """A user makes tokens for themself; returns the raw token, shown once."""
    if actor is not None and not isinstance(actor, str) and actor.pk != user.pk:
        check_admin(actor)
    raw = APIToken.new_raw()
    with transaction.atomic():
        token = APIToken.objects.create(
            user=user, name=(name or "api")[:64], digest=APIToken.digest_of(raw)
        )
        audit.record(AuditAction.TOKEN_CREATED, actor=actor, obj=token, after={"name": token.name})
    return token, raw


def grant_admin_site(user: User, *, actor) -> User:
    """Lets a user open the read-only Django admin."""
    check_admin(actor)
    with transaction.atomic():
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        audit.record(
            AuditAction.ADMIN_SITE_GRANTED, actor=actor, obj=user, after={"is_superuser": True}
        )
    return user
