"""A real Fotfeste served from its own SQLite file with the demo data and the second factor
required, driven by Debian's Chromium through Playwright (no browser download)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# The live site's folder and environment, for the fixtures that reach into it (its mail, its
# database through manage.py).
LIVE: dict = {}


@pytest.fixture(scope="session")
def django_db_setup():
    """The browser tests use the server's own database, not pytest-django's."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "FOTFESTE_MFA_REQUIRED": "true",
        "DEBUG": "true",  # seed_demo refuses to run otherwise
    }
    env.pop("CELERY_BROKER_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    LIVE.update(env=env, mail=folder / "mail.txt")
    # Served as in production, with the site's own error pages rather than Django's debug ones.
    # Its standard output is where the console mail backend writes the mail it sends.
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        cwd=ROOT,
        env={**env, "DEBUG": "false"},
        stdout=LIVE["mail"].open("w"),
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/accounts/login/", timeout=2)  # noqa: S310
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("The test server did not start.")
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture
def live_mail(live_site):
    """The text of every e-mail the live site has sent so far (the console mail backend)."""
    return lambda: LIVE["mail"].read_text(errors="replace")


@pytest.fixture
def live_shell(live_site):
    """Run Python in ``manage.py shell`` against the live site's database; returns its output."""

    def run(code: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=LIVE["env"],
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    return run


@pytest.fixture(scope="session")
def live_manage(live_site):
    """Run a management command against the live site's database, as its operator would, with
    extra environment variables (a secret, say) and standard input; returns its output."""

    def run(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**LIVE["env"], **(env or {})},
            input=stdin,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's Chromium is needed at {CHROMIUM}: run 'make browser-deps'.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
