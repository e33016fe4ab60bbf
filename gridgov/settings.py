"""Settings, all read from the environment (see README "Configuration")."""

import os
import secrets
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GRIDGOV_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_from_env_or_file(name: str, filename: str, generate) -> str:
    """Environment first; otherwise a file under var/, created once with mode 0600."""
    value = os.environ.get(name)
    if value:
        return value
    path = VAR_DIR / filename
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(generate())
    return path.read_text().strip()


SECRET_KEY = _secret_from_env_or_file("SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))
# Comma-separated Fernet keys; the first encrypts, all decrypt (key rotation).
GRIDGOV_DATA_KEY = _secret_from_env_or_file(
    "GRIDGOV_DATA_KEY", "data_key", lambda: Fernet.generate_key().decode()
)

# Agency linkage (执行联动): the key each agency's reply secret is derived from, the
# connector, and the file-drop directory of the default connector (docs/enforcement.md).
GRIDGOV_LINKAGE_KEY = _secret_from_env_or_file(
    "GRIDGOV_LINKAGE_KEY", "linkage_key", lambda: secrets.token_urlsafe(32)
)
GRIDGOV_LINKAGE_CONNECTOR = os.environ.get(
    "GRIDGOV_LINKAGE_CONNECTOR", "gridgov.enforcement.linkage.FileDropConnector"
)
GRIDGOV_LINKAGE_DIR = Path(os.environ.get("GRIDGOV_LINKAGE_DIR", VAR_DIR / "linkage"))

DEBUG = os.environ.get("DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "gridgov.core.admin_config.ReadOnlyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "treebeard",
    "ninja",
    "gridgov.core",
    "gridgov.accounts",
    "gridgov.regions",
    "gridgov.people",
    "gridgov.matters",
    "gridgov.notifications",
    "gridgov.enforcement",
    "gridgov.visits",
    "gridgov.api",
    "gridgov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gridgov.core.security.HeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # first the language (from the cookie or Accept-Language), so that the refusals below
    # speak it too; then, before anything reads the body, an oversized upload is refused
    "gridgov.core.middleware.LanguageMiddleware",
    "gridgov.core.middleware.UploadLimitMiddleware",
    "gridgov.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gridgov.core.security.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gridgov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gridgov.core.context.nav",
                "gridgov.notifications.views.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gridgov.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue (busy timeout) instead of failing on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gridgov" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
(VAR_DIR / "static").mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "gridgov" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and os.environ.get("GRIDGOV_MANIFEST_STATIC", "1") == "1"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# ---- Headers, cookies and sessions (gridgov/core/security.py) ----------------------------
# Cookies are Secure whenever the request came over HTTPS; "1" makes them Secure always.
GRIDGOV_SECURE_COOKIES = os.environ.get("GRIDGOV_SECURE_COOKIES", "") == "1"
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients): "1".
if os.environ.get("GRIDGOV_PROXY_SSL_HEADER", "") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = GRIDGOV_SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
# Shared office computers: a session ends with the browser, GRIDGOV_SESSION_HOURS after the
# login at the latest, and after GRIDGOV_SESSION_IDLE_MINUTES without a request (0: never).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = round(float(os.environ.get("GRIDGOV_SESSION_HOURS", "12")) * 3600)
GRIDGOV_SESSION_IDLE_MINUTES = int(os.environ.get("GRIDGOV_SESSION_IDLE_MINUTES", "120"))
# Strict-Transport-Security on HTTPS answers, in seconds (0: not sent); set it once the
# site is served over HTTPS only, e.g. 31536000 (a year).
SECURE_HSTS_SECONDS = int(os.environ.get("GRIDGOV_HSTS_SECONDS", "0"))
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Where the pages may use these browser features: only location, for "use my location".
GRIDGOV_PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=()"
)
# No inline script or style anywhere (pages, admin, API docs): JS and CSS are static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# -------------------------------------------------------------------------------------------

