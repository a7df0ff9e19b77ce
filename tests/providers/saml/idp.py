"""A SAML 2.0 identity provider for the sign-in tests: pysaml2's own IdP (saml2.server.Server,
signing with Debian's xmlsec1) behind a small WSGI app, run as its own process on 127.0.0.1.

    python idp.py CONFIG.json

CONFIG holds the port, the signing key and certificate (PEM files), a second key and
certificate the IdP does not publish (to sign an answer Fotfeste must refuse), whether the IdP
offers single logout ("slo", default true) and the users: {login: {"nameid": …, "format": NameID
format (persistent unless said), "attributes": {name: [values]}, "disabled": bool}}. It prints
«ready» once it answers.

Addresses:
  GET  /metadata     the IdP's metadata (entity id = this address)
  POST /sp           a service provider's metadata, as an admin registers one (text/xml)
  GET  /sso          HTTP-Redirect binding: an AuthnRequest; answers the login form
  POST /sso          the login form: the user's login and how they authenticated (password, or
                     a second factor: REFEDS MFA or Microsoft's multipleauthn); answers the
                     HTTP-POST binding's self-posting form to the service provider
  POST /unsolicited  an IdP-initiated answer for sp=<entity id> and login=<login>
  GET  /slo          HTTP-Redirect binding: a service provider's LogoutRequest ends the IdP's
                     session of that NameID and answers a signed LogoutResponse by the same
                     binding (302); or the service provider's LogoutResponse to /logout
  POST /logout       IdP-initiated single logout: a signed LogoutRequest for sp=<entity id>
                     and login=<login> (302 to the service provider's SLS)
  GET  /session      «yes» while this browser has a session at the IdP, «no» otherwise

With `keep=1` on the login form the IdP keeps a session (a cookie), as a real IdP does: the
next AuthnRequest is answered at once, without the form, until the session is logged out.

The login form's `tamper` field makes an answer Fotfeste must refuse: `wrong-key` (signed with
the unpublished key), `wrong-audience` (for another service provider), `expired` (lifetime
already over). A `tamper` query parameter on /slo does the same for the LogoutResponse:
`wrong-key`, `unsigned`, `other-request` (answers a request nobody made), `failed` (a status
other than Success).
"""

import html
import json
import re
import secrets
import shutil
import sys
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.s_utils import error_status_factory
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.samlp import STATUS_RESPONDER
from saml2.server import Server

PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
CONTEXTS = {
    "password": PASSWORD,
    "refeds-mfa": "https://refeds.org/profile/mfa",
    "multipleauthn": "http://schemas.microsoft.com/claims/multipleauthn",
}
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
COOKIE = "test_idp_session"
ELSEWHERE = "https://elsewhere.example.org/saml/metadata"
ELSEWHERE_METADATA = f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
 entityID="{ELSEWHERE}"><md:SPSSODescriptor
 protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService
 Binding="{BINDING_HTTP_POST}" Location="https://elsewhere.example.org/saml/acs/" index="1"/>
