"""Settings shared by every environment; values come from environment variables (.env.example)."""

from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from config.databases import POOLERS, REPLICA, database, replica_database
from config.env import env_bool, env_choice, env_float, env_int, env_list, env_str
from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "config.apps.FotfesteConfig",
    "accounts",
    "audit",
    "programs",
    "participants",
    "placements",
    "reporting",
    "imports",
    "summerjobs",
    "privacy",
    "web",
    "demo",
]

MIDDLEWARE = [
    # First, so that its one line per request times everything below it.
    "config.request_log.request_log",
    "django.middleware.security.SecurityMiddleware",
    # /health/ is answered here, before sessions, users, CSRF and ALLOWED_HOSTS (config/health.py).
    "config.health.health_probe",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.norwegian_language_alias",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything parses a body: JSON nested a thousand deep is a 400, not a RecursionError.
    "config.bodies.json_depth_limit",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.session_lifetime",
    "accounts.middleware.municipality_language",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.second_factor_required",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "web.urls"
WSGI_APPLICATION = "config.wsgi.application"
# Django's form renderer with the common widgets drawn without templates (config/forms.py).
FORM_RENDERER = "config.forms.FormRenderer"

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
                "accounts.context_processors.roles",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# docs/scaling.md: the replica that reports, exports and the dashboard read, and PgBouncer.
DATABASE_POOLER = env_choice("DATABASE_POOLER", POOLERS, "")
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5)
DATABASES = {
    "default": database(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=DATABASE_CONN_MAX_AGE,
        connect_timeout=DATABASE_CONNECT_TIMEOUT,
        pooler=DATABASE_POOLER,
    )
}
# How long a reading scope waits for the replica to hold every write made before it began,
# before it reads from the primary instead (config/replica.py).
FOTFESTE_REPLICA_MAX_WAIT_SECONDS = env_float("FOTFESTE_REPLICA_MAX_WAIT_SECONDS", 2.0)
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES[REPLICA] = replica_database(
        DATABASE_REPLICA_URL,
        primary=DATABASES["default"],
        max_wait=FOTFESTE_REPLICA_MAX_WAIT_SECONDS,
        conn_max_age=DATABASE_CONN_MAX_AGE,
        connect_timeout=DATABASE_CONNECT_TIMEOUT,
        pooler=DATABASE_POOLER,
    )
    # Reads inside replica_reads() go to the replica; everything else stays on the primary.
    DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, sessions) ----------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, serving misses instead of errors while Redis restarts.
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "fotfeste"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------------
# How much lower the CPU priority of Celery workers is than the web's (nice, 0–19): reports drawn
# on the web's machine leave the pages their speed. 0 leaves it as the worker was started.
FOTFESTE_WORKER_NICENESS = env_int("FOTFESTE_WORKER_NICENESS", 10)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
# Without a broker, tasks run in the web process at commit time: the embedded default.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Celery passes an in-process task's arguments through a producer of the broker's transport,
    # as a worker would receive them. A URL without a host (none at all, or "memory://") makes
    # kombu warn "No hostname was supplied" on the console as tasks run; the in-memory
    # transport with a host named connects to nothing and has nothing to warn of.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "fotfeste")
