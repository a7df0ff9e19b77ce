"""Signing in through the real pages, as a browser does: the sign-in form (e-mail and
password), then the second factor's form with a TOTP code, each with its CSRF token, over
plain HTTP to 127.0.0.1 with the X-Forwarded-Proto header a TLS proxy would add."""

import base64
import hashlib
import hmac
import http.client
import re
import struct
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

PROXY = {"X-Forwarded-Proto": "https"}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERIOD = 30


def totp(secret: str, at: float) -> str:
    """RFC 6238 with SHA-1, six digits and 30-second steps, as authenticator apps compute it."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at // PERIOD)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# The server checks a code against the step in which it arrives, with no tolerance (allauth's
# default): a code is taken only with this much of its step left, so that the POST carrying it
# still arrives in time at a busy server, where it may wait seconds for a worker.
CODE_MARGIN = 8.0


def wait_for_code(margin: float = CODE_MARGIN) -> float:
    """Near the end of a step, until the next begins: a code taken now could be stale by the
    time the server checks it. Returns the seconds waited."""
    left = PERIOD - time.time() % PERIOD
    if left >= margin:
        return 0.0
    time.sleep(left + 0.2)
    return left + 0.2


class Browser:
    """Keeps cookies (the __Host- ones too, which a real browser sends only over HTTPS: here
    the proxy is pretended) and follows nothing by itself."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        # Seconds the sign-in spent waiting for a fresh TOTP step: the person's, not the server's.
        self.waited = 0.0

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def headers(self) -> dict[str, str]:
        return {**PROXY, "Host": f"{self.host}:{self.port}", "Cookie": self.cookie_header()}

    def request(
        self, method: str, path: str, form: dict | None = None, extra: dict | None = None
    ) -> tuple[int, str, str]:
        """Returns the status, the Location (or "") and the body. ``extra``: more headers (an
        Accept, htmx's HX-Request)."""
        headers = self.headers() | (extra or {})
        body = None
        if form is not None:
            body = urlencode(form)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + path,
            }
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                self._keep(header)
            return response.status, urlsplit(response.getheader("Location", "")).path, text
        finally:
            connection.close()

    def _keep(self, header: str) -> None:
        for name, morsel in SimpleCookie(header).items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def csrf_token(self, path: str) -> str:
        """The CSRF token of the form on the page at ``path``."""
        status, _, page = self.request("GET", path)
        found = _CSRF.search(page)
        if status != 200 or found is None:
            raise SignInError(f"GET {path} gave {status} without a form")
        return found.group(1)

    def post_form(self, path: str, fields: dict) -> tuple[int, str, str]:
        return self.request("POST", path, {**fields, "csrfmiddlewaretoken": self.csrf_token(path)})

    def copy(self) -> "Browser":
        """Another tab of the same session, with cookies of its own from now on."""
        other = Browser(self.port, self.host)
        other.cookies = dict(self.cookies)
        return other


class SignInError(Exception):
    pass


def sign_in(port: int, email: str, password: str, secret: str) -> Browser:
    """A browser signed in as ``email``: password, then the TOTP code, then the start page."""
    browser = Browser(port)
    status, location, _ = browser.post_form(
        "/accounts/login/", {"login": email, "password": password}
    )
    if status != 302 or location != "/accounts/2fa/authenticate/":
        raise SignInError(f"the password step gave {status} → {location or 'no redirect'}")
    code_page = "/accounts/2fa/authenticate/"
    token = browser.csrf_token(code_page)
    # The code is read off the phone once the code page shows, as a person does: taken before
    # the page came, it could be of a step gone by then.
    browser.waited = wait_for_code()
    form = {"code": totp(secret, time.time()), "csrfmiddlewaretoken": token}
    status, location, _ = browser.request("POST", code_page, form)
    if status != 302 or location.startswith("/accounts/"):
        raise SignInError(f"the code step gave {status} → {location or 'no redirect'}")
    status, _, _ = browser.request("GET", "/")
    if status != 200:
        raise SignInError(f"the start page gave {status} after signing in")
    return browser


class SignIns:
    """Signs users in one after another, each code taken once: the server refuses a code it has
    seen (allauth keeps the used ones for the step), so a user signed in again within the same
    30-second step waits for the next. ``last``: each e-mail's step of its last sign-in, handed
    on from one process to the next."""

    def __init__(
        self, port: int, password: str, secrets: dict[str, str], last: dict[str, int] | None = None
    ):
        self.port, self.password, self.secrets = port, password, secrets
        self.last: dict[str, int] = dict(last or {})

    def ready(self, email: str) -> None:
        """Waits, if need be, until ``email`` may take a code that has not been taken: the code
        is taken later in the sign-in, in this step or a later one."""
        if self.last.get(email, -1) >= int(time.time() // PERIOD):
            time.sleep(PERIOD - time.time() % PERIOD + 0.2)

    def __call__(self, email: str) -> Browser:
        self.ready(email)
        try:
            return sign_in(self.port, email, self.password, self.secrets[email])
        finally:
            self.last[email] = int(time.time() // PERIOD)
