"""rasd settings: one file, every knob an environment variable (see docs/configuration.md).

Without any variable set, rasd runs in development mode on an embedded SQLite database in var/.
RASD_PRODUCTION=1 turns on the secure settings and refuses to start without a real secret key.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from rasd import __version__
from rasd.lib.env import env_bool, env_float, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent.parent

VERSION = __version__
PRODUCTION = env_bool("RASD_PRODUCTION", False)
DEBUG = env_bool("RASD_DEBUG", not PRODUCTION)

DATA_DIR = Path(env_str("RASD_DATA_DIR") or SOURCE_ROOT / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("RASD_MEDIA_DIR") or DATA_DIR / "media").resolve()
MEDIA_URL = "/media/"


def _secret_key() -> str:
    configured = env_str("RASD_SECRET_KEY")
    if configured:
        return configured
    if PRODUCTION:
        raise ImproperlyConfigured("RASD_SECRET_KEY must be set when RASD_PRODUCTION=1")
    # Development: generate once and keep it, so sessions survive restarts.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("RASD_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("RASD_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "rasd.core",
    "rasd.accounts",
    "rasd.audit",
    "rasd.registry",
    "rasd.questionnaires",
    "rasd.collection",
    "rasd.submissions",
    "rasd.openrosa",
    "rasd.webentry",
    "rasd.paperentry",
    "rasd.imports",
    "rasd.quality",
    "rasd.review",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "rasd.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rasd.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rasd.core.middleware.LanguageMiddleware",
    "rasd.core.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "rasd.urls"
WSGI_APPLICATION = "rasd.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rasd.core.context_processors.rasd",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = env_str("RASD_DATABASE_URL")
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=env_int("RASD_DB_CONN_MAX_AGE", 60)))
        config["CONN_HEALTH_CHECKS"] = True
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "rasd.sqlite3")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN, so
        # concurrent writers wait for the busy timeout instead of failing with "database is locked".
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("RASD_SQLITE_BUSY_TIMEOUT", 20),
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: failed attempts per account and per address within the window.
LOGIN_THROTTLE_WINDOW_MINUTES = env_int("RASD_LOGIN_THROTTLE_WINDOW_MINUTES", 15)
LOGIN_THROTTLE_PER_ACCOUNT = env_int("RASD_LOGIN_THROTTLE_PER_ACCOUNT", 5)
LOGIN_THROTTLE_PER_ADDRESS = env_int("RASD_LOGIN_THROTTLE_PER_ADDRESS", 30)

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية"), ("ckb", "کوردی"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "rasd_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = env_str("RASD_TIME_ZONE", "Asia/Baghdad")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# The front-end build (frontend/build.mjs) writes the npm packages' assets here.
FRONTEND_BUILD_DIR = SOURCE_ROOT / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_BUILD_DIR] if FRONTEND_BUILD_DIR.exists() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Facility codes are permanent identifiers; this pattern is what a well-formed one looks like.
FACILITY_CODE_PATTERN = env_str("RASD_FACILITY_CODE_PATTERN", r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,39}$")
# Boundaries are coarse: a point this close to its district or governorate is not reported as outside it.
REGISTRY_DISTRICT_TOLERANCE_KM = env_float("RASD_REGISTRY_DISTRICT_TOLERANCE_KM", 2.0)
if REGISTRY_DISTRICT_TOLERANCE_KM < 0:
    raise ImproperlyConfigured("RASD_REGISTRY_DISTRICT_TOLERANCE_KM cannot be negative")
# A submission's GPS reading farther than this from the facility's registered point opens an issue.
QUALITY_GPS_FAR_KM = env_float("RASD_QUALITY_GPS_FAR_KM", 5.0)
if QUALITY_GPS_FAR_KM <= 0:
    raise ImproperlyConfigured("RASD_QUALITY_GPS_FAR_KM must be a positive number of kilometres")
# Outliers are judged only within peer groups (facilities of one type in a round) at least this large.
QUALITY_PEER_GROUP_MIN = env_int("RASD_QUALITY_PEER_GROUP_MIN", 8)
if QUALITY_PEER_GROUP_MIN < 3:
    raise ImproperlyConfigured("RASD_QUALITY_PEER_GROUP_MIN must be at least 3")

# The facility map draws the boundaries shipped with rasd and needs no internet. A tile server (e.g. one on the
# ministry's intranet) adds a basemap: a Leaflet URL template such as https://tiles.example.org/{z}/{x}/{y}.png.
MAP_TILE_URL = env_str("RASD_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("RASD_MAP_TILE_ATTRIBUTION", "")
if MAP_TILE_URL and not MAP_TILE_URL.startswith(("https://", "http://", "/")):
    raise ImproperlyConfigured("RASD_MAP_TILE_URL must start with https://, http:// or / (a path on this server)")

# Check every uploaded XLSForm with ODK Validate (Java). Only tests that do not need it turn it off, for speed.
QUESTIONNAIRE_ODK_VALIDATE = env_bool("RASD_ODK_VALIDATE", True)

# Limits of the ingestion pipeline, whatever the source (docs/ingestion.md): the instance XML, and all the
# attachments that come with one post.
SUBMISSION_MAX_XML_BYTES = env_int("RASD_SUBMISSION_MAX_XML_BYTES", 10 * 1024 * 1024)
SUBMISSION_MAX_ATTACHMENT_BYTES = env_int("RASD_SUBMISSION_MAX_ATTACHMENT_BYTES", 100 * 1024 * 1024)
if SUBMISSION_MAX_XML_BYTES < 1 or SUBMISSION_MAX_ATTACHMENT_BYTES < 0:
    raise ImproperlyConfigured("RASD_SUBMISSION_MAX_XML_BYTES and RASD_SUBMISSION_MAX_ATTACHMENT_BYTES must be sizes")

# The largest OpenRosa submission POST accepted (announced as X-OpenRosa-Accept-Content-Length). Bodies are read
# into memory; ODK Collect splits larger media over several POSTs.
OPENROSA_MAX_BYTES = env_int("RASD_OPENROSA_MAX_BYTES", 10_000_000)
if OPENROSA_MAX_BYTES < 1:
    raise ImproperlyConfigured("RASD_OPENROSA_MAX_BYTES must be a positive number of bytes")

# The address phones use to reach rasd (e.g. https://rasd.moh.gov.iq), put in collectors' server URLs and settings QR
# codes. Empty: the address of the page that shows the code, which is wrong behind a proxy with an internal host name.
RASD_PUBLIC_URL = env_str("RASD_PUBLIC_URL", "").rstrip("/")
if RASD_PUBLIC_URL and not RASD_PUBLIC_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("RASD_PUBLIC_URL must start with https:// or http://")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Behind a reverse proxy (nginx, Apache) that sets X-Forwarded-For and X-Forwarded-Proto.
BEHIND_PROXY = env_bool("RASD_BEHIND_PROXY", False)
SESSION_COOKIE_AGE = env_int("RASD_SESSION_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("RASD_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("RASD_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("RASD_HSTS_PRELOAD", False)
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        USE_X_FORWARDED_HOST = True
SILENCED_SYSTEM_CHECKS = [] if env_bool("RASD_HSTS_PRELOAD", False) else ["security.W021"]

LOG_FORMAT = env_str("RASD_LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"RASD_LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "rasd.lib.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "rasd.lib.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("RASD_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
