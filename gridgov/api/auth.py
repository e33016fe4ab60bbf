from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from gridgov.accounts.models import APIToken
from gridgov.core import throttle


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ggv_…`; tokens are made with `gridgov create-token`. Wrong
    tokens are throttled per client address (429 once locked out, even for a right one)."""

    def authenticate(self, request, token):
        throttle.check(request, "bearer")
        found = (
            APIToken.objects.select_related("user")
            .filter(digest=APIToken.digest_of(token), user__is_active=True)
            .first()
        )
        if found is None:
            throttle.failed(request, "bearer")
            return None
        if (
            found.last_used_at is None
            or (timezone.now() - found.last_used_at).total_seconds() > 300
        ):
            APIToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


class Session(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_authenticated else None