# Drawing documents (report files, data exports, right-of-access exports) has a queue of its
# own, "<default>-reports" (config/celery.py: route), so that a worker with a CPU budget can take
# it beside the web processes while imports and mail keep a worker that is not held back. A
# worker started without -Q takes both queues.
FOTFESTE_REPORTS_QUEUE_SUFFIX = "-reports"
CELERY_TASK_QUEUES = [
    Queue(CELERY_TASK_DEFAULT_QUEUE),
    Queue(f"{CELERY_TASK_DEFAULT_QUEUE}{FOTFESTE_REPORTS_QUEUE_SUFFIX}"),
]
CELERY_TASK_ROUTES = ["config.celery.route"]
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Seconds Redis gives a worker to acknowledge a task it took (after running it: acks_late)
# before another worker gets it: that is how the task of a killed worker runs again. Longer
# than the longest task (production refuses less), or a slow task is delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 60 * 60)
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/Oslo"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The scheduled jobs (`make beat`), at Europe/Oslo times (CELERY_TIMEZONE). Each task is safe
# to run twice and takes no arguments. The digest expires by the evening: a morning digest
# delivered the next day would speak of the wrong day.
CELERY_BEAT_SCHEDULE = {
    "resend-lost": {
        "task": "config.tasks.queued_work_resend_task",
        "schedule": crontab(minute="*/5"),
    },
    "retention": {
        "task": "privacy.tasks.participants_anonymise_expired_task",
        "schedule": crontab(hour=1, minute=30),
    },
    "summer-jobs-retention": {
        "task": "summerjobs.tasks.applications_purge_unplaced_task",
        "schedule": crontab(hour=1, minute=50),
    },
    # Unconfirmed application submissions and e-mail addresses go an hour after their code
    # expired (summerjobs/applying.py).
    "summer-job-codes": {
        "task": "summerjobs.tasks.codes_expire_task",
        "schedule": crontab(minute="*/15"),
    },
    # Offers past their deadline lapse within a quarter of an hour (summerjobs/offers.py).
    "summer-job-offers": {
        "task": "summerjobs.tasks.offers_tend_task",
        "schedule": crontab(minute="*/15"),
    },
    "follow-ups": {
        "task": "participants.tasks.follow_ups_create_missing_task",
        "schedule": crontab(hour=2, minute=0),
    },
    "report-files-expiry": {
        "task": "reporting.tasks.report_files_expire_task",
        "schedule": crontab(hour=3, minute=0),
    },
    "subject-access-files-expiry": {
        "task": "privacy.tasks.subject_access_files_expire_task",
        "schedule": crontab(hour=3, minute=20),
    },
    "payroll-files-expiry": {
        "task": "summerjobs.tasks.payroll_files_expire_task",
        "schedule": crontab(hour=3, minute=40),
    },
    "certificate-files-expiry": {
        "task": "summerjobs.tasks.certificate_files_expire_task",
        "schedule": crontab(hour=3, minute=50),
    },
    "import-files-expiry": {
        "task": "imports.tasks.import_files_expire_task",
        "schedule": crontab(minute=10),
    },
    "lim-drafts": {
        "task": "reporting.tasks.lim_drafts_create_task",
        "schedule": crontab(hour=5, minute=0),
    },
    "ks-drafts": {
        "task": "reporting.tasks.ks_drafts_create_task",
        "schedule": crontab(hour=5, minute=15, day_of_month=1),
    },
    "needs-attention-digest": {
        "task": "placements.tasks.digests_send_task",
        "schedule": crontab(hour=6, minute=30),
        "options": {"expires": 12 * 60 * 60},
    },
}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Fotfeste] "
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: per client address and per account (e-mail).
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
# The public e-services' tries (config/tries.py), as (tries, seconds from the first): for the
# summer-job application (summerjobs/views/apply.py) forms sent per client address (a school's
# pupils share one at the deadline), codes e-mailed per address, code tries per client address
# and per address the code went to.
FOTFESTE_TRY_LIMITS: dict[str, tuple[int, int]] = {
    "summerjob_apply": (100, 10 * 60),
    "summerjob_apply_email": (5, 60 * 60),
    "summerjob_code": (100, 10 * 60),
    "summerjob_code_email": (15, 60 * 60),
}
# Staff sign in through their municipality's identity provider where one is configured
# (accounts.IdentityProvider, set by platform staff: docs/sign-in.md). Nothing of a provider is
# in settings; accounts/social.py builds allauth's apps from the rows. Accounts are tied to the
# provider's subject and never found by e-mail address.
SOCIALACCOUNT_ADAPTER = "accounts.social.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"provider_class": "accounts.social.FotfesteOIDCProvider"},
    "saml": {"provider_class": "accounts.saml.FotfesteSAMLProvider"},
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("FOTFESTE_PROVIDER_TIMEOUT_SECONDS", 10)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Fotfeste"
MFA_RECOVERY_CODE_COUNT = 10