# The public address printed on QR-code signs; the request's own host when empty.
GRIDGOV_PUBLIC_URL = os.environ.get("GRIDGOV_PUBLIC_URL", "")
# Public submissions allowed per hour from one client address, and at one sign.
GRIDGOV_PUBLIC_PER_ADDRESS = int(os.environ.get("GRIDGOV_PUBLIC_PER_ADDRESS", "5"))
GRIDGOV_PUBLIC_PER_SIGN = int(os.environ.get("GRIDGOV_PUBLIC_PER_SIGN", "60"))
# Photos of a report being written (gridgov/matters/drafts.py) left unsent this long are
# removed by `gridgov sweep`.
GRIDGOV_REPORT_DRAFT_HOURS = float(os.environ.get("GRIDGOV_REPORT_DRAFT_HOURS", "24"))
# Whole ID numbers and phones one user may see in an hour (residents and case parties
# together); past it the user is refused and their supervisors are told.
GRIDGOV_REVEALS_PER_HOUR = int(os.environ.get("GRIDGOV_REVEALS_PER_HOUR", "20"))
# Behind a reverse proxy that sets X-Forwarded-For (and strips it from clients): "1".
GRIDGOV_TRUST_X_FORWARDED_FOR = os.environ.get("GRIDGOV_TRUST_X_FORWARDED_FOR", "") == "1"
# Uploads (see gridgov/core/files.py). A request body larger than GRIDGOV_UPLOAD_MAX_BYTES
# is refused before it is read (three photos of 10 MB must fit). An imported file (xlsx,
# CSV) may be at most GRIDGOV_IMPORT_MAX_BYTES, unpack to at most
# GRIDGOV_IMPORT_MAX_UNPACKED_BYTES and hold at most GRIDGOV_IMPORT_MAX_ROWS rows, empty
# rows included; the row bound also bounds the time a worker spends reading it.
GRIDGOV_UPLOAD_MAX_BYTES = int(os.environ.get("GRIDGOV_UPLOAD_MAX_BYTES", str(32 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = GRIDGOV_UPLOAD_MAX_BYTES  # one limit, answered 413 by the middleware
GRIDGOV_IMPORT_MAX_BYTES = int(os.environ.get("GRIDGOV_IMPORT_MAX_BYTES", "10000000"))
GRIDGOV_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("GRIDGOV_IMPORT_MAX_UNPACKED_BYTES", "50000000")
)
GRIDGOV_IMPORT_MAX_ROWS = int(os.environ.get("GRIDGOV_IMPORT_MAX_ROWS", "10000"))
# Dotted path of the SMS gateway class (see gridgov/notifications/sms.py).
GRIDGOV_SMS_GATEWAY = os.environ.get(
    "GRIDGOV_SMS_GATEWAY", "gridgov.notifications.sms.LogFileGateway"
)

# Payouts above this many fen need a second person's approval (default 50,000 yuan).
GRIDGOV_PAYOUT_APPROVAL_FEN = int(os.environ.get("GRIDGOV_PAYOUT_APPROVAL_FEN", "5000000"))

# Overlap allowed between two grids before an import is refused, in square metres.
GRIDGOV_GRID_OVERLAP_TOLERANCE_M2 = float(os.environ.get("GRIDGOV_GRID_OVERLAP_M2", "1.0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Failed sign-ins and keys; payment notices (issue 8, items 1 and 12) ---------------------
# Failures of the login page, the admin's login, API bearer tokens, Open311 api_keys and
# payment providers' signatures are counted by django-axes (gridgov/core/throttle.py) per
# (account, client address) and per client address; past either limit that way in is refused
# (429) for the cool-off. An attacker thus locks only the accounts at his own address, and
# his address, never a user working from elsewhere.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
GRIDGOV_THROTTLE_FAILURES = int(os.environ.get("GRIDGOV_THROTTLE_FAILURES", "5"))
# Higher than the above: many honest users may sit behind one office address.
GRIDGOV_THROTTLE_ADDRESS_FAILURES = int(os.environ.get("GRIDGOV_THROTTLE_ADDRESS_FAILURES", "20"))
GRIDGOV_THROTTLE_COOLOFF_MINUTES = int(os.environ.get("GRIDGOV_THROTTLE_COOLOFF_MINUTES", "15"))
AXES_HANDLER = "gridgov.core.throttle.Handler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = GRIDGOV_THROTTLE_FAILURES
AXES_COOLOFF_TIME = GRIDGOV_THROTTLE_COOLOFF_MINUTES / 60  # axes reads a float as hours
# A lockout lasts the cool-off from the failure that caused it; refused attempts during it
# do not prolong it (else an attacker could keep an address locked for ever).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "gridgov.core.throttle.account_key"
AXES_CLIENT_IP_CALLABLE = "gridgov.core.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "gridgov.core.throttle.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not axes' business
AXES_ENABLE_ADMIN = False  # the admin is read-only; `gridgov axes_reset_ip` etc. unlock
AXES_VERBOSE = False
# Payment notices allowed per provider and client address in the window (a provider's retry
# storm after an outage stays far below this; a flood from one address does not).
GRIDGOV_NOTICE_LIMIT = int(os.environ.get("GRIDGOV_NOTICE_LIMIT", "1200"))
GRIDGOV_NOTICE_WINDOW_SECONDS = int(os.environ.get("GRIDGOV_NOTICE_WINDOW_SECONDS", "60"))
# A notice still "received" this long after it arrived was cut short (a crash, an error);
# the finance desk lists it and `gridgov sweep` settles it from its stored body.
GRIDGOV_NOTICE_STUCK_SECONDS = int(os.environ.get("GRIDGOV_NOTICE_STUCK_SECONDS", "120"))

# --- Maps (issue 9, item 2; gridgov/static/gridgov/map.js) -----------------------------------
# Without a tile source the maps draw our own geometry (grids, buildings, signs, matters) on a
# plain background: nothing is fetched from outside. A deployment with internet may set a
# Leaflet URL template, or several separated by spaces drawn one over another (a base map
# and its labels), e.g. 天地图 (CGCS2000, which lines up with our WGS-84 coordinates; GCJ-02
# sources such as 高德 or 腾讯 would draw everything some hundred metres off):
#   GRIDGOV_MAP_TILES="https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile
#     &VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}
#     &TILEROW={y}&TILECOL={x}&tk=KEY" (one line; add the cva_w labels the same way)
#   GRIDGOV_MAP_SUBDOMAINS=01234567  GRIDGOV_MAP_ATTRIBUTION="© 天地图"
# The tiles' hosts are added to the Content-Security-Policy's img-src.
GRIDGOV_MAP_TILES = os.environ.get("GRIDGOV_MAP_TILES", "").split()
GRIDGOV_MAP_ATTRIBUTION = os.environ.get("GRIDGOV_MAP_ATTRIBUTION", "")
GRIDGOV_MAP_SUBDOMAINS = os.environ.get("GRIDGOV_MAP_SUBDOMAINS", "abc")
GRIDGOV_MAP_MAX_ZOOM = int(os.environ.get("GRIDGOV_MAP_MAX_ZOOM", "18"))


def _tile_source(template: str) -> str:
    """The CSP source of a tile URL template: scheme and host, a `{s}` label as `*`."""
    from urllib.parse import urlsplit

    parts = urlsplit(template)
    labels = parts.netloc.split(".")
    templated = [i for i, label in enumerate(labels) if "{" in label]
    if templated:  # a wildcard stands only for the leftmost labels
        labels = ["*", *labels[templated[-1] + 1 :]]
    return f"{parts.scheme}://{'.'.join(labels)}"


CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] += sorted(
    {_tile_source(t) for t in GRIDGOV_MAP_TILES}
)
