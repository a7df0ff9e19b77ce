"""The stage of the restart drills: a PostgreSQL cluster and a Redis of their own (so that
restarting them disturbs nothing else on the machine), a seeded synthetic municipality, the
production stack (gunicorn and a Celery worker, bench/stack.py) and signed-in users.

The cluster lives in var/faults/pg and is started as the ``postgres`` user when the drill
runs as root (PostgreSQL refuses to run as root). Redis keeps an append-only file, as in
docker-compose.yml, so what was queued survives its restart."""

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from bench import stack as bench_stack
from bench.config import SMALL, django_env, keys
from bench.inside import call as inside_call
from bench.signin import Browser, sign_in
from bench.stack import Stack, free_port

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "faults"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "fotfeste_fault"
PARTICIPANTS = 200


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@dataclass
class Cluster:
    """A PostgreSQL cluster of the drill's own, on a free port."""

    folder: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", *args]
        subprocess.run(  # noqa: S603 - the drill's own fixed commands
            _as_postgres(command), check=True, stdout=subprocess.DEVNULL, cwd="/"
        )

    def create(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
        subprocess.run(_as_postgres(initdb), check=True, stdout=subprocess.DEVNULL, cwd="/")  # noqa: S603
        self.start()
        subprocess.run(  # noqa: S603
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                DATABASE,
            ],
            check=True,
        )

    def start(self) -> None:
        self._ctl("-l", str(self.folder / "server.log"), "start")

    def restart(self) -> None:
        self._ctl("-m", "fast", "-l", str(self.folder / "server.log"), "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("-m", "fast", "stop")

    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"


@dataclass
class OwnRedis:
    """A Redis of the drill's own, started and stopped by it, with an append-only file."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while not bench_stack._redis_answers(self.port):
            if time.monotonic() > deadline:
                raise SystemExit("Redis did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis writes its file and exits
            self.process.wait(timeout=30)
        self.process = None


@dataclass
class World:
    stack: Stack
    cluster: Cluster
    redis: OwnRedis
    env: dict[str, str]
    web_port: int = 0
    facts: dict = field(default_factory=dict)
    last_step: dict = field(default_factory=dict)

    def browser(self, who: str = "veileder1") -> Browser:
        """A sign-in as ``who``. A TOTP code is accepted once: a second sign-in of the same
        user waits for the next 30-second step."""
        emails, secret_of = self.facts["emails"], self.facts["secrets"]
        while int(time.time() // 30) == self.last_step.get(who):
            time.sleep(0.5)
        browser = sign_in(
            self.web_port, emails[who], self.facts["password"], secret_of[emails[who]]
        )
        self.last_step[who] = int(time.time() // 30)
        return browser


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


@contextmanager
def staged() -> Iterator[World]:
    """Cluster, Redis, seeded database, web and worker, up and healthy; all stopped after,
    also on failure or Ctrl-C."""
    cluster, redis = Cluster(VAR / "pg"), OwnRedis(VAR / "redis")
    with Stack() as stack:
        try:
            yield _build(stack, cluster, redis)
        finally:
            stack.stop()  # web and worker first: they hold connections to the two below
            for part in (redis, cluster):
                try:
                    part.stop()
                except Exception as exc:
                    print(f"  could not stop {type(part).__name__}: {exc}")


def _build(stack: Stack, cluster: Cluster, redis: OwnRedis) -> World:
    shutil.rmtree(redis.folder, ignore_errors=True)
    say(f"Starting a PostgreSQL cluster of our own on port {cluster.port}")
    cluster.create()
    redis.start()
    env = {**django_env(SMALL, redis.port, keys()), "DATABASE_URL": cluster.url()}
    env["MEDIA_ROOT"] = str(VAR / "media")
    say(f"Seeding {PARTICIPANTS} synthetic participants")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_scale", "--participants", str(PARTICIPANTS), "--force", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    world = World(stack, cluster, redis, env)
    world.facts = inside(env, "users")
    say("Starting gunicorn (3 workers) and a Celery worker")
    world.web_port = stack.gunicorn("fault-web", env, workers=3)
    stack.celery("fault-worker", env)
    bench_stack.wait_healthy([world.web_port], stack)
    return world


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def inside(env: dict[str, str], task: str) -> dict:
    return inside_call(task, env)


def load(world: World, browser: Browser, paths: list[str], *, seconds: float, threads: int):
    """Starts the load generator (bench/load.py) in its own process; returns it."""
    spec = {
        "host": "127.0.0.1",
        "port": world.web_port,
        "paths": paths,
        "headers": browser.headers(),
        "concurrency": threads,
        "warmup": 0,
        "requests": 1_000_000,
        "max_seconds": seconds,
        "timeout": 30,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.load"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    process.stdin.write(json.dumps(spec))
    process.stdin.close()
    return process


def load_result(process: subprocess.Popen) -> dict:
    out = process.stdout.read()
    process.wait(timeout=120)
    return json.loads(out)


def report_period() -> tuple[str, str]:
    today = date.today()
    return (today - timedelta(days=90)).isoformat(), today.isoformat()
