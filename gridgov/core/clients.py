"""Outside client applications (Open311)."""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .actions import check_admin
from .errors import Conflict, Invalid
from .models import ApiClient, AuditAction


def create_api_client(name: str, *, actor) -> tuple[ApiClient, str]:
    """System admins register a client; returns it and its raw key (shown once)."""
    from gridgov.accounts.models import APIToken

    check_admin(actor)
    name = (name or "").strip()[:64]
    if not name:
        raise Invalid(_("A name is required."))
    key = "o311_" + secrets.token_urlsafe(24)
    with transaction.atomic():
        if ApiClient.objects.filter(name=name).exists():
            raise Conflict(_("Code %(code)s is already used.") % {"code": name})
        client = ApiClient.objects.create(name=name, key_digest=APIToken.digest_of(key))
        audit.record(AuditAction.API_CLIENT_CREATED, actor=actor, obj=client, after={"name": name})
    return client, key
