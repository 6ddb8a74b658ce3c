"""Settings for KAM, read from the environment (see README and .env.example).

Defaults give a self-contained development setup: SQLite, Celery tasks run
eagerly, mails to the console. Setting DATABASE_URL / CELERY_BROKER_URL
switches to PostgreSQL / Redis; DEBUG=off switches to production mode, which
refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production-0123456789")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    # No defaults on purpose: production must say what it is.
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise environ.ImproperlyConfigured("Set the ALLOWED_HOSTS environment variable.")

INSTALLED_APPS = [
    "kam.apps.KamAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_countries",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_celery_beat",
    "django_celery_results",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "kam",
    "accounts",
    "scoring",
    "plans",
    "surveys",
    "portfolio",
    "api",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a session verified once a second factor was given (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kam.middleware.PrivacyHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Every page needs a login unless its view says @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Until then, a user who owes a second factor reaches only the two-factor pages (kam.two_factor).
    "kam.middleware.TwoFactorMiddleware",
    # Axes must come last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kam.urls"
WSGI_APPLICATION = "kam.wsgi.application"
AUTH_USER_MODEL = "kam.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kam.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reusing connections saves ~6 ms per request (PERFORMANCE.md).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock a username+address pair out after 5 failures, for a cool-off period
# (never permanently: a locked-out salesperson must not need an admin).
# Behind the TLS proxy, REMOTE_ADDR is the proxy's; the client's address comes from
# X-Forwarded-For, taken from the right by the number of trusted proxies (kam.signin).
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
KAM_TRUSTED_PROXY_COUNT = env.int("PROXY_COUNT", default=1) if BEHIND_TLS_PROXY else 0
AXES_CLIENT_IP_CALLABLE = "kam.signin.client_ip_address"
AXES_HANDLER = "kam.signin.KamAxesHandler"
# Failures for one user name from one address lock that pair only (the user's other
# clients still sign in); failures from one address across user names lock the address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# Attempts during a lockout do not extend it, so the end time e-mailed to the user holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Two-factor sign-in (kam.two_factor): required of administrators, optional for the others.
# Not read from the environment on purpose: no deployment can switch it off (only the unit
# test settings do, for the tests that sign in with force_login; test_two_factor turns it on).
KAM_TWO_FACTOR_ENFORCED = True
# Wrong codes in a row before the session is signed out (back to the password step); each
# also counts as a failed sign-in for django-axes, and django-otp doubles the wait after each.
KAM_TWO_FACTOR_MAX_TRIES = 5
OTP_TOTP_ISSUER = "KAM"

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True
KAM_CURRENCY = env.str("KAM_CURRENCY", default="EUR")

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker, tasks run in-process so the app needs no outside service.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "celery"

# Redelivery and time limits, sized to the longest job: a whole re-segmentation of 100,000 accounts
# takes about a minute (PERFORMANCE.md), a large campaign's e-mails a few minutes.
# - A task is acknowledged only once it has finished (acks_late), and put back in the queue when the
#   process running it dies (reject_on_worker_lost), so a killed pool process loses nothing.
# - Redis keeps an unacknowledged message invisible for `visibility_timeout` seconds, then hands it to
#   another worker. It must exceed the longest task (or a task still running would be started twice),
#   and it is how long a message waits when a whole worker was killed: 30 minutes.
# - A task is told to stop (SoftTimeLimitExceeded, the run is marked failed) after 15 minutes and
#   killed after 20: below the visibility timeout, so no task outlives its invisibility.
# Every task is idempotent (a redelivered one does nothing twice). Segmentation runs also beat a
# heartbeat that the watchdog checks (SEGMENTATION_HEARTBEAT_* below).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=15 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=20 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=30 * 60),
    # A dead broker answers "down" quickly instead of hanging a page that publishes.
    "socket_connect_timeout": 2,
}
# The outbox (kam.outbox): a message published this long ago and not done yet is published again
# (its copy was lost with a broker that kept none). Above the visibility timeout plus the time limit,
# so a message Redis still holds is not doubled needlessly (doubles are harmless: tasks are idempotent).
OUTBOX_REDELIVER_AFTER = env.int("OUTBOX_REDELIVER_AFTER", default=60 * 60)

# Segmentation runs: the running run's heartbeat is written every INTERVAL seconds by the worker; the
# watchdog (every 2 minutes) fails a run whose heartbeat is older than TIMEOUT, so the next run may start.
SEGMENTATION_HEARTBEAT_INTERVAL = env.int("SEGMENTATION_HEARTBEAT_INTERVAL", default=20)
SEGMENTATION_HEARTBEAT_TIMEOUT = env.int("SEGMENTATION_HEARTBEAT_TIMEOUT", default=5 * 60)
# A run still waiting for a worker after this long is failed with that reason (no worker is consuming).
SEGMENTATION_PENDING_TIMEOUT = env.int("SEGMENTATION_PENDING_TIMEOUT", default=60 * 60)
# /healthz checks the broker at most this often, each check waiting at most 0.2 s.
HEALTHZ_BROKER_CACHE_SECONDS = 10

# Filters' empty choice reads "All" rather than "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("All")

# --- E-mail ---------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
# Absolute address of the site, for links in e-mails (which have no request to build them from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="KAM <kam@localhost>")

# --- Security -------------------------------------------------------------
# Scripts and styles only from our own origin: no CDN, no inline script.
# Plotly and htmx inject <style> elements, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# KAM uses none of these browser features; deny them to the page and anything it embeds.
KAM_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
# Anonymous pages whose URL is the secret (survey links): never cached either.
KAM_PRIVATE_PATH_PREFIXES = ("/s/",)
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Axes logs every sign-in at INFO; lockouts still show as warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Imports --------------------------------------------------------------
# Largest file the import wizard accepts (bytes); bigger uploads get a clear message.
KAM_IMPORT_MAX_BYTES = env.int("KAM_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# What a file may unpack to, checked while reading, before anything is held: a 3 MB workbook can hold
# 1 GB of XML. The defaults fit a 200,000-row export with room to spare.
KAM_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("KAM_IMPORT_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024)
KAM_IMPORT_MAX_ROWS = env.int("KAM_IMPORT_MAX_ROWS", default=250_000)
KAM_IMPORT_MAX_COLUMNS = env.int("KAM_IMPORT_MAX_COLUMNS", default=200)
KAM_IMPORT_MAX_CELLS = env.int("KAM_IMPORT_MAX_CELLS", default=10_000_000)
# Characters in one value; a longer one is a stray quote or not a table at all.
KAM_IMPORT_MAX_FIELD_CHARS = env.int("KAM_IMPORT_MAX_FIELD_CHARS", default=100_000)
# An import of more rows is applied by a worker (with progress in the page), never within a web request:
# 200,000 rows take ~40 s to write, past gunicorn's 30 s timeout.
KAM_IMPORT_SYNC_ROWS = env.int("KAM_IMPORT_SYNC_ROWS", default=5_000)
# Uploads never applied lose their file after this many hours (an hourly job); each can weigh megabytes.
KAM_IMPORT_UPLOAD_TTL_HOURS = env.int("KAM_IMPORT_UPLOAD_TTL_HOURS", default=24)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Decision-maker maps ----------------------------------------------------
# Days without an interaction with a decision maker or champion before coverage flags the silence.
COVERAGE_SILENCE_DAYS = env.int("COVERAGE_SILENCE_DAYS", default=90)

# --- Review routine ---------------------------------------------------------
# Days a review may be overdue before the account's executive sponsor is told.
REVIEW_ESCALATION_DAYS = env.int("REVIEW_ESCALATION_DAYS", default=14)

# --- REST API (api/) ----------------------------------------------------------
# Personal tokens only (no session, so no CSRF to think about); every view adds the object rules.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScopePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_THROTTLE_RATE", default="3000/hour")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only; the bulk import takes multipart itself.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    # No OPTIONS self-description: the schema at /api/schema/ is the description.
    "DEFAULT_METADATA_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KAM API",
    "DESCRIPTION": "Key account management: accounts, scores, plans, surveys. Authenticate with a personal token "
    "from your preferences page: `Authorization: Bearer <token>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "plans.models.PlanStatus",
        "ActionStatusEnum": "plans.models.ActionStatus",
        "RunStatusEnum": "scoring.models.RunStatus",
        "OverrideStatusEnum": "scoring.models.OverrideStatus",
        "ImportStatusEnum": "accounts.models.ImportStatus",
        "SegmentEnum": "accounts.models.Segment",
        "TierEnum": "accounts.models.Tier",
    },
}
# Webhook deliveries (webhooks/): an endpoint is paused after this many failed deliveries in a row.
WEBHOOK_MAX_FAILURES = env.int("WEBHOOK_MAX_FAILURES", default=10)
# A failed delivery is tried again after this many seconds, doubled each time (five retries).
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30)
