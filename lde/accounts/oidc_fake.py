"""A tiny OpenID Connect provider on this machine, for the tests and the demo: never for real use.

It serves a discovery document, its keys (JWKS, one RSA key made when it starts), an
authorisation page where you type the email address to sign in as, and a token endpoint that
checks the client's secret, the redirect address and the PKCE verifier before it issues a signed
ID token. It listens on 127.0.0.1 only, over plain HTTP, which the relying party accepts from
this machine alone (`lde.accounts.oidc._url_check`), and production refuses such an issuer.

    lde oidc-fake-provider            # then, in another shell, the variables it prints, and:
    lde serve

Tests start one in-process (`FakeIdentityProvider().start()`) and may make it misbehave:
`claims_override` changes the claims of the ID tokens it issues (another audience, an expired
token, another nonce) and `sign_with_foreign_key` signs them with a key it never published.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CODE_LIFETIME_SECONDS = 60
TOKEN_LIFETIME_SECONDS = 300


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class FakeIdentityProvider:
    def __init__(
        self,
        *,
        client_id: str = "lde-demo",
        client_secret: str = "demo-secret-not-for-production",  # noqa: S107 - a fake's
        port: int = 0,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = _rsa_key()
        self.kid = secrets.token_hex(8)
        self.claims_override: dict[str, Any] = {}
        self.sign_with_foreign_key = False
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens_issued = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self._thread: threading.Thread | None = None

    # --- running --------------------------------------------------------------------------

    def start(self) -> FakeIdentityProvider:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- documents --------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "email", "profile"],
            "claims_supported": ["sub", "email", "email_verified", "name", "amr", "acr"],
        }

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    # --- the flow ---------------------------------------------------------------------------

    def authorise(
        self,
        params: dict[str, str],
        *,
        email: str,
        email_verified: bool = True,
        multi_factor: bool = False,
    ) -> str:
        """Sign in as `email` for the authorisation request `params`, as the page does: the
        address to send the browser back to, with the code and the state."""
        if params.get("client_id") != self.client_id:
            raise ValueError("unknown client")
        if params.get("response_type") != "code":
            raise ValueError("only the code flow")
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            raise ValueError("PKCE with S256 is required")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.codes[code] = {
                "redirect_uri": params["redirect_uri"],
                "challenge": params["code_challenge"],
                "nonce": params.get("nonce", ""),
                "email": email.strip(),
                "email_verified": email_verified,
                "amr": ["pwd", "mfa", "otp"] if multi_factor else ["pwd"],
                "issued": time.time(),
            }
        query = urllib.parse.urlencode({"code": code, "state": params.get("state", "")})
        target = params["redirect_uri"]
        return f"{target}{'&' if '?' in target else '?'}{query}"

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        """The token endpoint: (status, JSON body)."""
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            pair = base64.b64decode(authorization[6:]).decode()
            given_id, _, given_secret = pair.partition(":")
            client_id = urllib.parse.unquote(given_id)
            client_secret = urllib.parse.unquote(given_secret)
        if client_id != self.client_id or not secrets.compare_digest(
            client_secret, self.client_secret
        ):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self.codes.pop(form.get("code", ""), None)  # a code is used once
        if grant is None or time.time() - grant["issued"] > CODE_LIFETIME_SECONDS:
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = form.get("code_verifier", "")
        if _b64url(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "code_verifier"}
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": hashlib.sha256(grant["email"].lower().encode()).hexdigest()[:24],
            "aud": self.client_id,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            "nonce": grant["nonce"],
            "email": grant["email"],
            "email_verified": grant["email_verified"],
            "amr": grant["amr"],
            **self.claims_override,
        }
        claims = {name: value for name, value in claims.items() if value is not None}
        key = _rsa_key() if self.sign_with_foreign_key else self.key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        self.tokens_issued += 1
        return 200, {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "id_token": id_token,
        }

    def page(self, params: dict[str, str]) -> str:
        """The authorisation page: type the email address to sign in as."""
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
            for name, value in params.items()
        )
        return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Fake identity provider</title></head>
<body><main>
<h1>Fake identity provider</h1>
<p>For tests and the demo only. Sign in as anyone: the service decides whether the address has
an account.</p>
<form method="post" action="/authorize">{hidden}
<p><label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" required></p>
<p><input id="email_verified" name="email_verified" type="checkbox" value="1" checked>
<label for="email_verified">The provider has verified this address</label></p>
<p><input id="multi_factor" name="multi_factor" type="checkbox" value="1">
<label for="multi_factor">Signed in with a second factor here</label></p>
<p><button type="submit">Sign in</button></p>
</form></main></body></html>"""


def _handler_for(provider: FakeIdentityProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _send(self, status: int, body: str, content_type: str, **headers: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(data)

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            self._send(status, json.dumps(payload), "application/json")

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            return dict(urllib.parse.parse_qsl(body, keep_blank_values=True))

        def do_GET(self) -> None:
            url = urllib.parse.urlparse(self.path)
            if url.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, provider.jwks())
            elif url.path == "/authorize":
                params = dict(urllib.parse.parse_qsl(url.query))
                self._send(200, provider.page(params), "text/html; charset=utf-8")
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            url = urllib.parse.urlparse(self.path)
            form = self._form()
            if url.path == "/token":
                status, payload = provider.token(form, self.headers.get("Authorization", ""))
                self._json(status, payload)
            elif url.path == "/authorize":
                email = form.pop("email", "")
                verified = form.pop("email_verified", "") == "1"
                multi_factor = form.pop("multi_factor", "") == "1"
                try:
                    target = provider.authorise(
                        form, email=email, email_verified=verified, multi_factor=multi_factor
                    )
                except (KeyError, ValueError) as error:
                    self._send(400, f"Refused: {html.escape(str(error))}", "text/plain")
                    return
                self._send(302, "", "text/plain", Location=target)
            else:
                self._json(404, {"error": "not_found"})

    return Handler
