"""The production settings, as `make bench` runs them: config.settings.production with the
Server-Timing middleware of bench/timing.py outermost, and static files collected under
var/bench. Everything else (PostgreSQL, Redis, Celery, HTTPS behind a proxy, the second factor)
comes from production.py and the environment bench/config.py sets."""

import os

from config.settings.production import *  # noqa: F403

MIDDLEWARE = ["bench.timing.server_timing", *MIDDLEWARE]  # noqa: F405
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"  # noqa: F405
# The same hashed names and manifest as production's WhiteNoise storage, so `{% static %}`
# costs a page the same; without its gzip and Brotli copies of every file, which take
# collectstatic minutes here and matter only for serving static files, which is not measured.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
# The file-based mail backend's folder (bench/config.py): the application burst reads the codes.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "bench" / "mail"))  # noqa: F405
