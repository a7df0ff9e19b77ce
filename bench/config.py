"""Where the benchmark keeps things and the environment its Django processes run with."""

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = Path(__file__).resolve().parent / "results"
LATEST = RESULTS / "latest.json"
BASELINE = Path(__file__).resolve().parent / "baseline.json"
# The PostgreSQL server, as a URL of its maintenance database; the benchmark's databases are
# created next to it.
ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SEED = 2026
# What the seeded data depends on besides the seed and the size: a change to any of these
# files builds the databases again.
SEED_SOURCES = ("demo/scale", "demo/management/commands/seed_scale.py")


@dataclass(frozen=True)
class Scale:
    name: str  # the working database, copied afresh from {name}_seed on every run
    participants: int

    @property
    def seeded(self) -> str:
        return f"{self.name}_seed"

    @property
    def building(self) -> str:
        return f"{self.name}_building"

    @property
    def short(self) -> str:
        return self.name.rsplit("_", 1)[-1]


LARGE = Scale("fotfeste_bench_large", 10_000)
SMALL = Scale("fotfeste_bench_small", 100)


def database_url(name: str) -> str:
    base, _, _ = ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


def keys() -> dict[str, str]:
    """The secret key and national-ID keys of the benchmark's own stack, made once and kept in
    var/bench (git-ignored): the seeded databases hold national IDs encrypted with them, so
    every later run must use the same ones."""
    path = VAR / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    made = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FOTFESTE_NATIONAL_ID_KEYS": secrets.token_urlsafe(36),
        "FOTFESTE_NATIONAL_ID_HASH_KEY": secrets.token_urlsafe(36),
    }
    VAR.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(made))
    return made


def keys_fingerprint(found: dict[str, str]) -> str:
    """Names the national-ID keys without revealing them, for the seeded database's marker."""
    joined = found["FOTFESTE_NATIONAL_ID_KEYS"] + "|" + found["FOTFESTE_NATIONAL_ID_HASH_KEY"]
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def seed_version(root: Path = ROOT) -> str:
    """A digest of the seeder's source: the same digest, the same data for the same seed."""
    digest = hashlib.sha256()
    for name in SEED_SOURCES:
        path = root / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def django_env(scale: Scale, redis_port: int, found: dict[str, str]) -> dict[str, str]:
    """The environment of every Django process (web, worker, seeding, helpers) for one scale:
    production settings on its PostgreSQL database, the benchmark's Redis (each scale with its
    own cache prefix and queue), HTTPS as told by a proxy, mail written to files."""
    return {
        **os.environ,
        **found,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url(scale.name),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FOTFESTE_SITE_URL": "https://127.0.0.1",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/1",
        "CACHE_KEY_PREFIX": f"bench-{scale.short}",
        "CELERY_TASK_DEFAULT_QUEUE": f"bench-{scale.short}",
        "BEHIND_TLS_PROXY": "true",
        "FOTFESTE_ALLOW_SYNTHETIC_IDS": "true",
        "FOTFESTE_MFA_REQUIRED": "true",
        "MEDIA_ROOT": str(VAR / "media" / scale.short),
        # Written to files, where the application burst (bench/burst.py) reads its codes.
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(VAR / "mail" / scale.short),
        "LOG_FORMAT": "json",
    }