</md:SPSSODescriptor></md:EntityDescriptor>"""


def _server(base: str, key: str, cert: str, lifetime_minutes: int, slo: bool = True) -> Server:
    endpoints = {"single_sign_on_service": [(f"{base}/sso", BINDING_HTTP_REDIRECT)]}
    if slo:
        endpoints["single_logout_service"] = [(f"{base}/slo", BINDING_HTTP_REDIRECT)]
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{base}/metadata",
            "xmlsec_binary": shutil.which("xmlsec1"),
            "key_file": key,
            "cert_file": cert,
            "service": {
                "idp": {
                    "name": "Fotfeste test IdP",
                    "endpoints": endpoints,
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "want_authn_requests_signed": False,
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": lifetime_minutes},
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                }
            },
            "metadata": {"inline": [ELSEWHERE_METADATA]},
        }
    )
    return Server(config=config)


class IdP:
    def __init__(self, config: dict) -> None:
        base = f"http://127.0.0.1:{config['port']}"
        self.users = config["users"]
        self.servers = {
            "": _server(base, config["key"], config["cert"], 15, config.get("slo", True)),
            "wrong-key": _server(base, config["other_key"], config["other_cert"], 15),
            "expired": _server(base, config["key"], config["cert"], -10),
        }
        self.server = self.servers[""]
        # The IdP's sessions: cookie value -> the login, its NameID and its SessionIndex.
        self.sessions: dict[str, dict] = {}

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        try:
            if path == "/metadata":
                body = create_metadata_string(None, self.server.config, sign=False)
                return _answer(start_response, "200 OK", body, "text/xml")
            if path == "/sp" and method == "POST":
                text = _body(environ).decode()
                for server in self.servers.values():
                    server.metadata.load("inline", text)
                return _answer(start_response, "204 No Content", b"")
            if path == "/sso" and method == "GET":
                query = _query(environ)
                self.server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
                session = self.sessions.get(_cookie(environ), {})
                if session:
                    form = {**query, "login": session["login"], "keep": "1"}
                    return self._sign_in(start_response, form, _cookie(environ))
                return _answer(start_response, "200 OK", _login_form(query).encode())
            if path == "/sso" and method == "POST":
                return self._sign_in(start_response, _form(environ))
            if path == "/unsolicited" and method == "POST":
                return self._unsolicited(start_response, _form(environ))
            if path == "/slo" and method == "GET":
                return self._single_logout(start_response, environ)
            if path == "/logout" and method == "POST":
                return self._logout_request(start_response, _form(environ))
            if path == "/session":
                alive = _cookie(environ) in self.sessions
                return _answer(start_response, "200 OK", b"yes" if alive else b"no", "text/plain")
        except Exception as exc:  # a test IdP: say what went wrong
            return _answer(start_response, "400 Bad Request", f"Bad request: {exc}".encode())
        return _answer(start_response, "404 Not Found", b"Not found")

    def _sign_in(self, start_response, form: dict, cookie: str = "") -> list[bytes]:
        user = self.users.get(form.get("login", ""))
        if user is None:
            return _answer(start_response, "401 Unauthorized", b"Unknown user.")
        if user.get("disabled"):
            return _answer(start_response, "403 Forbidden", b"This account is disabled.")
        request = self.server.parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT)
        args = self.server.response_args(request.message, [BINDING_HTTP_POST])
        tamper = form.get("tamper", "")
        server = self.servers.get(tamper, self.server)
        audience = ELSEWHERE if tamper == "wrong-audience" else args["sp_entity_id"]
        return self._post(
            start_response,
            server,
            user,
            context=CONTEXTS[form.get("context", "password")],
            in_response_to=args["in_response_to"],
            destination=args["destination"],
            audience=audience,
            relay_state=form.get("RelayState", ""),
            keep=(cookie or secrets.token_urlsafe(16)) if form.get("keep") else "",
            login=form["login"],
        )

    def _unsolicited(self, start_response, form: dict) -> list[bytes]:
        user = self.users[form["login"]]
        acs = self.server.metadata.assertion_consumer_service(form["sp"], BINDING_HTTP_POST)
        return self._post(
            start_response,
            self.server,
            user,
            context=PASSWORD,
            in_response_to=None,
            destination=acs[0]["location"],
            audience=form["sp"],
            relay_state="/",
        )

    def _post(
        self,
        start_response,
        server: Server,
        user: dict,
        *,
        context,
        in_response_to,
        destination,
        audience,
        relay_state,
        keep: str = "",
        login: str = "",
    ) -> list[bytes]:
        response = server.create_authn_response(
            identity=user.get("attributes", {}),
            in_response_to=in_response_to,
            destination=destination,
            sp_entity_id=audience,
            name_id=NameID(
                format=user.get("format", NAMEID_FORMAT_PERSISTENT), text=user["nameid"]
            ),
            authn={"class_ref": context, "authn_auth": server.config.entityid},
            sign_assertion=True,
            sign_response=False,
            sign_alg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_alg="http://www.w3.org/2001/04/xmlenc#sha256",
        )
        info = server.apply_binding(
            BINDING_HTTP_POST, str(response), destination, relay_state, response=True
        )
        headers = []
        if keep:
            # Each answer has a session index of its own; the session holds them all.
            index = re.search(r'SessionIndex="([^"]+)"', str(response))
            session = self.sessions.setdefault(
                keep, {"login": login, "nameid": user["nameid"], "indexes": [], "sp": audience}
            )
            session["indexes"].append(index.group(1) if index else "")
            headers.append(("Set-Cookie", f"{COOKIE}={keep}; Path=/; HttpOnly"))
        return _answer(start_response, "200 OK", info["data"].encode(), headers=headers)

    # --- single logout --------------------------------------------------------------------

    def _single_logout(self, start_response, environ) -> list[bytes]:
        query = _query(environ)
        if "SAMLResponse" in query:
            # The service provider's answer to a logout the IdP started.
            answer = self.server.parse_logout_request_response(
                query["SAMLResponse"], BINDING_HTTP_REDIRECT
            )
            status = answer.response.status.status_code.value
            return _answer(start_response, "200 OK", f"Logged out: {status}", "text/plain")
        request = self.server.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        message = request.message
        ended = [
            key
            for key, session in self.sessions.items()
            if session["nameid"] == message.name_id.text
            and set(session["indexes"]) & {index.text for index in message.session_index}
        ]
        for key in ended:
            del self.sessions[key]
        tamper = query.get("tamper", "")
        if tamper == "other-request":
            message.id = "_a-request-nobody-made"
        status = None
        if tamper == "failed" or not ended:
            status = error_status_factory((STATUS_RESPONDER, "No such session"))
        response = self.server.create_logout_response(
            message, [BINDING_HTTP_REDIRECT], status=status, sign=False
        )
        server = self.servers.get(tamper, self.server)
        info = server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            response.destination,
            query.get("RelayState", ""),
            response=True,
            sign=tamper != "unsigned",
            sigalg=RSA_SHA256,
        )
        return _redirect(start_response, _location(info))

    def _logout_request(self, start_response, form: dict) -> list[bytes]:
        """IdP-initiated: the IdP tells the service provider the person logged out."""
        sp = form["sp"]
        session = next(
            (s for s in self.sessions.values() if s["login"] == form["login"] and s["sp"] == sp),
            {"nameid": self.users[form["login"]]["nameid"], "indexes": []},
        )
        slo = self.server.metadata.single_logout_service(sp, BINDING_HTTP_REDIRECT, "spsso")
        destination = slo[0]["location"]
        name_id = NameID(
            format=NAMEID_FORMAT_PERSISTENT, text=session["nameid"], sp_name_qualifier=sp
        )
        _, request = self.server.create_logout_request(
            destination, sp, name_id=name_id, session_indexes=session["indexes"] or None, sign=False
        )
        server = self.servers.get(form.get("tamper", ""), self.server)
        info = server.apply_binding(
            BINDING_HTTP_REDIRECT, str(request), destination, "", sign=True, sigalg=RSA_SHA256
        )
        return _redirect(start_response, _location(info))


def _login_form(query: dict) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(query.get(name, ""))}">'
        for name in ("SAMLRequest", "RelayState")
    )
    return (
        '<!doctype html><title>Test IdP</title><form method="post" action="/sso">'
        f'{hidden}<input name="login"><select name="context">'
        + "".join(f'<option value="{key}">{key}</option>' for key in CONTEXTS)
        + '</select><label><input type="checkbox" name="keep" value="1"> Keep me signed in'
        '</label><button type="submit">Sign in</button></form>'
    )


def _query(environ) -> dict:
    return {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}


def _cookie(environ) -> str:
    for part in environ.get("HTTP_COOKIE", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return ""


def _location(info: dict) -> str:
    return dict(info["headers"])["Location"]


def _redirect(start_response, location: str) -> list[bytes]:
    start_response("302 Found", [("Location", location)])
    return [b""]


def _body(environ) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length)


def _form(environ) -> dict:
    return {k: v[0] for k, v in parse_qs(_body(environ).decode()).items()}


def _answer(
    start_response, status: str, body: bytes | str, kind: str = "text/html", headers=()
) -> list:
    data = body.encode() if isinstance(body, str) else body
    start_response(status, [("Content-Type", f"{kind}; charset=utf-8"), *headers])
    return [data]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    httpd = make_server("127.0.0.1", config["port"], IdP(config), handler_class=QuietHandler)
    print("ready", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
