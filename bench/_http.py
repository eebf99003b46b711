"""A small HTTP client for the service benches and the CI smoke test (stdlib only).

It speaks to gunicorn on loopback as the reverse proxy would: ``X-Forwarded-Proto:
https`` (production settings redirect plain HTTP), cookies kept by hand (the session and
CSRF cookies are ``Secure``), the CSRF token sent back as a header.
"""

from __future__ import annotations

import http.client
import json
import time
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit


class Client:
    def __init__(self, base: str, *, bearer: str | None = None, timeout: float = 60) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.origin = f"https://{self.host}:{self.port}"
        self.timeout = timeout
        self.bearer = bearer
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        h = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept": "application/json, text/html",
        }
        if self.bearer:
            h["Authorization"] = f"Bearer {self.bearer}"
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method not in ("GET", "HEAD") and "csrftoken" in self.cookies:
            h["X-CSRFToken"] = self.cookies["csrftoken"]
            h["Referer"] = f"{self.origin}{path}"
        if json_body is not None:
            body = json.dumps(json_body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=h)
                resp = conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
        for raw in resp.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(raw)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if resp.will_close:
            self.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def sign_in(self, email: str, password: str) -> None:
        status, _, _ = self.request("GET", "/accounts/login/")
        if status != 200 or "csrftoken" not in self.cookies:
            raise RuntimeError(f"sign-in page: HTTP {status}, no CSRF cookie")
        form = urlencode({"username": email, "password": password}).encode()
        status, _headers, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in refused for {email}: HTTP {status}")


def wait_ready(base: str, *, seconds: float = 120) -> dict[str, Any]:
    """Poll ``/readyz`` until it says ready; raise with its last answer otherwise."""
    deadline = time.monotonic() + seconds
    last: Any = None
    while time.monotonic() < deadline:
        try:
            status, _, body = Client(base, timeout=10).request("GET", "/readyz")
            last = json.loads(body or b"{}")
            if status == 200:
                return dict(last)
        except (OSError, ValueError) as exc:
            last = str(exc)
        time.sleep(1)
    raise RuntimeError(f"/readyz not ready after {seconds:.0f} s: {last}")
