"""Production: PostgreSQL, Redis, Celery workers, HTTPS; every secret comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str
from config.logging import logging_config
from config.settings.base import *

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the host names Fotfeste is served on.")
if not env_str("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must name the PostgreSQL database in production.")
FOTFESTE_SITE_URL = env_str("FOTFESTE_SITE_URL", "")
if not FOTFESTE_SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("FOTFESTE_SITE_URL must be the https:// address users open.")
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production (rate limits, sessions).")
if CELERY_TASK_ALWAYS_EAGER:  # no CELERY_BROKER_URL in the environment
    raise ImproperlyConfigured("CELERY_BROKER_URL must be set in production (report workers).")
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"CELERY_VISIBILITY_TIMEOUT must be longer than the task time limit "
        f"({CELERY_TASK_TIME_LIMIT} seconds), or a slow task runs twice."
    )

FOTFESTE_MFA_REQUIRED = env_bool("FOTFESTE_MFA_REQUIRED", True)
if not FOTFESTE_NATIONAL_ID_KEYS or any(len(k) < 32 for k in FOTFESTE_NATIONAL_ID_KEYS):
    raise ImproperlyConfigured("FOTFESTE_NATIONAL_ID_KEYS must list keys of 32+ characters.")
if len(FOTFESTE_NATIONAL_ID_HASH_KEY) < 32:
    raise ImproperlyConfigured("FOTFESTE_NATIONAL_ID_HASH_KEY must be 32+ characters.")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers and `docker compose` probe the web process itself over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Rate limits per client address must see the client, not the proxy.
    ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies are only accepted over HTTPS, for this exact host, with Path=/.
SESSION_COOKIE_NAME = "__Host-fotfeste-session"
CSRF_COOKIE_NAME = "__Host-fotfeste-csrf"
LANGUAGE_COOKIE_NAME = "__Host-fotfeste-language"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
