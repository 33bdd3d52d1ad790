"""Settings for Roadmap Portal, driven by environment variables (docs/architecture.md, §Settings and the demo app).

Defaults give the zero-setup demo: SQLite file ``db.sqlite3`` and Celery in eager mode.
Tests and production set ``DATABASE_URL`` (PostgreSQL) and ``CELERY_BROKER_URL``/``REDIS_URL`` (Redis).
Production uses ``DJANGO_SETTINGS_MODULE=roadmap_portal.settings_production``.
"""

import datetime
import re
import warnings
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off by default, also for the demo: error pages are the portal's own, never the debug pages.
DEBUG = env.bool("DEBUG", default=False)
# The development key is only usable with DEBUG on; settings_production refuses to start without SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "facilities.admin_site.PortalAdminConfig",  # django.contrib.admin, entered only with a national scope
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "core",
    "facilities",
    "cells",
    "inspections",
    "reporting",
    "registers",
    "public",
    "demo",
    "roadmap_portal",
]

MIDDLEWARE = [
    # Before SecurityMiddleware: X-Forwarded-Proto counts only from PORTAL_TRUSTED_PROXIES.
    "core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateCacheMiddleware",  # private, no-store on every authenticated response
    "roadmap_portal.middleware.PortalLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "roadmap_portal.middleware.OutboxNoticeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "roadmap_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
                "roadmap_portal.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "roadmap_portal.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep a worker's database connection between requests (checked before reuse): a new PostgreSQL
# connection per request costs more than most read requests themselves.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-axes first: it refuses a locked-out username+IP before any password is checked.
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
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes, docs/security.md): after AXES_FAILURE_LIMIT failed logins for one username
# from one IP address that pair is refused (HTTP 429, the lockout page) for AXES_COOLOFF_TIME; the admin
# lists the attempts and lockouts (Axes > Access attempts); `python manage.py axes_reset_username NAME` or
# deleting the attempt in the admin unlocks earlier. Applies to the portal's and the admin's login alike.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
# Number of reverse proxies in front of the portal that append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Addresses or networks of the reverse proxies whose X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) is
# believed (core.middleware.TrustedProxyMiddleware); from any other peer the header is dropped. Empty: none.
PORTAL_TRUSTED_PROXIES = env.list("PORTAL_TRUSTED_PROXIES", default=[])

LANGUAGE_CODE = "en"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Kazakh number and date formats (Django ships none for kk); English dates day first and a 24-hour clock
FORMAT_MODULE_PATH = ["roadmap_portal.formats"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Attachments of a finding's response (inspections.attachments): JPEG, PNG or PDF, each at most this many
# bytes, kept in the database (so in every backup), served only to users who may see the finding.
FINDING_ATTACHMENT_MAX_BYTES = env.int("FINDING_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)

# The public site's disclosure control (public.disclosure; printed in every release's data dictionary):
# counts of persons 1..threshold-1 are suppressed, published counts rounded to the nearest rounding_base.
PUBLIC_DISCLOSURE = {
    "threshold": env.int("PUBLIC_DISCLOSURE_THRESHOLD", default=10),
    "rounding_base": env.int("PUBLIC_ROUNDING_BASE", default=5),
    "zeros_disclosive": env.bool("PUBLIC_ZEROS_DISCLOSIVE", default=False),
}
# The open licence of every release (Frictionless Data Package ``licenses``).
PUBLIC_LICENCE = {
    "name": env("PUBLIC_LICENCE_NAME", default="CC-BY-4.0"),
    "title": env("PUBLIC_LICENCE_TITLE", default="Creative Commons Attribution 4.0 International"),
    "path": env("PUBLIC_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/"),
}
# How long a browser or a proxy may keep a public page or file before asking again (seconds).
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=300)

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve static files straight from the source folders (no collectstatic needed for the demo);
# production settings turn this off and serve the collected, compressed files.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
if WHITENOISE_USE_FINDERS:  # STATIC_ROOT is only filled by collectstatic, which the demo does not need
    # WhiteNoise warns with stacklevel=3, so the warning is attributed to the module that built the
    # middleware (django.core.handlers.base), not whitenoise.base: match the message, for STATIC_ROOT only.
    warnings.filterwarnings("ignore", message=re.escape(f"No directory at: {STATIC_ROOT}"), category=UserWarning)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}


