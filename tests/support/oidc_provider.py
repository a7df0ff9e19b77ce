"""A real OpenID Connect provider for the sign-in tests: panva's oidc-provider from npm
(tests/providers/oidc/op.mjs), started as its own process on a free port of 127.0.0.1, with
a signing key the test made (so that a test can also forge tokens it must refuse), and a
driver that walks the authorization-code flow over HTTP: Fotfeste's side through Django's test
client, the provider's through requests, as a browser would go back and forth."""

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

OP_DIR = Path(__file__).resolve().parents[1] / "providers" / "oidc"
KID = "fotfeste-test-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def private_jwk(key: rsa.RSAPrivateKey) -> dict[str, str]:
    private, public = key.private_numbers(), key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "kid": KID,
        "alg": "RS256",
        "use": "sig",
        "n": _b64(public.n),
        "e": _b64(public.e),
        "d": _b64(private.d),
        "p": _b64(private.p),
        "q": _b64(private.q),
        "dp": _b64(private.dmp1),
        "dq": _b64(private.dmq1),
        "qi": _b64(private.iqmp),
    }


@dataclass
class RunningProvider:
    issuer: str
    key: rsa.RSAPrivateKey
    clients: dict[str, str] = field(default_factory=dict)

    def sign(self, claims: dict[str, Any], key: rsa.RSAPrivateKey | None = None) -> str:
        """An ID token signed with the provider's key (or another), for the refusal tests."""
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": KID})


def skip_or_fail(reason: str) -> None:
    # In CI the provider must run: a missing install fails the run instead of skipping it.
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def oidc_provider(
    *, clients: list[dict[str, Any]], accounts: dict[str, Any], end_session: bool = True
) -> Iterator[RunningProvider]:
    node = shutil.which("node")
    if node is None or not (OP_DIR / "node_modules" / "oidc-provider").is_dir():
        skip_or_fail("The test OpenID provider is not installed: make provider-deps")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    port = free_port()
    config = {
        "port": port,
        "jwks": {"keys": [private_jwk(key)]},
        "clients": clients,
        "accounts": accounts,
        "endSession": end_session,
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.json"
        path.write_text(json.dumps(config))
        process = subprocess.Popen(
            [node, str(OP_DIR / "op.mjs"), str(path)],
            cwd=OP_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            _wait_ready(process)
            secrets = {c["client_id"]: c["client_secret"] for c in clients}
            yield RunningProvider(issuer=f"http://127.0.0.1:{port}", key=key, clients=secrets)
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_ready(process: subprocess.Popen) -> None:
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        if line.strip() == "ready":
            return
        seen.append(line)
    process.kill()
    raise RuntimeError(f"The test OpenID provider did not start: {''.join(seen)}")


# --- walking the flow ------------------------------------------------------------------------


def local_path(url: str) -> str:
    """Fotfeste's address in an absolute URL, as Django's test client wants it."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def signed_in_as(client: Any) -> Any:
    """The user the test client's session is signed in as, or None."""
    from django.contrib.auth import SESSION_KEY  # imported here: settings are set up by then

    from accounts.models import User

    pk = client.session.get(SESSION_KEY)
    return User.objects.get(pk=pk) if pk else None


def last_sign_in() -> Any:
    from accounts.models import SignInEvent  # imported here: settings are set up by then

    return SignInEvent.objects.order_by("-pk").first()


@dataclass
class Browser:
    """Fotfeste through Django's test client, the provider through requests."""

    client: Any
    provider: requests.Session = field(default_factory=requests.Session)

    def sign_in(self, slug: str, login: str, *, mfa: bool = False) -> Any:
        """Press «Sign in with …», sign in at the provider, come back: Fotfeste's answer."""
        start = self.client.post(f"/accounts/oidc/{slug}/login/")
        if start.status_code != 302:
            return start
        return self.at_provider(start["Location"], login, mfa=mfa)

    def at_provider(self, authorize_url: str, login: str, *, mfa: bool = False) -> Any:
        answer = self.provider.get(authorize_url, allow_redirects=True, timeout=10)
        form = {"login": login, **({"mfa": "1"} if mfa else {})}
        answer = self.provider.post(answer.url, data=form, allow_redirects=False, timeout=10)
        for _ in range(5):
            location = answer.headers.get("Location", "")
            if answer.status_code not in (302, 303) or location.startswith("http://testserver"):
                break
            answer = self.provider.get(location, allow_redirects=False, timeout=10)
        location = answer.headers.get("Location", "")
        if not location.startswith("http://testserver"):
            return answer
        self.last_callback = local_path(location)
        return self.client.get(self.last_callback)

    def replay_callback(self) -> Any:
        return self.client.get(self.last_callback)


def wait_until_down(url: str, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
        except requests.RequestException:
            return
        time.sleep(0.1)


# --- signing out ---------------------------------------------------------------------------


def sign_out_at_provider(browser: Browser, logout_url: str) -> Any:
    """Follow Fotfeste's sign-out to the provider's end-session page, confirm there as the
    person would («Yes, sign me out»), and come back: Fotfeste's answer, or the provider's."""
    page = browser.provider.get(logout_url, allow_redirects=False, timeout=10)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text)
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    if page.status_code != 200 or not (xsrf and action):
        return page
    confirm = urljoin(page.url, action.group(1))
    answer = browser.provider.post(
        confirm, data={"xsrf": xsrf.group(1), "logout": "yes"}, allow_redirects=False, timeout=10
    )
    location = answer.headers.get("Location", "")
    if not location.startswith("http://testserver"):
        return answer
    return browser.client.get(local_path(location))


def provider_asks_for_login(browser: Browser, slug: str) -> bool:
    """Start a sign-in again: does the provider ask who you are (no session of its own), or
    answer at once (its session is still open)?"""
    start = browser.client.post(f"/accounts/oidc/{slug}/login/")
    answer = browser.provider.get(start["Location"], allow_redirects=False, timeout=10)
    for _ in range(5):
        location = answer.headers.get("Location", "")
        if answer.status_code not in (302, 303) or location.startswith("http://testserver"):
            break
        answer = browser.provider.get(
            urljoin(answer.url, location), allow_redirects=False, timeout=10
        )
    location = answer.headers.get("Location", "")
    if location.startswith("http://testserver"):
        return False
    return answer.status_code == 200 and 'name="login"' in answer.text
