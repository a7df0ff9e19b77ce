"""Real Celery workers for the tests marked ``services``: each test gets its own queue on the
broker named by CELERY_BROKER_URL, its workers run against the test database (PostgreSQL), and
they write files to a folder the test reads, since the tests' in-memory storage is invisible to
another process. Loaded for every test module through ``pytest_plugins`` in conftest.py."""

import base64
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction

from audit.models import AccessEvent, ChangeEvent
from config.celery import app as celery_app
from config.databases import REPLICA

ROOT = Path(settings.BASE_DIR)


@dataclass
class Workers:
    """Celery worker processes on one queue, started when the test asks for them."""

    queue: str
    broker: str
    env: dict[str, str]
    media: Path
    mail: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def start(self, **env: str) -> subprocess.Popen:
        """One more solo worker on the queue, returned once it answers; ``env`` adds to its
        environment (e.g. settings)."""
        name = f"{self.queue}-{len(self.processes)}@localhost"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo"]
        options = ["-Q", ",".join(self.queues), "-n", name, "--without-gossip", "--without-mingle"]
        process = subprocess.Popen(
            [*command, *options, "--without-heartbeat", "--loglevel=WARNING"],
            cwd=ROOT,
            env={**self.env, **env},
        )
        self.processes.append(process)
        ping = celery_app.control.ping
        assert wait_for(lambda: ping(destination=[name], timeout=0.5)), f"{name} did not start"
        return process

    @property
    def queues(self) -> list[str]:
        """The test's queue and its reports queue (config/celery.py: route)."""
        return [self.queue, self.queue + settings.FOTFESTE_REPORTS_QUEUE_SUFFIX]

    def pending(self) -> list[tuple[str, list]]:
        """The tasks waiting in the queues, oldest first in each, as (task name, arguments)."""
        with redis.Redis.from_url(self.broker) as client:
            raw = [item for queue in self.queues for item in reversed(client.lrange(queue, 0, -1))]
        return [_task(json.loads(item)) for item in raw]

    def unacked(self) -> list[tuple[str, list]]:
        """The tasks of this queue a worker took and has not acknowledged: they are handed to
        another worker once the visibility timeout has passed."""
        with redis.Redis.from_url(self.broker) as client:
            held = [json.loads(item) for item in client.hvals("unacked")]
        return [_task(message) for message, _exchange, queue in held if queue in self.queues]

    def stored_files(self) -> set[str]:
        """Every file the workers stored, by its storage name (``reports/run-1.csv``)."""
        return {p.relative_to(self.media).as_posix() for p in self.media.rglob("*") if p.is_file()}

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            process.wait(timeout=30)
        # The queues and the bindings of their exchanges, which have the queues' names.
        keys = [
            key
            for queue in self.queues
            for key in (queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        ]
        with redis.Redis.from_url(self.broker) as client:
            client.delete(*keys)


def _task(message: dict) -> tuple[str, list]:
    args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
    return message["headers"]["task"], args


def wait_for(check: Callable[[], bool], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def audit_rows_cleared():
    """Committed tests leave audit rows behind; clear them, the append-only triggers switched
    off for that moment and in that transaction only. The triggers stay installed: dropping
    them would drop the function other append-only tables share (PostgreSQL)."""
    yield
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (AccessEvent, ChangeEvent):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a model's own table name)
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


@pytest.fixture
def workers(tmp_path, audit_rows_cleared) -> Iterator[Workers]:
    """A queue of its own for the test's tasks, and the workers the test starts on it."""
    broker = os.environ["CELERY_BROKER_URL"]
    queue = f"fotfeste-test-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "FOTFESTE_TEST_MEDIA_ROOT": str(tmp_path / "media"),
    }
    if REPLICA in settings.DATABASES:  # the replica's copy of the test database, by name
        replica = settings.DATABASES[REPLICA]
        env["DATABASE_REPLICA_URL"] = (
            f"postgres://{replica['USER']}@{replica['HOST']}:{replica['PORT']}/{db['NAME']}"
        )
    (tmp_path / "media").mkdir()
    pool = Workers(queue, broker, env, media=tmp_path / "media", mail=tmp_path / "mail")
    saved = (
        celery_app.conf.task_always_eager,
        celery_app.conf.broker_url,
        celery_app.conf.task_default_queue,
    )
    celery_app.conf.update(task_always_eager=False, broker_url=broker, task_default_queue=queue)
    try:
        yield pool
    finally:
        celery_app.conf.update(
            task_always_eager=saved[0], broker_url=saved[1], task_default_queue=saved[2]
        )
        pool.close()


@pytest.fixture
def worker(workers) -> Workers:
    """One worker, running from the start of the test."""
    workers.start()
    return workers
