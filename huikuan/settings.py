"""Settings, all read from the environment so one file serves development, tests and production.

DATABASE_URL   sqlite:///path or postgres://user@host:port/name (default: SQLite in HUIKUAN_DATA_DIR)
SECRET_KEY     default: a random key kept in HUIKUAN_DATA_DIR/secret_key, made on first run
DEBUG          1/0 (default 0)
ALLOWED_HOSTS  comma-separated (default: localhost,127.0.0.1)
TIME_ZONE      default Asia/Shanghai
LANGUAGE_CODE  default zh-hans
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from huikuan.accounts import secret_key
from huikuan.core.mail import email_settings

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("HUIKUAN_DATA_DIR", BASE_DIR.parent / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}, not {raw!r}")
    return value


DEBUG = env_flag("DEBUG")
# SECRET_KEY from the environment wins; without it every process of this install shares a random key
# made once in the data directory (huikuan/accounts/secret_key.py). No key is written in the source:
# a known key with DEBUG off is refused by a system check and at server start (accounts/checks.py).
SECRET_KEY = os.environ.get("SECRET_KEY") or secret_key.load_or_create(DATA_DIR)

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "huikuan.core",
    "huikuan.accounts",
    "huikuan.audit",
    "huikuan.customers",
    "huikuan.terms",
    "huikuan.periods",
    "huikuan.contracts",
    "huikuan.receivables",
    "huikuan.reports",
    "huikuan.dunning",
    "huikuan.bank",
    "huikuan.demo",
    "huikuan.web",
]

MIDDLEWARE = [
    # First, so a server refuses to start on a public SECRET_KEY with DEBUG off (accounts/checks.py).
    "huikuan.accounts.checks.RefuseInsecureSettingsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "huikuan.web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into its answer (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huikuan.urls"
WSGI_APPLICATION = "huikuan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huikuan.web.context.workbench",
            ],
        },
    },
]


def database_config() -> dj_database_url.DBConfig:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'huikuan.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue on busy_timeout instead of failing on a lock upgrade.
        # A page cache of 64 MB (SQLite's default is 2 MB): a batch of receipts touches pages of
        # every index of a million-row table, and with the small cache it read them again and again.
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        if config.get("NAME") and config["NAME"] != ":memory:":
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # JIT compiles every plan over a million-row table, and the compiling costs more than the
        # aggregate it speeds up (bench/RESULTS.md): off for Huikuan's connections.
        options = config.setdefault("OPTIONS", {})
        options["options"] = "-c jit=off"
        if os.environ.get("HUIKUAN_PG_PREPARED", "1") != "0":
            # Values sent apart from the statement, and a statement run five times on a connection
            # prepared there: the write path's statements are parsed and planned once per
            # connection, not on every write (about a fifth of its time, bench/WRITE_PATH.md). A pooler
            # that hands connections out per transaction and cannot keep prepared statements
            # needs HUIKUAN_PG_PREPARED=0.
            options["server_side_binding"] = True
            options["prepare_threshold"] = 5
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The list indexes INCLUDE the primary key so that PostgreSQL reads a page of ids from the index
# alone; SQLite has no INCLUDE and needs none (every index carries the rowid, which is the id).
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "accounts.User"

# Sign-in throttling (django-axes, huikuan/accounts/lockout.py): the axes backend refuses any sign-in
# of a user, or from an address, with LOGIN_FAILURE_LIMIT failures within the cool-off, before the
# password is even checked. Every sign-in path must call authenticate() with the request.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("HUIKUAN_LOGIN_FAILURE_LIMIT", 10, minimum=1)
# 0 minutes: locked until an administrator unlocks (huikuan axes_reset_username / axes_reset_ip).
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("HUIKUAN_LOGIN_COOLOFF_MINUTES", 15)) or None
# Each alone: guessing one user's password from many addresses, or many users' from one address.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "huikuan.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "huikuan.accounts.lockout.client_ip"
HUIKUAN_PROXY_COUNT = env_int("HUIKUAN_PROXY_COUNT", 0)
# Lockouts are lifted with the axes_reset commands; its admin pages would be untranslated and unscoped.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False  # no banner on every command

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_flag("HUIKUAN_MANIFEST_STATIC", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # Bootstrap and plotly.js from their packages (huikuan/web/vendor.py): never a CDN
    "huikuan.web.vendor.VendorFinder",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Request bodies: at most 2.5 MB (Django's default, set here because the API parsers enforce it
# too; README "Limits") and 1,000 form fields. A plan of 1,000 installments is about 200 kB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

REST_FRAMEWORK = {
    # Token first: an anonymous request then gets 401 with WWW-Authenticate, not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["huikuan.accounts.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "huikuan.api.pagination.Pagination",
    # Bodies bounded in size and nesting depth, numbers read as Decimal (huikuan/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "huikuan.api.parsers.JSONParser",
        "huikuan.api.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "huikuan.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Huikuan API",
    "DESCRIPTION": "Sales-contract receivables and collections. Amounts are decimal strings.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several choice sets share a field name (status, kind); name each set once.
    "ENUM_NAME_OVERRIDES": {
        "CustomerStatusEnum": "huikuan.customers.models.CustomerStatus",
        "ContractStatusEnum": "huikuan.contracts.choices.ContractStatus",
        "InstallmentStatusEnum": "huikuan.contracts.choices.InstallmentStatus",
        "MilestoneKindEnum": "huikuan.terms.choices.MilestoneKind",
        "AdjustmentKindEnum": "huikuan.receivables.choices.AdjustmentKind",
        "PaymentMethodEnum": "huikuan.receivables.choices.PaymentMethod",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email: EMAIL_URL, or EMAIL_HOST and friends, or .eml files in HUIKUAN_DATA_DIR/mail (core/mail.py)
globals().update(email_settings(os.environ, DATA_DIR))

# Where the workbench is reached from outside: links in emails (a customer's statement) start with it.
HUIKUAN_BASE_URL = os.environ.get("HUIKUAN_BASE_URL", "http://127.0.0.1:8000")
# The daily dunning run starts at this local time (TIME_ZONE) on every day the worker is up.
HUIKUAN_DUNNING_TIME = os.environ.get("HUIKUAN_DUNNING_TIME", "08:00")
# Owners' daily digest: what falls due within this many days (and what became overdue since the last one).
HUIKUAN_DIGEST_DAYS = env_int("HUIKUAN_DIGEST_DAYS", 7, minimum=0)
# Text messages: JSON posted to this address, signed with HMAC-SHA256 of the body under the secret
# (dunning/channels.py); empty: each text is written to a JSON file in HUIKUAN_DATA_DIR/sms.
HUIKUAN_SMS_URL = os.environ.get("HUIKUAN_SMS_URL", "")
HUIKUAN_SMS_FILE_PATH = str(DATA_DIR / "sms")
HUIKUAN_SMS_SECRET = os.environ.get("HUIKUAN_SMS_SECRET", "")

# Bank account numbers are encrypted at rest (core/crypto.py): comma-separated keys, the first
# encrypts; unset, a key is derived from SECRET_KEY.
HUIKUAN_FIELD_KEYS = os.environ.get("HUIKUAN_FIELD_KEYS", "")
# A bank statement file larger than this is refused before it is read (bank/services/imports.py).
HUIKUAN_BANK_FILE_MAX_BYTES = env_int("HUIKUAN_BANK_FILE_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Business defaults; per-company settings override them.
HUIKUAN_DEFAULT_CURRENCY = "CNY"
