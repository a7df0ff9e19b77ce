"""The embedded default: SQLite, in-process tasks, demo data, served on localhost."""

from config.env import env_bool, env_list, env_str
from config.settings.base import *

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "") or "local-development-only-not-a-secret-3f9c1e7a"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
FOTFESTE_MFA_REQUIRED = env_bool("FOTFESTE_MFA_REQUIRED", False)
# Serve static files from the apps and static/ directly; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
FOTFESTE_NATIONAL_ID_KEYS = env_list("FOTFESTE_NATIONAL_ID_KEYS", ["local-demo-key-not-secret"])
FOTFESTE_NATIONAL_ID_HASH_KEY = env_str(
    "FOTFESTE_NATIONAL_ID_HASH_KEY", "local-demo-hash-not-secret"
)
FOTFESTE_ALLOW_SYNTHETIC_IDS = env_bool("FOTFESTE_ALLOW_SYNTHETIC_IDS", True)
# The demo's text messages are printed to the console, as its e-mail is.
FOTFESTE_SMS_BACKEND = env_str("FOTFESTE_SMS_BACKEND", "config.sms.ConsoleSender")
