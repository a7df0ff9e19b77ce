"""A SAML 2.0 identity provider for the sign-in tests: pysaml2's own IdP (saml2.server.Server,
signing with Debian's xmlsec1) behind a small WSGI app, run as its own process on 127.0.0.1.

    python idp.py CONFIG.json

CONFIG holds the port, the signing key and certificate (PEM files), a second key and
certificate the IdP does not publish (to sign an answer Fotfeste must refuse), and the users:
{login: {"nameid": …, "format": NameID format (persistent unless said), "attributes": {name:
[values]}, "disabled": bool}}. It prints «ready»
once it answers.

Addresses:
  GET  /metadata     the IdP's metadata (entity id = this address)
  POST /sp           a service provider's metadata, as an admin registers one (text/xml)
  GET  /sso          HTTP-Redirect binding: an AuthnRequest; answers the login form
  POST /sso          the login form: the user's login and how they authenticated (password, or
                     a second factor: REFEDS MFA or Microsoft's multipleauthn); answers the
                     HTTP-POST binding's self-posting form to the service provider
  POST /unsolicited  an IdP-initiated answer for sp=<entity id> and login=<login>

The login form's `tamper` field makes an answer Fotfeste must refuse: `wrong-key` (signed with
the unpublished key), `wrong-audience` (for another service provider), `expired` (lifetime
already over).
"""

import html
import json
import shutil
import sys
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
CONTEXTS = {
    "password": PASSWORD,
    "refeds-mfa": "https://refeds.org/profile/mfa",
    "multipleauthn": "http://schemas.microsoft.com/claims/multipleauthn",
}
ELSEWHERE = "https://elsewhere.example.org/saml/metadata"
ELSEWHERE_METADATA = f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
 entityID="{ELSEWHERE}"><md:SPSSODescriptor
 protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService
 Binding="{BINDING_HTTP_POST}" Location="https://elsewhere.example.org/saml/acs/" index="1"/>
</md:SPSSODescriptor></md:EntityDescriptor>"""


def _server(base: str, key: str, cert: str, lifetime_minutes: int) -> Server:
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
                    "endpoints": {
                        "single_sign_on_service": [(f"{base}/sso", BINDING_HTTP_REDIRECT)]
                    },
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
            "": _server(base, config["key"], config["cert"], 15),
            "wrong-key": _server(base, config["other_key"], config["other_cert"], 15),
            "expired": _server(base, config["key"], config["cert"], -10),
        }
        self.server = self.servers[""]

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
                query = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
                self.server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
                return _answer(start_response, "200 OK", _login_form(query).encode())
            if path == "/sso" and method == "POST":
                return self._sign_in(start_response, _form(environ))
            if path == "/unsolicited" and method == "POST":
                return self._unsolicited(start_response, _form(environ))
        except Exception as exc:  # a test IdP: say what went wrong
            return _answer(start_response, "400 Bad Request", f"Bad request: {exc}".encode())
        return _answer(start_response, "404 Not Found", b"Not found")

    def _sign_in(self, start_response, form: dict) -> list[bytes]:
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
        return _answer(start_response, "200 OK", info["data"].encode())


def _login_form(query: dict) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(query.get(name, ""))}">'
        for name in ("SAMLRequest", "RelayState")
    )
    return (
        '<!doctype html><title>Test IdP</title><form method="post" action="/sso">'
        f'{hidden}<input name="login"><select name="context">'
        + "".join(f'<option value="{key}">{key}</option>' for key in CONTEXTS)
        + '</select><button type="submit">Sign in</button></form>'
    )


def _body(environ) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length)


def _form(environ) -> dict:
    return {k: v[0] for k, v in parse_qs(_body(environ).decode()).items()}


def _answer(start_response, status: str, body: bytes | str, kind: str = "text/html") -> list:
    data = body.encode() if isinstance(body, str) else body
    start_response(status, [("Content-Type", f"{kind}; charset=utf-8")])
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
