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
    "growth",
    "surveys",
    "health",
    "sharing",
    "portfolio",
    "api",
    "webhooks",
]

MIDDLEWARE = [
    # First: every later log line of the request carries its id (kam.request_id), and the
    # metrics see every request, redirects and refusals included (kam.metrics).
    "kam.request_id.RequestIdMiddleware",
    "kam.metrics.MetricsMiddleware",
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

# --- Cache and sessions: shared by every web process and worker --------------
# Redis when CACHE_URL (or REDIS_URL) is set, else each process's memory (one process only).
# Sessions stay in the database: they survive a Redis restart and are shared by every web process.
CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "kam.cache.TolerantRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "kam",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.5},
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Authentication -------------------------------------------------------
# Single sign-on through the company's OpenID Connect provider (kam.oidc), on when a client id is set.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
# The name on the button: "Sign in with <name>".
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="your company account")
# The issuer; its /.well-known/openid-configuration gives the endpoints (or OIDC_OP_DISCOVERY_URL).
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_DISCOVERY_URL = env.str("OIDC_OP_DISCOVERY_URL", default="")
# Each endpoint may instead be set explicitly (then it wins over discovery).
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = ""
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
# Only addresses of these domains sign in (empty: any address the provider verified).
OIDC_ALLOWED_EMAIL_DOMAINS = env.list("OIDC_ALLOWED_EMAIL_DOMAINS", default=[])
# The claim saying the provider verified the address (Azure AD: see README).
OIDC_EMAIL_VERIFIED_CLAIM = env.str("OIDC_EMAIL_VERIFIED_CLAIM", default="email_verified")
# Optional roles from the provider's groups, "group=role,group=role" (never administrator).
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
OIDC_GROUP_ROLES = env.dict("OIDC_GROUP_ROLES", default={})
# With SSO configured, local passwords may be switched off: the sign-in page then offers SSO only.
KAM_LOCAL_PASSWORDS = env.bool("KAM_LOCAL_PASSWORDS", default=True)
if not KAM_LOCAL_PASSWORDS and not OIDC_RP_CLIENT_ID:
    raise environ.ImproperlyConfigured("KAM_LOCAL_PASSWORDS=false needs single sign-on (OIDC_RP_CLIENT_ID).")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kam.oidc.KamOIDCBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if KAM_LOCAL_PASSWORDS else []),
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
# Who is asking, on the public survey page, its e-mails and the PDFs (kam.organisation); the logo is a path
# under the static files (e.g. "img/logo.svg"), so the PDFs' local-only fetcher reaches it too.
KAM_ORGANISATION_NAME = env.str("KAM_ORGANISATION_NAME", default="")
KAM_ORGANISATION_LOGO = env.str("KAM_ORGANISATION_LOGO", default="")

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
# Uploaded imports and generated PDFs live in the database today (BinaryField), so every process reads
# them; the file storage below is for any file a feature adds: a shared directory by default, an
# S3-compatible bucket (django-storages) when AWS_STORAGE_BUCKET_NAME is set.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the instance's role.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": None,
            "querystring_auth": True,  # private files: links signed and short-lived
            "file_overwrite": False,
        },
    }
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
# Two queues so a long run never delays an e-mail: "heavy" (segmentation, PDFs, imports) and "light"
# (mail, digests, reminders, notifications, the outbox, everything else: the default queue). Each gets
# its own workers (deploy/worker.sh) and time limits (annotations below). kam.celery.route_task reads
# KAM_TASK_QUEUES at publish time; the test settings empty it so every task goes to the default queue.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_DEFAULT_QUEUE", default="light")
KAM_HEAVY_TASKS = [
    "scoring.tasks.segmentation_run_task",
    "scoring.tasks.scheduled_segmentation_task",
    "plans.tasks.plan_pdf_task",
    "accounts.tasks.import_apply_task",
    "kam.tasks.heartbeat_heavy_task",
]
KAM_TASK_QUEUES = dict.fromkeys(KAM_HEAVY_TASKS, "heavy")
CELERY_TASK_ROUTES = ["kam.celery.route_task"]
CELERY_TASK_CREATE_MISSING_QUEUES = True
# Django's LOGGING (JSON in production) formats the workers' logs too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

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
# Per queue: heavy tasks get the limits above; light ones (an e-mail, a digest, the outbox) must finish in
# minutes, so a stuck SMTP server frees its worker soon; a retried light task waits a minute first.
KAM_LIGHT_SOFT_TIME_LIMIT = env.int("CELERY_LIGHT_SOFT_TIME_LIMIT", default=5 * 60)
KAM_LIGHT_TIME_LIMIT = env.int("CELERY_LIGHT_TIME_LIMIT", default=6 * 60)
# kam.celery.QueueAnnotations gives each task its queue's limits (and light tasks a 60 s retry delay).
CELERY_TASK_ANNOTATIONS = ["kam.celery.QueueAnnotations"]
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
KAM_PRIVATE_PATH_PREFIXES = ("/s/", "/p/")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers and orchestrators probe over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Off only for `make prod` on the loopback (plain HTTP); the deploy check then warns, as it should.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logs, errors, metrics, health -------------------------------------------
# JSON lines in production (one object per record, with the request id of the request or of the
# request that enqueued the task: kam.request_id); readable text in development. LOG_FORMAT overrides.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kam.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Axes logs every sign-in at INFO; lockouts still show as warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Errors to Sentry when SENTRY_DSN is set; nothing leaves the machine otherwise.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,  # no user names, e-mails or addresses of customers' contacts
    )

# /metrics (Prometheus) answers an administrator's session or `Authorization: Bearer <METRICS_TOKEN>`;
# anyone else gets a 404. Empty token: administrators only.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# /readyz: a worker of each queue and beat must have been seen within these many seconds.
READYZ_WORKER_MAX_AGE = env.int("READYZ_WORKER_MAX_AGE", default=5 * 60)
READYZ_BEAT_MAX_AGE = env.int("READYZ_BEAT_MAX_AGE", default=5 * 60)

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
# Account health counts the incidents and payment issues logged within this many days.
HEALTH_INCIDENT_DAYS = env.int("HEALTH_INCIDENT_DAYS", default=90)

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
# --- Plans shared with the customer (sharing) ----------------------------------
# Our name on the shared plan and its e-mails is KAM_ORGANISATION_NAME (above; "KAM" while it is unset).
# Days a personal link works (re-sending makes a new link for as long again).
KAM_SHARE_LINK_DAYS = env.int("KAM_SHARE_LINK_DAYS", default=90)
# A browser admitted with a one-time code is remembered this long (signed cookie).
KAM_SHARE_BROWSER_DAYS = env.int("KAM_SHARE_BROWSER_DAYS", default=60)
# The one-time code: minutes it is valid, tries it allows, codes a link may ask for per day.
KAM_SHARE_CODE_MINUTES = env.int("KAM_SHARE_CODE_MINUTES", default=15)
KAM_SHARE_CODE_MAX_TRIES = env.int("KAM_SHARE_CODE_MAX_TRIES", default=5)
KAM_SHARE_CODES_PER_DAY = env.int("KAM_SHARE_CODES_PER_DAY", default=5)
# Requests per minute one link may make (an address may make four times as many, across links).
KAM_SHARE_REQUESTS_PER_MINUTE = env.int("KAM_SHARE_REQUESTS_PER_MINUTE", default=30)
