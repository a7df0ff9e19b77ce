"""Production settings refuse to start without their secrets and pass Django's deploy checks.
Each check runs in a fresh interpreter: settings are read once per process."""

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "ALLOWED_HOSTS": "fotfeste.example.org",
    "DATABASE_URL": "postgres://fotfeste@127.0.0.1:5432/fotfeste",
    "FOTFESTE_SITE_URL": "https://fotfeste.example.org",
    "FOTFESTE_NATIONAL_ID_KEYS": "k" * 40 + ",old-" + "k" * 40,
    "FOTFESTE_NATIONAL_ID_HASH_KEY": "h" * 40,
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
}
SETTINGS_TO_JSON = """
import json
from django.conf import settings
validators = {v["NAME"].rsplit(".", 1)[-1]: v.get("OPTIONS", {}) for v in
              settings.AUTH_PASSWORD_VALIDATORS}
print(json.dumps({
    "hasher": settings.PASSWORD_HASHERS[0],
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "csrf_cookie": settings.CSRF_COOKIE_NAME,
    "session_age": settings.SESSION_COOKIE_AGE,
    "absolute": settings.FOTFESTE_SESSION_ABSOLUTE_SECONDS,
    "idle": settings.FOTFESTE_SESSION_IDLE_SECONDS,
    "min_length": validators["MinimumLengthValidator"].get("min_length"),
    "script_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"],
    "mfa_required": settings.FOTFESTE_MFA_REQUIRED,
    "debug": settings.DEBUG,
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
}))
"""


def secret_key() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))


def run(args: list[str], **overrides: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FOTFESTE_"))}
    for name in ("SECRET_KEY", "DATABASE_URL", *REQUIRED):
        env.pop(name, None)
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "PYTHONPATH": str(ROOT)})
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def load_settings(**overrides: str | None) -> subprocess.CompletedProcess:
    return run(["-c", "import django; django.setup()\n" + SETTINGS_TO_JSON], **overrides)


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(**REQUIRED)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = load_settings(SECRET_KEY="too-short", **REQUIRED)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_production_refuses_to_start_without_each_required_variable(missing):
    result = load_settings(SECRET_KEY=secret_key(), **{**REQUIRED, missing: None})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_refuses_a_visibility_timeout_not_longer_than_the_task_time_limit():
    # Redis would hand a task still running to a second worker.
    result = load_settings(SECRET_KEY=secret_key(), CELERY_VISIBILITY_TIMEOUT="1800", **REQUIRED)

    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT" in result.stderr


def test_production_settings_hold_the_security_promises():
    result = load_settings(SECRET_KEY=secret_key(), **REQUIRED)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert values["session_cookie"].startswith("__Host-")
    assert values["csrf_cookie"].startswith("__Host-")
    assert values["session_age"] == values["absolute"] == 12 * 60 * 60
    assert values["idle"] == 30 * 60
    assert values["min_length"] == 12
    assert "'unsafe-inline'" not in values["script_src"]
    assert values["mfa_required"] is True
    assert values["debug"] is False
    assert values["secure_cookies"] == [True, True]


def test_production_passes_the_deploy_checks():
    result = run(["manage.py", "check", "--deploy"], SECRET_KEY=secret_key(), **REQUIRED)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