def _rate(value):
    """A DRF rate ("100/minute") from the environment; "off" or empty means no limit (None)."""
    return None if value.strip().lower() in ("", "off", "none") else value.strip()


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.StrictTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "facilities.permissions.HasPortalRole",
        "facilities.permissions.ReadOnlyUnlessDecided",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.filters.StrictFilterBackend",
        "core.filters.StableOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.schema.PortalAutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["core.parsers.SafeJSONParser"],
    # Per user (all their tokens and their session together) and per token; "off" disables a limit.
    # A refused request answers 429 with Retry-After. Anonymous requests are refused before (401/403).
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.PortalUserRateThrottle", "core.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": _rate(env("API_THROTTLE_USER", default="1200/minute")),
        "token": _rate(env("API_THROTTLE_TOKEN", default="600/minute")),
        # Per client address on the public API (/api/public/v1/: no login; core.throttling.AnonymousRateThrottle).
        "public": _rate(env("API_THROTTLE_PUBLIC", default="1200/minute")),
    },
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Roadmap Portal API",
    "DESCRIPTION": (
        "Status, compliance and progress of Kazakhstan's penitentiary modernisation roadmap. "
        "Rows generated for the demo carry is_demo=true."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "core.authentication.StrictTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AccommodationTypeEnum": "facilities.models.AccommodationType",
        "BlockAccommodationTypeEnum": "facilities.models.ResidentialBlock.Accommodation",
        "RegionKindEnum": "facilities.models.Region.Kind",
        "FacilityKindEnum": "facilities.models.Facility.Kind",
        "FacilityStatusEnum": "facilities.models.Facility.Status",
        "ConversionStatusEnum": "facilities.models.ConversionProject.Status",
        "CellStatusEnum": "cells.models.Cell.Status",
        "ComplianceStatusEnum": "cells.models.ComplianceStatus",
        "FindingStatusEnum": "inspections.models.Finding.Status",
        "ImportKindEnum": "registers.models.ImportRecord.Kind",
        "ImportStatusEnum": "registers.models.ImportRecord.Status",
        "SuppressionReasonEnum": "public.api.serializers.REASON_CHOICES",
        "CertificationRequestStatusEnum": "cells.models.CertificationRequest.Status",
        "CertificationRequestKindEnum": "cells.models.CertificationRequest.Kind",
    },
}

# API tokens (django-rest-knox): only a SHA-512 digest is stored; the token is shown once when issued
# (`python manage.py issue_api_token NAME`, or the "API tokens" page), expires after API_TOKEN_DAYS days
# and is revoked by deleting it (`revoke_api_tokens NAME`, the page, or the admin).
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_DAYS),
    "TOKEN_PREFIX": "rp_",
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# Content security policy (django-csp): only the portal's own scripts, styles, images and fonts; no inline
# script or style; never framed. The Swagger UI loads its initialisation as a script file
# (SpectacularSwaggerSplitView), so it needs no exemption.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Celery: without a broker (the zero-setup demo) tasks run eagerly in-process.
CELERY_TASK_ALWAYS_EAGER = not env("CELERY_BROKER_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=1800)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=1900)
# The visibility timeout must exceed the hard time limit so a running task is not delivered twice; a task
# whose worker died (acks late) is delivered again after it. CELERY_VISIBILITY_TIMEOUT (s) is for tests.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 600),
    # How often a worker looks for messages of dead workers to deliver again (kombu: every 10 s, a
    # real scan every 10th time); tests lower both to 1.
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    "socket_connect_timeout": 2,  # a broker that is down fails a send quickly (core.outbox keeps the task)
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True

PORTAL_DEMO_BANNER = env.bool("PORTAL_DEMO_BANNER", default=True)
PORTAL_ALLOW_DEMO_SEED = env.bool("PORTAL_ALLOW_DEMO_SEED", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_one_line": {"()": "core.log.ForbiddenOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["forbidden_one_line"]},  # a 403 is one line, not a traceback
    },
}
