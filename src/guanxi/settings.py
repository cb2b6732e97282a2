"""One settings module, driven by environment variables.

Defaults suit a single machine (SQLite in the data directory); production sets
DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and leaves DEBUG off.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("GUANXI_DATA_DIR", PROJECT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Read SECRET_KEY from the environment, or keep a generated one in the data dir."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Key rotation (docs/operations.md): the previous keys, still accepted while sessions age out.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

GUANXI_POLICY = os.environ.get("GUANXI_POLICY", "cosl")
GUANXI_POLICY_DIR = Path(os.environ.get("GUANXI_POLICY_DIR", PROJECT_DIR / "policies"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "guanxi.policy",
    "guanxi.organisation",
    "guanxi.access",
    "guanxi.customers",
    "guanxi.history",
    "guanxi.approvals",
    "guanxi.plans",
    "guanxi.activities",
    "guanxi.outbox",
    "guanxi.keycustomers",
    "guanxi.contactreports",
    "guanxi.timeline",
    "guanxi.demands",
    "guanxi.feedback",
    "guanxi.satisfaction",
    "guanxi.improvements",
    "guanxi.risk",
    "guanxi.workdays",
    "guanxi.web",
    "guanxi.api",
    "guanxi.seeding",
    "guanxi.ops",
]

MIDDLEWARE = [
    "guanxi.ops.middleware.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "guanxi.access.scope.ScopePerRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "guanxi.web.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "guanxi.web.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "guanxi.web.session_idle.SessionIdleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "guanxi.web.middleware.ReadNotRegisteredMiddleware",
]

ROOT_URLCONF = "guanxi.urls"
WSGI_APPLICATION = "guanxi.wsgi.application"

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
                "guanxi.web.context.navigation",
            ],
            # money (|yuan, |money) and CSS strings in every template, documents included
            "builtins": ["guanxi.web.templatetags.formats"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'guanxi.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock up
    # front so concurrent writers queue instead of failing with "database is locked".
    # Connections are kept (CONN_MAX_AGE, as on PostgreSQL): opening one parses the whole
    # schema (some 300 tables, indexes and history triggers), 13-18 ms a request on `large`.
    # Between requests a kept connection holds no transaction, so no snapshot or lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("SQLITE_TEST_NAME", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisation.Person"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Locking by address too would let five wrong guesses lock out a whole office behind one NAT
# address; accounts are locked by username, and the API is rate-limited per client.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("GUANXI_PLAIN_STATIC", True)
            else "guanxi.ops.storage.StaticStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON with a nesting limit (API_JSON_MAX_DEPTH): a hostile body is a 400, not a 500
    "DEFAULT_PARSER_CLASSES": [
        "guanxi.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "guanxi.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "guanxi.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["guanxi.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_RATE", "6000/min"),
        "client": os.environ.get("API_RATE", "6000/min"),  # per token (or session)
        "anon": os.environ.get("API_ANON_RATE", "600/min"),  # per address: sign-in, strangers
    },
    # Count by the connecting address, not a client-supplied X-Forwarded-For; set to the number
    # of trusted reverse proxies in front of the application.
    "NUM_PROXIES": int(os.environ.get("API_NUM_PROXIES", "0")),
}
# No request body of the API nests deeper than a few levels (guanxi.api.parsers).
API_JSON_MAX_DEPTH = int(os.environ.get("API_JSON_MAX_DEPTH", "32"))
SPECTACULAR_SETTINGS = {
    "TITLE": "Guanxi API",
    "DESCRIPTION": _("Customer relationship management API. Every read is registered."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DepartmentKindEnum": "guanxi.customers.models.DepartmentKind",
        "DealingKindEnum": "guanxi.customers.models.DealingKind",
        "DealingStatusEnum": "guanxi.customers.models.DealingStatus",
        "RequestKindEnum": "guanxi.customers.models.RequestKind",
        "BuyingRoleEnum": "guanxi.customers.models.BuyingRole",
        "RelationshipStateEnum": "guanxi.customers.models.RelationshipState",
        "ChannelEnum": "guanxi.access.models.Channel",
        "PlanKindEnum": "guanxi.plans.models.Kind",
        "DemandStatusEnum": "guanxi.demands.models.DemandStatus",
        "ComplaintStatusEnum": "guanxi.demands.models.ComplaintStatus",
        "ComplaintChannelEnum": "guanxi.demands.models.ComplaintChannel",
        "MonthlyReportStatusEnum": "guanxi.demands.models.ReportStatus",
        "ProposalStatusEnum": "guanxi.improvements.models.ProposalStatus",
        "PlanItemStatusEnum": "guanxi.improvements.models.ItemStatus",
        "OpinionStatusEnum": "guanxi.improvements.models.OpinionStatus",
        "ProposalSourceKindEnum": "guanxi.improvements.models.SourceKind",
    },
}

CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {
        # Fails open (guanxi.ops.cache): a Redis restart costs cache misses, not requests.
        "default": {
            "BACKEND": "guanxi.ops.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
# The idle sign-out (policy [security], web/session_idle.py) re-stamps an active session at most
# once a minute, which also slides its expiry; saving on every request would add a write to each.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and env_bool("GUANXI_HTTPS", False):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "guanxi@localhost")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
if email_backend := os.environ.get("EMAIL_BACKEND"):
    EMAIL_BACKEND = email_backend
# Outbox delivery (guanxi.outbox): lease while a worker sends, retry backoff, give-up count.
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "300"))
OUTBOX_BACKOFF_SECONDS = int(os.environ.get("OUTBOX_BACKOFF_SECONDS", "60"))
OUTBOX_BACKOFF_MAX_SECONDS = int(os.environ.get("OUTBOX_BACKOFF_MAX_SECONDS", "21600"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "10"))
OUTBOX_MESSAGE_ID_DOMAIN = os.environ.get("OUTBOX_MESSAGE_ID_DOMAIN", "guanxi.local")
# Briefing materials for visit plans: size cap in bytes.
KEYCUSTOMERS_UPLOAD_MAX_BYTES = int(os.environ.get("KEYCUSTOMERS_UPLOAD_MAX_BYTES", "10485760"))
# Photos of customer units and key persons (CUS-2, CUS-3): PNG or JPEG up to this many bytes.
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", "5242880"))

# One JSON object per line on stderr, each with the request id (guanxi.ops.logs); LOG_FORMAT=text
# for reading by eye. guanxi.request writes one access line per request at INFO.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "guanxi.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "guanxi.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "text" if os.environ.get("LOG_FORMAT") == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "guanxi.request": {"level": os.environ.get("ACCESS_LOG_LEVEL", "INFO")},
        "celery": {"level": os.environ.get("CELERY_LOG_LEVEL", "INFO")},
    },
}

# Operations (guanxi.ops): health probes skip the HTTPS redirect so the proxy can probe over
# plain HTTP; /metrics wants this bearer token when set, otherwise a direct loopback caller.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
GUANXI_METRICS_TOKEN = os.environ.get("GUANXI_METRICS_TOKEN", "")
REDIS_URL = os.environ.get("REDIS_URL", "")

# Task queue (guanxi.celery). No broker: tasks run in-process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or env_bool("GUANXI_TASKS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
OUTBOX_DELIVERY_SECONDS = float(os.environ.get("OUTBOX_DELIVERY_SECONDS", "30"))
# Reads are registered in the journal at once; they are moved into the hash chain at most once
# a second per process by a registering request, and by the scheduler (guanxi/access/register.py).
READ_CHAIN_SECONDS = float(os.environ.get("READ_CHAIN_SECONDS", "1"))
CELERY_BEAT_SCHEDULE = {
    "chain-reads": {
        "task": "guanxi.access.chain_pending",
        "schedule": max(READ_CHAIN_SECONDS, 1.0),
        "options": {"expires": max(READ_CHAIN_SECONDS, 1.0)},
    },
    "escalate-complaints": {
        "task": "guanxi.demands.escalate_breaches",
        "schedule": float(os.environ.get("COMPLAINT_SWEEP_SECONDS", "60")),
        "options": {"expires": 60.0},
    },
    # The stored risk signals (DEM-5) are recomputed set-based; a run queued while every worker
    # was down is dropped, the next one comes.
    "refresh-risk-signals": {
        "task": "guanxi.risk.refresh",
        "schedule": float(os.environ.get("RISK_REFRESH_SECONDS", "900")),
        "options": {"expires": float(os.environ.get("RISK_REFRESH_SECONDS", "900"))},
    },
    "deliver-outbox": {
        "task": "guanxi.outbox.deliver_due",
        "schedule": OUTBOX_DELIVERY_SECONDS,
        # A run queued while every worker was down is dropped, not piled up: the next one comes.
        "options": {"expires": OUTBOX_DELIVERY_SECONDS},
    },
}
