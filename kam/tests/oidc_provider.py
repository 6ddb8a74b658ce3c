"""A tiny but real OpenID Connect provider for tests: discovery, JWKS, authorize, token.

It runs in a thread on 127.0.0.1, signs id_tokens with an RSA key made at start,
checks the client's secret, redirect URI and PKCE verifier, and can be told to
misbehave (another nonce, a foreign key, another audience, an expired token...).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "kam-test"
CLIENT_SECRET = "kam-test-secret"


class LocalProvider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.codes: dict[str, dict[str, Any]] = {}
        # What the next id_token says about the user, and how the provider misbehaves.
        self.claims: dict[str, Any] = {}
        self.tamper: dict[str, Any] = {}
        self.token_requests: list[dict[str, str]] = []
        self.authorize_requests: list[dict[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LocalProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

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
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def id_token(self, *, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": "user-123",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "email": "new.person@example.com",
            "email_verified": True,
            "given_name": "New",
            "family_name": "Person",
        }
        claims.update(self.claims)
        if "nonce" in self.tamper:
            claims["nonce"] = self.tamper["nonce"]
        if "aud" in self.tamper:
            claims["aud"] = self.tamper["aud"]
        if "iss" in self.tamper:
            claims["iss"] = self.tamper["iss"]
        if self.tamper.get("expired"):
            claims["iat"], claims["exp"] = now - 3600, now - 600
        key = self.foreign_key if self.tamper.get("foreign_key") else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    return self._json(200, provider.discovery())
                if url.path == "/jwks":
                    return self._json(200, provider.jwks())
                if url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    provider.authorize_requests.append(query)
                    if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                        return self._json(400, {"error": "invalid_request"})
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query
                    self.send_response(302)
                    location = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                    self.send_header("Location", location)
                    self.end_headers()
                    return None
                return self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                if urlparse(self.path).path != "/token":
                    return self._json(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                provider.token_requests.append(form)
                started = provider.codes.pop(form.get("code", ""), None)  # a code works once
                if started is None or form.get("grant_type") != "authorization_code":
                    return self._json(400, {"error": "invalid_grant"})
                if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                    return self._json(401, {"error": "invalid_client"})
                if form.get("redirect_uri") != started["redirect_uri"]:
                    return self._json(400, {"error": "invalid_grant"})
                verifier = form.get("code_verifier", "")
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if started.get("code_challenge_method") != "S256" or digest != started.get("code_challenge"):
                    return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                token = provider.id_token(nonce=started.get("nonce", ""))
                return self._json(200, {"access_token": "at", "token_type": "Bearer", "id_token": token})

        return Handler
