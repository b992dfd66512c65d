"""Django settings. Every value comes from :mod:`nguon.config`, which reads and validates the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from nguon import config as _config

try:
    CONFIG = _config.load()
except _config.ConfigError as error:
    raise ImproperlyConfigured("Nguồn configuration:\n" + str(error)) from error

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = CONFIG.data_dir

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins
NGUON_ENV = CONFIG.environment
NGUON_PROVINCE_CODE = CONFIG.default_province_code

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs' JavaScript locally instead of from a CDN
    "nguon.core",
    "nguon.units",
    "nguon.accounts",
    "nguon.speech",
    "nguon.content",
    "nguon.devices",
    "nguon.radio",
    "nguon.boards",
    "nguon.feedback",
    "nguon.reports",
    "nguon.translations",
    "nguon.portal",
    "nguon.feeds",
    "nguon.outbound",
    "nguon.comments",
    "nguon.plan614",
    "nguon.centralsync",
    "nguon.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "nguon.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "nguon.core.middleware.RequestContextMiddleware",
    "nguon.accounts.middleware.TwoFactorMiddleware",
    "nguon.core.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "nguon.urls"
WSGI_APPLICATION = "nguon.wsgi.application"

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
                "nguon.core.context_processors.navigation",
                "nguon.content.context_processors.notifications",
            ],
        },
    }
]


def _database(url: str) -> dict[str, Any]:
    db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if db["ENGINE"] == "django.db.backends.sqlite3":
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two writers
        # queue instead of failing half-way with "database is locked".
        db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        db["CONN_MAX_AGE"] = 60
        db["CONN_HEALTH_CHECKS"] = True
    return db


DATABASES = {"default": _database(CONFIG.database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if CONFIG.is_production
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"  # never served publicly: renders are sent by scoped views
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Sessions and cookies: short-lived, HTTP-only, same-site; secure whenever served over HTTPS.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CONFIG.https
CSRF_COOKIE_SECURE = CONFIG.https
SECURE_SSL_REDIRECT = CONFIG.https
NGUON_BEHIND_PROXY = CONFIG.behind_proxy
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if CONFIG.behind_proxy else None
SECURE_HSTS_SECONDS = 31_536_000 if CONFIG.https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = CONFIG.https
SECURE_HSTS_PRELOAD = CONFIG.https
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Background work: the database backend by default (a worker runs `nguon db_worker`); tests run tasks
# immediately. A Redis-backed backend can replace it at scale without touching the tasks.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if CONFIG.environment == "test"
        else "django_tasks_db.DatabaseBackend",
    }
}

EMAIL_BACKEND = CONFIG.email_backend
DEFAULT_FROM_EMAIL = CONFIG.default_from_email

NGUON_LOGIN_MAX_FAILURES = CONFIG.login_max_failures
NGUON_LOGIN_LOCKOUT_MINUTES = CONFIG.login_lockout_minutes
# Citizens' feedback: submissions allowed per sender address per hour and per phone number per day; days
# after closing before the sender's personal data is blanked (docs/feedback.md).
NGUON_FEEDBACK_PER_ADDRESS_PER_HOUR = CONFIG.feedback_per_address_per_hour
NGUON_FEEDBACK_PER_PHONE_PER_DAY = CONFIG.feedback_per_phone_per_day
NGUON_FEEDBACK_RETENTION_DAYS = CONFIG.feedback_retention_days
NGUON_DEMO_PASSWORD = CONFIG.demo_password
NGUON_PUBLIC_URL = CONFIG.public_url  # links in e-mails
NGUON_CAP_SENDER = CONFIG.cap_sender  # <sender> of published CAP 1.2 alerts (docs/cap.md)

# The central source system (docs/integrations/central.md): where to pull from, and the two bearer tokens.
NGUON_CENTRAL_URL = CONFIG.central_url
NGUON_CENTRAL_TOKEN = CONFIG.central_token
NGUON_CENTRAL_PUSH_TOKEN = CONFIG.central_push_token
# The central mobile app's feedback endpoint (status and answers pushed back); token falls back to the above.
NGUON_CENTRAL_FEEDBACK_URL = CONFIG.central_feedback_url
NGUON_CENTRAL_FEEDBACK_TOKEN = CONFIG.central_feedback_token
# The upward push of inventory, bulletins, broadcast results and statistics (docs/integrations/central-sync.md);
# the token defaults to NGUON_CENTRAL_TOKEN when unset.
NGUON_CENTRAL_SYNC_URL = CONFIG.central_sync_url
NGUON_CENTRAL_SYNC_TOKEN = CONFIG.central_sync_token
# A LibreTranslate-compatible machine translation endpoint for translation drafts (docs/translations.md).
NGUON_MACHINE_TRANSLATION_URL = CONFIG.machine_translation_url
NGUON_MACHINE_TRANSLATION_KEY = CONFIG.machine_translation_key

# The device fleet (docs/devices.md): the key that signs commands and manifests (outside production it is
# generated into $NGUON_DATA_DIR/device-signing-key when empty), the broker the server uses, and the
# broker address devices are given.
NGUON_DEVICE_SIGNING_KEY = CONFIG.device_signing_key
NGUON_MQTT_URL = CONFIG.mqtt_url
NGUON_MQTT_USERNAME = CONFIG.mqtt_username
NGUON_MQTT_PASSWORD = CONFIG.mqtt_password
NGUON_DEVICE_MQTT_URL = CONFIG.device_mqtt_url
NGUON_DEVICE_HEARTBEAT_SECONDS = CONFIG.device_heartbeat_seconds
NGUON_MAP_TILE_URL = CONFIG.map_tile_url  # the fleet map's tiles; empty: no tiles

# Largest upload per kind of file, in MB; NGUON_UPLOAD_MAX_MB caps them all (video uses the cap itself).
NGUON_UPLOAD_MAX_MB = {
    kind: min(limit, CONFIG.upload_max_mb)
    for kind, limit in {"audio": 200, "video": CONFIG.upload_max_mb, "image": 20, "document": 50}.items()
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": CONFIG.log_level},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
