"""Settings for the test suite: SQLite in memory unless DATABASE_URL names another database."""

import os
from pathlib import Path

from config.settings.base import *

DEBUG = False
SECRET_KEY = "test-only-not-a-secret-b4d1e0c2a9"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
if "DATABASE_URL" not in os.environ:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    DATABASE_ROUTERS = []
if REPLICA in DATABASES:
    # A real streaming replica (make test-replica): pytest-django creates and migrates the test
    # database on the primary only, and the replica receives it by streaming, read-only. As a
    # test mirror of default the replica alias is neither created, migrated nor flushed, and
    # Django points it at the primary's test database by name, on the replica's own host and
    # port: its reads are the replica's.
    DATABASES[REPLICA]["TEST"] = {"MIRROR": "default"}
# Tests that need a real worker switch eager mode off for themselves.
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A test whose workers must share what they cache with it (an import's progress) names a Redis.
if os.environ.get("FOTFESTE_TEST_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["FOTFESTE_TEST_CACHE_URL"],
        }
    }
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A worker started by the tests writes its mail to files the test can read.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
FOTFESTE_MFA_REQUIRED = False
# A worker started by the tests stores its files in a folder the test reads: the tests' own
# in-memory storage is invisible to another process.
_DEFAULT_STORAGE = "django.core.files.storage.InMemoryStorage"
if os.environ.get("FOTFESTE_TEST_MEDIA_ROOT"):
    MEDIA_ROOT = Path(os.environ["FOTFESTE_TEST_MEDIA_ROOT"])
    _DEFAULT_STORAGE = "django.core.files.storage.FileSystemStorage"
STORAGES = {
    "default": {"BACKEND": _DEFAULT_STORAGE},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Serve static files from the apps and static/ directly; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
FOTFESTE_NATIONAL_ID_KEYS = ["test-key-one-not-secret"]
FOTFESTE_NATIONAL_ID_HASH_KEY = "test-hash-key-not-secret"
FOTFESTE_ALLOW_SYNTHETIC_IDS = True
FOTFESTE_SMS_BACKEND = "config.sms.MemorySender"
