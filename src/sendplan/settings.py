"""The one settings module, driven by environment variables (see .env.example).

With no variables at all it runs the embedded SQLite demo. ``SENDPLAN_ENV=production``
turns on the production checks: a real secret key, DEBUG off, explicit hosts.
"""

from __future__ import annotations

import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from sendplan.env import envbool, envint, envlist, envstr

SRC_DIR = Path(__file__).resolve().parent
REPO_DIR = SRC_DIR.parent.parent

ENVIRONMENT = envstr("SENDPLAN_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"SENDPLAN_ENV must be development, test or production, not {ENVIRONMENT!r}"
    )
PRODUCTION = ENVIRONMENT == "production"

_DEV_SECRET = "insecure-development-key-never-use-in-production"
SECRET_KEY = envstr("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
DEBUG = envbool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 40 characters in production"
        )
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (DEBUG=false)")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list this service's host names in production"
        )

# Where the real public data lives (read-only, never copied into the repository).
SHARED_DATA_DIR = Path(envstr("SENDPLAN_SHARED_DATA", str(REPO_DIR.parent / "shared" / "data")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "sendplan.core",
    "sendplan.accounts",
    "sendplan.learners",
    "sendplan.provision",
    "sendplan.casework",
    "sendplan.planning",
    "sendplan.sufficiency",
    "sendplan.web",
    "sendplan.privacy",
    "sendplan.home",
    "sendplan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Signs out after SENDPLAN_IDLE_MINUTES without a request, before anything else runs.
    "sendplan.accounts.idle.idle_timeout",
    # The session's fingerprint and the client's address, for the audit trail.
    "sendplan.web.middleware.request_facts",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Pages hold personal data: no browser or proxy may keep a copy (ASVS 14.3.2).
    "sendplan.web.middleware.no_store",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sendplan.urls"
WSGI_APPLICATION = "sendplan.wsgi.application"
ASGI_APPLICATION = "sendplan.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sendplan.home.context_processors.service",
            ],
            # Dates, times and ages in GOV.UK style on every page, without a {% load %}.
            "builtins": [
                "sendplan.web.templatetags.govuk",
                "sendplan.web.templatetags.fields",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{REPO_DIR / 'var' / 'sendplan.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", _default_sqlite),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the demo server read while the worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # The web server and the worker take turns to write: wait for the other's turn to end
    # (a run stores its proposals in one transaction) rather than fail with "locked".
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ENVIRONMENT == "test":
    # Hashing cost is not what the tests measure; the production list is above.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Lock out by username and address together, never by address alone: a whole council
# sits behind one address. The cool-off is finite so a locked user can come back.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout must not restart the cool-off, or a colleague behind the same
# council address could keep someone locked out for ever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Behind a proxy, the client address comes from X-Forwarded-For set by that many proxies.
AXES_IPWARE_PROXY_COUNT = envint("AXES_PROXY_COUNT", 0, minimum=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
AXES_LOCKOUT_CALLABLE = "sendplan.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLED = envbool("AXES_ENABLED", True)

# After the password, a code from an authenticator app for everyone but parents and young
# people (ADR 0109). Off by default on a laptop so the demo signs in in one step.
SENDPLAN_SECOND_FACTOR = envbool("SENDPLAN_SECOND_FACTOR", PRODUCTION)
if PRODUCTION and not SENDPLAN_SECOND_FACTOR:
    raise ImproperlyConfigured("SENDPLAN_SECOND_FACTOR cannot be turned off in production")
# Hours a set-up link for an authenticator app stays usable (`sendplan enrol-link`, or
# "Reset authenticator app" in the admin). Each link works once.
SENDPLAN_ENROLMENT_LINK_HOURS = envint("SENDPLAN_ENROLMENT_LINK_HOURS", 72, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
# Minutes without a request after which a signed-in user is signed out; a warning comes two
# minutes before (ADR 0109, decision 10). SESSION_COOKIE_AGE stays the absolute limit.
SENDPLAN_IDLE_MINUTES = envint("SENDPLAN_IDLE_MINUTES", 30, minimum=5)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    # The service's own subdomains (if any) are the partnership's, and served over HTTPS too.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is for a whole registrable domain (a council's, not one service's), so it is
    # the domain owner's decision: off unless asked for, and Django's reminder is silenced.
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = REPO_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # WhiteNoise warns at start-up when STATIC_ROOT is missing; in development the finders serve.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "sendplan@localhost")

# The address people sign in at, for links in emails (which carry no personal detail).
SENDPLAN_SERVICE_URL = envstr("SENDPLAN_SERVICE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
if PRODUCTION and not SENDPLAN_SERVICE_URL.startswith("https://"):
    raise ImproperlyConfigured("SENDPLAN_SERVICE_URL must be the service's https:// address")

# The partnership's own name in the header (not the GOV.UK crown). Until a partnership
# names itself, the header carries the service's name.
SERVICE_NAME = envstr("SENDPLAN_SERVICE_NAME", "SENDplan")
PARTNERSHIP_NAME = envstr("SENDPLAN_PARTNERSHIP_NAME", "") or SERVICE_NAME
# The council whose area this service covers, by its nine-character ONS code (E09000022).
# Pages compare with that area's published figures when the signed-in user's own council has
# no code, and `sendplan sufficiency-run` forecasts it when given no --la. There is no
# default: without it those pages and commands say that no area is set.
SENDPLAN_LA_CODE = envstr("SENDPLAN_LA_CODE", "").strip().upper()
if SENDPLAN_LA_CODE and not re.fullmatch(r"[EWSN]\d{8}", SENDPLAN_LA_CODE):
    raise ImproperlyConfigured(
        f"SENDPLAN_LA_CODE must be an ONS code such as E09000022, not {SENDPLAN_LA_CODE!r}"
    )
# A demonstration with synthetic learners (`make demo`): every page says so in its footer.
SENDPLAN_DEMO = envbool("SENDPLAN_DEMO", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines carry paths only; paths never carry names or identifiers.
        "django.request": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Background work (placement and forecast runs, emails) goes through one queue, the tasks
# API of Django 6 (ADR 0114). The database backend needs nothing but the database and one or
# more `sendplan db_worker` processes. Tests run tasks at once, in the calling process.
SENDPLAN_TASKS_BACKEND = envstr(
    "SENDPLAN_TASKS_BACKEND",
    "django_tasks.backends.immediate.ImmediateBackend"
    if ENVIRONMENT == "test"
    else "django_tasks_db.DatabaseBackend",
)
_IN_THE_CALLER = {
    "django_tasks.backends.immediate.ImmediateBackend",
    "django_tasks.backends.dummy.DummyBackend",
}
if PRODUCTION and SENDPLAN_TASKS_BACKEND in _IN_THE_CALLER:
    # At once in the web process is how forty clicks became forty computations; never is worse.
    raise ImproperlyConfigured(
        "SENDPLAN_TASKS_BACKEND must be a queue that workers run in production "
        "(default django_tasks_db.DatabaseBackend)"
    )
TASKS = {"default": {"BACKEND": SENDPLAN_TASKS_BACKEND}}

# Days a planning run keeps the learners and places it planned (for what-ifs) before
# `sendplan planning-prune` deletes them; the run and its proposals stay (ADR 0108).
SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS = envint(
    "SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS", 365, minimum=1
)
