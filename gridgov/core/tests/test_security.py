"""Headers, cookies and sessions: a policy the pages keep to (checked in a browser by
test_csp_browser.py), Secure cookies over HTTPS, and sessions that end on a shared office
computer."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client

from gridgov.accounts.actions import create_api_token
from gridgov.core import security
from gridgov.testing.world import PASSWORD

ROOT = Path(__file__).resolve().parents[3]


def signed_in(world, key="worker_a1", **client_kwargs) -> Client:
    c = Client(**client_kwargs)
    response = c.post("/login/", {"username": key, "password": PASSWORD}, **client_kwargs)
    assert response.status_code == 302, response.content.decode()[:300]
    return c


def test_pages_send_the_policy_headers(world):
    response = signed_in(world).get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'" and directives["form-action"] == "'self'"
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I), "script"),
    (re.compile(r"<style\b", re.I), "<style>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    """What the Content-Security-Policy would refuse, found in the templates themselves."""
    found = []
    for path in sorted((ROOT / "gridgov").rglob("templates/**/*.html")):
        text = path.read_text()
        for pattern, what in INLINE:
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []


# -- cookies ---------------------------------------------------------------------------------


def _cookie_flags(response, name):
    morsel = response.cookies[name]
    return bool(morsel["secure"]), bool(morsel["httponly"]), morsel["samesite"]


def test_cookies_are_secure_when_the_request_came_over_https(world):
    c = Client()
    c.get("/login/", secure=True)
    response = c.post("/login/", {"username": "worker_a1", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    assert _cookie_flags(response, "sessionid") == (True, True, "Lax")
    assert _cookie_flags(response, "csrftoken")[0] is True
    language = c.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    assert _cookie_flags(language, django_settings.LANGUAGE_COOKIE_NAME) == (True, True, "Lax")
    # the same over plain HTTP (a test set-up, or a proxy not configured): not Secure
    plain = Client().post("/login/", {"username": "worker_a1", "password": PASSWORD})
    assert _cookie_flags(plain, "sessionid") == (False, True, "Lax")


def test_behind_a_tls_proxy_the_forwarded_scheme_counts(world, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client().post(
        "/login/",
        {"username": "worker_a1", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert _cookie_flags(response, "sessionid")[0] is True


def test_settings_from_the_environment():
    env = {
        **os.environ,
        "GRIDGOV_PROXY_SSL_HEADER": "1",
        "GRIDGOV_SECURE_COOKIES": "1",
        "GRIDGOV_SESSION_HOURS": "8",
        "GRIDGOV_SESSION_IDLE_MINUTES": "30",
    }
    code = (
        "from gridgov import settings as s; print(s.SECURE_PROXY_SSL_HEADER, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
        "s.SESSION_COOKIE_AGE, s.GRIDGOV_SESSION_IDLE_MINUTES)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "('HTTP_X_FORWARDED_PROTO', 'https') True True True 28800 30"


# -- sessions --------------------------------------------------------------------------------


def _age(c: Client, key: str, seconds: int) -> None:
    """As if `seconds` had passed since the stamp was written."""
    session = c.session
    session[key] -= seconds
    session.save()


def test_a_session_ends_after_two_idle_hours_and_says_why(world):
    c = signed_in(world)
    assert c.get("/matters/").status_code == 200
    _age(c, security.SEEN, 119 * 60)
    assert c.get("/matters/").status_code == 200  # still within the idle time
    _age(c, security.SEEN, 121 * 60)
    response = c.get("/matters/?state=reported")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fmatters%2F%3Fstate%3Dreported"
    page = c.get(response["Location"]).content.decode()
    assert "120" in page and "已自动退出登录" in page  # shown in the user's language
    assert c.get("/matters/").status_code == 302  # signed out for good


def test_a_form_sent_after_the_idle_time_is_said_not_saved_and_leads_back(world):
    c = signed_in(world)
    c.get("/matters/new/")
    _age(c, security.SEEN, 121 * 60)
    response = c.post(
        "/matters/new/",
        {"category": "x", "description": "占道经营"},
        HTTP_REFERER="http://testserver/matters/new/?category=x",
    )
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fmatters%2Fnew%2F%3Fcategory%3Dx"
    page = c.get(response["Location"]).content.decode()
    assert "刚才提交的内容没有保存" in page  # nothing is lost without saying so
    # a referer from elsewhere is not followed back
    c = signed_in(world)
    _age(c, security.SEEN, 121 * 60)
    response = c.post("/matters/new/", {}, HTTP_REFERER="https://evil.example/x")
    assert response["Location"] == "/login/"


def test_idle_time_is_configurable_and_the_api_token_is_not_touched(world, settings):
    settings.GRIDGOV_SESSION_IDLE_MINUTES = 5
    _token, raw = create_api_token(world.user("worker_a1"), "phone", actor="test")
    c = signed_in(world)
    _age(c, security.SEEN, 6 * 60)
    c.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    assert c.get("/api/me").status_code == 200  # the token still works, whatever the session
    page = c.get("/", follow=True).content.decode()
    assert "您已 5 分钟没有操作" in page and 'name="password"' in page
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/me").json()["username"] == "worker_a1"


def test_a_session_ends_twelve_hours_after_sign_in_however_active(world):
    c = signed_in(world)
    _age(c, security.STARTED, 12 * 3600 + 60)
    response = c.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "登录已满 12 小时" in c.get(response["Location"]).content.decode()


def test_the_session_is_not_written_on_every_request(world):
    c = signed_in(world)
    key = c.cookies["sessionid"].value
    before = Session.objects.get(pk=key)
    for _ in range(3):
        assert c.get("/").status_code == 200
    after = Session.objects.get(pk=key)
    assert (after.session_data, after.expire_date) == (before.session_data, before.expire_date)
    _age(c, security.SEEN, 90)  # a minute and a half later it is refreshed once
    written = Session.objects.get(pk=key)
    c.get("/")
    assert Session.objects.get(pk=key).session_data != written.session_data


def test_the_session_cookie_ends_with_the_browser(world):
    c = Client()
    response = c.post("/login/", {"username": "worker_a1", "password": PASSWORD})
    morsel = response.cookies["sessionid"]
    assert not morsel["expires"] and not morsel["max-age"]


def test_expired_sessions_are_swept(world):
    from gridgov.core import sweep

    signed_in(world)
    Session.objects.update(expire_date="2000-01-01T00:00:00Z")
    assert any("purged 1 expired sessions" in line for line in sweep.run())
    assert not Session.objects.exists()