FOTFESTE_MFA_REQUIRED = env_bool("FOTFESTE_MFA_REQUIRED", False)
FOTFESTE_INVITATION_DAYS = env_int("FOTFESTE_INVITATION_DAYS", 7)

# Sessions: 30 minutes idle, 12 hours at the most, whichever comes first.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 12 * 60 * 60
FOTFESTE_SESSION_IDLE_SECONDS = env_int("FOTFESTE_SESSION_IDLE_SECONDS", 30 * 60)
FOTFESTE_SESSION_ABSOLUTE_SECONDS = SESSION_COOKIE_AGE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("sv", _("Swedish")),
    ("en", _("English")),
]
# locale_allauth/ holds nynorsk for the django-allauth pages Fotfeste shows: allauth has none.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside the web root and are only served through scoped, audited views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
FOTFESTE_UPLOAD_MAX_BYTES = env_int("FOTFESTE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Months after a summer-job season's last period ends that the applications of those who got
# no place are kept (docs/summerjobs.md); then the nightly job deletes them.
FOTFESTE_SUMMERJOBS_UNPLACED_MONTHS = env_int("FOTFESTE_SUMMERJOBS_UNPLACED_MONTHS", 3)
# Django refuses larger request bodies before any view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Fotfeste <noreply@fotfeste.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
FOTFESTE_SITE_URL = env_str("FOTFESTE_SITE_URL", "http://127.0.0.1:8000")
# Text messages (config/sms.py): a class with a send(to=, text=) method; none by default.
FOTFESTE_SMS_BACKEND = env_str("FOTFESTE_SMS_BACKEND", "config.sms.NoSender")

# --- Security headers -----------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
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
    }
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # A token first: a request that names one is judged by it, even from a signed-in browser.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "config.viewsets.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "config.rest.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.rest.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fotfeste API",
    "DESCRIPTION": "Case management for municipal youth-employment programmes.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name ("status", "kind") get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "EnrollmentStatusEnum": "programs.models.EnrollmentStatus",
        "GoalStatusEnum": "participants.models.GoalStatus",
        "NoteKindEnum": "participants.models.NoteKind",
        "WorksiteKindEnum": "placements.models.WorksiteKind",
        "PlacementStatusEnum": "placements.models.PlacementStatus",
        "PlacementEndStatusEnum": "placements.api.serializers.END_STATUSES",
        "AttendanceStatusEnum": "placements.models.AttendanceStatus",
        "ExamResultEnum": "placements.models.ExamResult",
        "RatingEnum": "placements.models.RATING_CHOICES",
        "ProgrammeKindEnum": "programs.models.ProgrammeKind",
        "ReportKindEnum": "reporting.models.ReportKind",
        "RunStatusEnum": "reporting.models.RunStatus",
    },
}

# --- Logging: no personal data; identifiers are primary keys only ---------------------------
# plain for reading in a terminal, json (one object per line) for a log collector; production
# defaults to json. Every handler redacts query strings, national IDs and e-mail addresses.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
# Celery workers keep the handler above (format and redaction) instead of installing their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The one password of the fictional demo users; seed_demo refuses to run in production.
# National IDs: encrypted with the first of these keys (all of them decrypt, for rotation) and
# found by a keyed hash. Production must set both; the local and test values are not secret.
FOTFESTE_NATIONAL_ID_KEYS = env_list("FOTFESTE_NATIONAL_ID_KEYS", [])
FOTFESTE_NATIONAL_ID_HASH_KEY = env_str("FOTFESTE_NATIONAL_ID_HASH_KEY", "")
FOTFESTE_ALLOW_SYNTHETIC_IDS = env_bool("FOTFESTE_ALLOW_SYNTHETIC_IDS", False)

FOTFESTE_DEMO_PASSWORD = "fotfeste-demo-2026"  # noqa: S105
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
