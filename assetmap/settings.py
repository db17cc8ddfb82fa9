"""Assetmap settings: one module, every value read from the environment (12-factor).

Local defaults point at the project-local PostGIS and Redis that `make run` starts.
A `.env` file at the repository root (or the file ENV_FILE names), if present, is read;
`make run` writes one with a random SECRET_KEY and DEBUG on, so `manage.py` works with no
environment set.
Production sets DEBUG off and SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# ENV_FILE names another file to read, or "" for none.
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key-do-not-deploy")
else:
    # No default: a production process must be given its own secret.
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "rest_framework_gis",
    "leaflet",
    "simple_history",
    "axes",
    "assetmap",
    "networks",
    "volunteers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "assetmap.urls"
WSGI_APPLICATION = "assetmap.wsgi.application"

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
                "assetmap.context_processors.navigation",
            ],
        },
    },
]

# Database: PostGIS always; the default is the project-local cluster `make run` starts.
DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default="postgis://assetmap:assetmap@127.0.0.1:54329/assetmap",
    )
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Search's spelling fallback: "yogga" is 0.57 like "Gentle Yoga", under pg_trgm's 0.6.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    "-c pg_trgm.word_similarity_threshold=0.5"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:63799/0")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "assetmap",
    }
}

# Celery: Redis is both broker and result store. Tasks are acknowledged late so a
# worker that dies mid-task leaves the message for another worker.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With Redis, a message taken by a worker that then died unacknowledged is delivered
# again only after this many seconds. It must be longer than the longest task (an
# import of 100,000 rows takes a few minutes), or a running task would be handed to a
# second worker too; tests that kill a worker set it to a few seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE = {
    # A safety net: boundary edits already queue this, but a nightly pass also heals
    # anything written by a path that skipped the services (raw SQL, restores).
    "recompute-asset-networks": {
        "task": "networks.tasks.recompute_asset_networks",
        "schedule": crontab(hour=3, minute=30),
    },
    # Writes queue this too; at night it also starts each new month's figures.
    "refresh-indicators": {
        "task": "volunteers.tasks.refresh_indicators",
        "schedule": crontab(hour=3, minute=45),
    },
    # Exports are copies of the listings: kept only as long as it takes to download them.
    "delete-old-exports": {
        "task": "assetmap.export_tasks.delete_old_exports",
        "schedule": crontab(hour=4, minute=0),
    },
    # Freshness (assetmap/freshness.py): "still running?" emails, then, for listings
    # nobody confirmed within the grace period, "needs review". Both are idempotent.
    "send-freshness-reminders": {
        "task": "assetmap.freshness_tasks.send_freshness_reminders",
        "schedule": crontab(hour=4, minute=0),
    },
    "move-unconfirmed-to-review": {
        "task": "assetmap.freshness_tasks.move_unconfirmed_to_review",
        "schedule": crontab(hour=4, minute=15),
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("bn", "বাংলা")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="assetmap@localhost")

# Security: strict unless DEBUG. Behind a TLS-terminating proxy, set
# SECURE_PROXY_SSL_HEADER_ENABLED so Django trusts X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The API (assetmap/rest.py). Token first, so a request without credentials gets a
# 401 with a WWW-Authenticate header; a signed-in browser's session works as well.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "assetmap.rest.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "assetmap.rest.exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    "DEFAULT_SCHEMA_CLASS": "assetmap.openapi.AutoSchema",
    # Only suggested listings are throttled (assetmap.api.SuggestionThrottle).
    "DEFAULT_THROTTLE_RATES": {"suggestions": env.str("SUGGESTIONS_RATE", default="10/hour")},
}

# The OpenAPI document at /api/schema/ and its documentation at /api/docs/, with the
# Swagger UI files served from static (the sidecar), never a CDN.
SPECTACULAR_SETTINGS = {
    "TITLE": "Assetmap API",
    "DESCRIPTION": "Community assets, GP-network neighbourhoods and volunteering.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Map tiles: OpenStreetMap by default; on a closed network point TILES_URL at a local
# tile server. Leaflet itself is served from static files, never a CDN.
TILES_URL = env.str("TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
TILES_ATTRIBUTION = env.str(
    "TILES_ATTRIBUTION",
    default=(
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    ),
)


def _origin(url: str) -> str:
    """The origin of a tile URL template, for the CSP: {s} subdomains become *."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme else "'self'"


TILES_ORIGIN = _origin(TILES_URL)

# Content-Security-Policy (django-csp 4): every script and style is a static file.
# The admin, and django-leaflet's widget in it, use inline scripts and styles, so
# /admin/ is left out of the policy (it is staff-only, behind the login).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", TILES_ORIGIN],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Failed sign-ins (django-axes; assetmap/lockout.py). The axes backend only refuses
# locked-out attempts; ModelBackend does the signing in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Count failures per username *and* address together: a guesser at one account from one
# address is stopped, yet cannot lock the real person out from their own device (a
# lockout by username alone would let anyone do that), and a shared address (a GP
# surgery, a library) is not locked for everyone (as a lockout by address alone would).
# Spreading guesses over many usernames from one address is left to rate limiting.
# Behind a reverse proxy every request comes from the proxy's address, so this becomes
# a lockout by username: still safe, but one a stranger can trigger.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the last counted failure; attempts while locked out do not
# restart it, so "try again in 15 minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "assetmap.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LEAFLET_CONFIG = {
    # Bromley-by-Bow, in the middle of the borough the demo data covers.
    "DEFAULT_CENTER": (51.515, -0.035),
    "DEFAULT_ZOOM": 13,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 19,
    "TILES": [("OpenStreetMap", TILES_URL, {"attribution": TILES_ATTRIBUTION, "maxZoom": 19})],
    "RESET_VIEW": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Assets not verified for this many days count as stale ("not checked recently").
ASSET_STALE_AFTER_DAYS = env.int("ASSET_STALE_AFTER_DAYS", default=365)
# Days after the "still running?" email before an unconfirmed listing leaves the map
# for "needs review", and days the email's one-click link works.
FRESHNESS_GRACE_DAYS = env.int("FRESHNESS_GRACE_DAYS", default=60)
FRESHNESS_LINK_DAYS = env.int("FRESHNESS_LINK_DAYS", default=30)
# Where the site is reached from outside, for links in emails (no request to ask).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# How long a shortlist's shared link works.
SHORTLIST_EXPIRES_DAYS = env.int("SHORTLIST_EXPIRES_DAYS", default=90)
# Exports of more assets than this run in a worker and give a download link.
EXPORT_INLINE_LIMIT = env.int("EXPORT_INLINE_LIMIT", default=2000)
# Days a worker's export file is kept for download before the nightly clean-up.
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)

# Change history: only those with the history permission (staff) see it.
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True

# gis.W001 says GDAL < 3.9 cannot block file and network access while parsing spatial
# references. Debian 12 ships 3.6 and Ubuntu 24.04 3.8. The danger is a spatial
# reference string from a user; Assetmap never builds one from user input (boundary
# files are read by OGR, API geometries must be plain WGS84 GeoJSON), so the check
# is silenced rather than left to train people to ignore warnings.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
