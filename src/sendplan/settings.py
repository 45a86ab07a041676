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
    # The API's docs page and its static files (Swagger UI, served from here, not a CDN).
    "ninja",
    "sendplan.core",
    "sendplan.accounts",
    "sendplan.learners",
    "sendplan.provision",
    "sendplan.documents",
    "sendplan.casework",
    "sendplan.planning",
    "sendplan.sufficiency",
    "sendplan.pathway",
    "sendplan.delivery",
    "sendplan.web",
    "sendplan.privacy",
    "sendplan.home",
    "sendplan.api",
    "sendplan.demo",
]

MIDDLEWARE = [
    # Above WhiteNoise, so static files carry the header too.
    "sendplan.web.middleware.permissions_policy",
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
    # Millions of leaked passwords, shipped with the service and checked offline (ADR 0120).
    {"NAME": "sendplan.accounts.passwords.BreachedPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Lock out by username and address together: a whole council sits behind one address. The
# cool-off is finite so a locked user can come back.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout must not restart the cool-off, or a colleague behind the same
# council address could keep someone locked out for ever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Password spraying (one password, many usernames): an address is also held once this many
# different usernames have failed from it within the cool-off (ADR 0120). Usernames that
# then sign in stop counting, so colleagues' typing slips behind one council address do not
# add up.
SENDPLAN_ADDRESS_FAILURE_LIMIT = envint("SENDPLAN_ADDRESS_FAILURE_LIMIT", 10, minimum=2)
AXES_HANDLER = "sendplan.accounts.throttle.SignInThrottle"
# Behind a proxy, the client is the address that many trusted proxies back in
# X-Forwarded-For (README, "Behind a proxy"); 0 means the TCP peer. Lockout, the address
# throttle and the audit trail all use sendplan.core.client_address.
SENDPLAN_TRUSTED_PROXY_COUNT = envint("AXES_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "sendplan.core.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "sendplan.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLED = envbool("AXES_ENABLED", True)

# After the password, a code from an authenticator app for everyone but parents and young
# people (ADR 0109). Off by default on a laptop so the demo signs in in one step.
SENDPLAN_SECOND_FACTOR = envbool("SENDPLAN_SECOND_FACTOR", PRODUCTION)
if PRODUCTION and not SENDPLAN_SECOND_FACTOR:
    raise ImproperlyConfigured("SENDPLAN_SECOND_FACTOR cannot be turned off in production")
# After each wrong code in a row the next try waits twice as long (1, 2, 4... seconds), but
# never longer than this, so someone who knows a password cannot shut its owner out for
# hours by typing wrong codes (ADR 0120).
SENDPLAN_SECOND_FACTOR_MAX_DELAY_SECONDS = envint(
    "SENDPLAN_SECOND_FACTOR_MAX_DELAY_SECONDS", 300, minimum=1
)
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
# Documents about learners (evidence, advice reports, letters, signed plans) are kept in
# their own storage, never under a public URL: they are served only through the download
# view, which checks access and audits each copy (ADR 0124). On a laptop, files under var/;
# in production, an S3-compatible bucket (django-storages) kept private.
SENDPLAN_DOCUMENTS_STORAGE = envstr("SENDPLAN_DOCUMENTS_STORAGE", "filesystem")
if SENDPLAN_DOCUMENTS_STORAGE == "filesystem":
    _documents_storage: dict[str, object] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": envstr(
                "SENDPLAN_DOCUMENTS_DIR",
                str(
                    REPO_DIR / "var" / ("test-documents" if ENVIRONMENT == "test" else "documents")
                ),
            ),
            "base_url": "/no-public-url/",
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
elif SENDPLAN_DOCUMENTS_STORAGE == "s3":
    _bucket = envstr("SENDPLAN_S3_BUCKET", "")
    if not _bucket:
        raise ImproperlyConfigured("SENDPLAN_S3_BUCKET must name the bucket for documents")
    _documents_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            # Empty: Amazon S3 itself; otherwise the S3-compatible service's address.
            "endpoint_url": envstr("SENDPLAN_S3_ENDPOINT_URL", "") or None,
            "region_name": envstr("SENDPLAN_S3_REGION", "") or None,
            "location": envstr("SENDPLAN_S3_PREFIX", "documents"),
            # Credentials come from boto3's own chain: AWS_ACCESS_KEY_ID and
            # AWS_SECRET_ACCESS_KEY, or the machine's role.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"}
            if envbool("SENDPLAN_S3_ENCRYPT", True)
            else {},
        },
    }
else:
    raise ImproperlyConfigured(
        f"SENDPLAN_DOCUMENTS_STORAGE must be filesystem or s3, not {SENDPLAN_DOCUMENTS_STORAGE!r}"
    )
# The largest document accepted, in bytes (the web server in front should refuse larger
# requests too). Default 20 MB.
SENDPLAN_DOCUMENT_MAX_BYTES = envint("SENDPLAN_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# clamd, the ClamAV daemon, scans every document before it may be downloaded: by its Unix
# socket, or by host and port. Neither set: documents are marked "not scanned" and served.
SENDPLAN_CLAMD_SOCKET = envstr("SENDPLAN_CLAMD_SOCKET", "")
SENDPLAN_CLAMD_HOST = envstr("SENDPLAN_CLAMD_HOST", "")
SENDPLAN_CLAMD_PORT = envint("SENDPLAN_CLAMD_PORT", 3310, minimum=1)
SENDPLAN_CLAMD_TIMEOUT = envint("SENDPLAN_CLAMD_TIMEOUT", 60, minimum=1)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": _documents_storage,
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
# Provision delivered (ADR 0135): a commitment is in shortfall when under this percentage
# of what the plan specifies was delivered over the last this-many complete weeks.
SENDPLAN_DELIVERY_SHORTFALL_PERCENT = envint("SENDPLAN_DELIVERY_SHORTFALL_PERCENT", 80, minimum=1)
if SENDPLAN_DELIVERY_SHORTFALL_PERCENT > 100:
    raise ImproperlyConfigured("SENDPLAN_DELIVERY_SHORTFALL_PERCENT must be 100 or less")
SENDPLAN_DELIVERY_WINDOW_WEEKS = envint("SENDPLAN_DELIVERY_WINDOW_WEEKS", 4, minimum=1)

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
# The local SEND information, advice and support service (SENDIASS): families' pages give its
# contact details, and the privacy notice and accessibility statement name whom to contact.
# Empty values are left out; with no name at all, pages say to ask the council for it.
SENDIASS = {
    "name": envstr("SENDPLAN_SENDIASS_NAME", ""),
    "phone": envstr("SENDPLAN_SENDIASS_PHONE", ""),
    "email": envstr("SENDPLAN_SENDIASS_EMAIL", ""),
    "website": envstr("SENDPLAN_SENDIASS_WEBSITE", ""),
}
DATA_PROTECTION_EMAIL = envstr("SENDPLAN_DATA_PROTECTION_EMAIL", "")
ACCESSIBILITY_EMAIL = envstr("SENDPLAN_ACCESSIBILITY_EMAIL", "")
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
