"""Production settings refuse to start without their secrets and pass Django's deploy checks.
Each check runs in a fresh interpreter: settings are read once per process."""

import json
import subprocess

import pytest

from tests.support.production import REQUIRED, run, secret_key

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
