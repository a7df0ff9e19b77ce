"""Starting Django with the production settings in a subprocess, as a server would."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

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
