"""A real SAML 2.0 identity provider for the sign-in tests: pysaml2's IdP
(tests/providers/saml/idp.py, signing with Debian's xmlsec1), started as its own process on a
free port of 127.0.0.1 with a key and certificate the test made, and a driver that walks the
SP-initiated flow over HTTP: Fotfeste's side through Django's test client, the IdP's through
requests, with the HTTP-Redirect binding there and the HTTP-POST binding back."""

import datetime
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.support.oidc_provider import free_port, local_path, skip_or_fail

IDP_SCRIPT = Path(__file__).resolve().parents[1] / "providers" / "saml" / "idp.py"


def _key_and_cert(folder: Path, name: str) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Fotfeste test IdP {name}")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


@dataclass
class RunningIdP:
    base: str

    @property
    def entity_id(self) -> str:
        return f"{self.base}/metadata"

    def register(self, sp_metadata: bytes) -> None:
        """As the IdP's admin registers a service provider from its metadata."""
        answer = requests.post(f"{self.base}/sp", data=sp_metadata, timeout=10)
        assert answer.status_code == 204, answer.text


@contextmanager
def saml_idp(*, users: dict[str, Any], slo: bool = True) -> Iterator[RunningIdP]:
    if shutil.which("xmlsec1") is None or importlib.util.find_spec("saml2") is None:
        skip_or_fail("The test SAML IdP cannot run: make system-deps and .venv (pysaml2)")
    port = free_port()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        key, cert = _key_and_cert(folder, "idp")
        other_key, other_cert = _key_and_cert(folder, "unpublished")
        config = {
            "port": port,
            "key": key,
            "cert": cert,
            "other_key": other_key,
            "other_cert": other_cert,
            "users": users,
            "slo": slo,
        }
        path = folder / "config.json"
        path.write_text(json.dumps(config))
        errors = (folder / "stderr").open("w+")
        process = subprocess.Popen(
            [sys.executable, "-W", "ignore", str(IDP_SCRIPT), str(path)],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        try:
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                process.kill()
                process.wait(timeout=10)
                errors.seek(0)
                raise RuntimeError(f"The test SAML IdP did not start: {errors.read()}")
            yield RunningIdP(base=f"http://127.0.0.1:{port}")
        finally:
            process.terminate()
            process.wait(timeout=10)
            errors.close()


# --- walking the flow ------------------------------------------------------------------------


class _Form(HTMLParser):
    """The first form of a page: its action and its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and not self.action:
            self.action, self._in_form = found.get("action") or "", True
        elif tag == "input" and found.get("type") == "checkbox" and "checked" not in found:
            return  # as a browser sends it: an unticked box is not sent
        elif tag == "input" and self._in_form and found.get("name"):
            self.fields[found["name"] or ""] = found.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


def form_of(page: str) -> _Form:
    parser = _Form()
    parser.feed(page)
    return parser


@dataclass
class Browser:
    """Fotfeste through Django's test client, the IdP through requests."""

    client: Any
    idp: requests.Session = field(default_factory=requests.Session)
    last_post: tuple[str, dict[str, str]] = ("", {})

    def sign_in(self, slug: str, login: str, *, context: str = "password", tamper: str = "") -> Any:
        """Press «Sign in with …», sign in at the IdP, come back: Fotfeste's answer."""
        start = self.client.post(f"/accounts/saml/{slug}/login/")
        if start.status_code != 302:
            return start
        return self.at_idp(start["Location"], login, context=context, tamper=tamper)

    def at_idp(
        self, sso_url: str, login: str, *, context: str = "password", tamper: str = ""
    ) -> Any:
        page = self.idp.get(sso_url, timeout=10)
        assert page.status_code == 200, page.text
        form = form_of(page.text)
        fields = {**form.fields, "login": login, "context": context, "tamper": tamper}
        answer = self.idp.post(
            urlsplit(sso_url)._replace(path=form.action, query="").geturl(), data=fields, timeout=30
        )
        if answer.status_code != 200:
            return answer
        return self.post_back(answer.text)

    def post_back(self, page: str) -> Any:
        """The HTTP-POST binding: the IdP's self-posting form, sent to Fotfeste's ACS."""
        form = form_of(page)
        assert form.action.startswith("http://testserver/"), form.action
        self.last_post = (local_path(form.action), form.fields)
        return self.finish(self.client.post(*self.last_post))

    def finish(self, acs_answer: Any) -> Any:
        if acs_answer.status_code != 302:
            return acs_answer
        return self.client.get(acs_answer["Location"])

    def replay(self) -> Any:
        return self.finish(self.client.post(*self.last_post))


# --- single logout ---------------------------------------------------------------------------


def idp_session_alive(browser: Browser, idp: RunningIdP) -> bool:
    """Whether this browser still has a session at the IdP (the IdP's own answer)."""
    return browser.idp.get(f"{idp.base}/session", timeout=10).text == "yes"


def sign_out_at_idp(browser: Browser, logout_url: str, *, tamper: str = "") -> Any:
    """Follow Fotfeste's LogoutRequest to the IdP (HTTP-Redirect), and its LogoutResponse back
    to Fotfeste's SLS: Fotfeste's answer. ``tamper`` makes the IdP answer wrongly
    (tests/providers/saml/idp.py)."""
    url = f"{logout_url}&tamper={tamper}" if tamper else logout_url
    answer = browser.idp.get(url, allow_redirects=False, timeout=30)
    location = answer.headers.get("Location", "")
    if not location.startswith("http://testserver/"):
        return answer
    return browser.client.get(local_path(location))


def logout_from_idp(browser: Browser, idp: RunningIdP, sp: str, login: str, **extra: str) -> Any:
    """IdP-initiated single logout: the IdP's signed LogoutRequest, by the browser, to
    Fotfeste's SLS: Fotfeste's answer (a LogoutResponse on its way back to the IdP)."""
    answer = browser.idp.post(
        f"{idp.base}/logout",
        data={"sp": sp, "login": login, **extra},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text
    return browser.client.get(local_path(answer.headers["Location"]))


def sign_in_keeping_session(
    browser: Browser, slug: str, login: str, *, context: str = "refeds-mfa"
) -> Any:
    """Sign in through the IdP with «Keep me signed in» ticked: the IdP keeps a session, and
    answers the next sign-in without asking."""
    start = browser.client.post(f"/accounts/saml/{slug}/login/")
    page = browser.idp.get(start["Location"], timeout=10)
    form = form_of(page.text)
    fields = {**form.fields, "login": login, "context": context, "keep": "1"}
    target = urlsplit(start["Location"])._replace(path=form.action, query="").geturl()
    answer = browser.idp.post(target, data=fields, timeout=30)
    return browser.post_back(answer.text)


def idp_asks_for_login(browser: Browser, slug: str) -> bool:
    """Start a sign-in again: does the IdP show its login form, or answer at once?"""
    start = browser.client.post(f"/accounts/saml/{slug}/login/")
    page = browser.idp.get(start["Location"], timeout=10)
    return form_of(page.text).action == "/sso"
