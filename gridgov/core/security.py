"""Cookies and sessions fit for shared office computers and phones on the street.

- Every cookie gridgov sets (session, CSRF, language, messages) is `Secure` when the request
  came over HTTPS — `request.is_secure()`, which believes X-Forwarded-Proto only when
  GRIDGOV_PROXY_SSL_HEADER says a TLS proxy sets it — or always with GRIDGOV_SECURE_COOKIES.
- A signed-in session ends GRIDGOV_SESSION_HOURS after the login and after
  GRIDGOV_SESSION_IDLE_MINUTES without a request; the next page then asks to sign in again
  and says why. The last-seen stamp is written at most once a minute, not on every request.
  API calls with a bearer token carry no session and are not touched.
- The Permissions-Policy header (the Content-Security-Policy comes from django-csp, see
  settings; Referrer-Policy, nosniff and Cross-Origin-Opener-Policy from Django's own
  SecurityMiddleware)."""

from __future__ import annotations

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .middleware import API_PREFIXES

STARTED = "gridgov_session_started"
SEEN = "gridgov_session_seen"
SEEN_EVERY = 60  # seconds: how stale the last-seen stamp may get before it is rewritten


class HeadersMiddleware:
    """Marks every cookie Secure on HTTPS and sends the Permissions-Policy. Sits above the
    middleware that set cookies, so that it sees them all on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.is_secure() or settings.GRIDGOV_SECURE_COOKIES:
            for morsel in response.cookies.values():
                morsel["secure"] = True
        if settings.GRIDGOV_PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.GRIDGOV_PERMISSIONS_POLICY)
        return response


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = now
        request.session[SEEN] = now


class SessionTimeoutMiddleware:
    """Signs out a session that is too old or has been idle too long. After
    AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request):
        session, now = request.session, int(time.time())
        started = session.setdefault(STARTED, now)  # sessions from before these stamps
        seen = session.get(SEEN, now)
        idle_minutes = settings.GRIDGOV_SESSION_IDLE_MINUTES
        if now - started > settings.SESSION_COOKIE_AGE:
            hours = round(settings.SESSION_COOKIE_AGE / 3600)
            reason = ngettext(
                "Your session ended %(hours)d hour after you signed in; please sign in again.",
                "Your session ended %(hours)d hours after you signed in; please sign in again.",
                hours,
            ) % {"hours": hours}
        elif idle_minutes and now - seen > idle_minutes * 60:
            reason = ngettext(
                "You were signed out after %(minutes)d minute without activity.",
                "You were signed out after %(minutes)d minutes without activity.",
                idle_minutes,
            ) % {"minutes": idle_minutes}
        else:
            if now - seen >= SEEN_EVERY or SEEN not in session:
                session[SEEN] = now
            return None
        logout(request)
        if request.path.startswith(API_PREFIXES):
            messages.info(request, reason)
            return None  # answered as any unauthenticated API call: 401
        back = request.get_full_path()
        if request.method != "GET":
            # what was being sent is not kept: say so, and come back to the page it came from
            reason += " " + _("What you were sending was not saved: sign in and send it again.")
            referer = urlsplit(request.headers.get("Referer", ""))
            same_site = referer.netloc in ("", request.get_host())
            back = (
                (referer.path + (f"?{referer.query}" if referer.query else ""))
                if (same_site and referer.path.startswith("/"))
                else ""
            )
        messages.info(request, reason)  # shown on the next page, whichever request this is
        target = reverse(settings.LOGIN_URL)
        if back:
            target += "?" + urlencode({"next": back})
        return HttpResponseRedirect(target)


def purge_sessions() -> str:
    """For `gridgov sweep`: sessions past their expiry are deleted from the database."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return f"purged {deleted} expired sessions"
