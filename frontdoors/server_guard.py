"""What keeps the local API from being used by web pages the user happens to visit.

Without AIPM_API_TOKEN the API trusts whoever can reach it, and a browser can reach
127.0.0.1. Two browser tricks get through that: a page on any site can send a "simple"
cross-origin POST (form, multipart or text/plain body: no CORS preflight) and plant a
document; and DNS rebinding points the attacker's own host name at 127.0.0.1 so the page
can read responses. So, with no token set, `LocalOriginGuard` refuses:
- a Host header that is neither an IP address, `localhost`, nor the host `aipm serve` was
  started on (rebinding needs a DNS name; an IP-literal Host cannot be rebound), and
- a POST with a simple content type unless it carries `X-AIPM-Client` (a custom header
  makes the browser ask first, and the API grants no cross-origin permission).
With a token neither trick works (a page cannot send the Authorization header), so the
guard steps aside and proxies or public host names work as configured.

`reject_lone_surrogates` turns JSON text that is not valid Unicode ("\\ud800") into a 422 up
front, for every route, instead of a 500 when the reply is serialised.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from frontdoors.server_errors import error_body

CLIENT_HEADER = "X-AIPM-Client"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
SIMPLE_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data",
                                  "text/plain", ""})


def host_name(host_header: str) -> str:
    """`[::1]:8000` -> `::1`, `Example.com:80` -> `example.com`."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_problem(host_header: str, allowed: frozenset[str]) -> str | None:
    """Why this Host is refused (a DNS-rebinding guard), or None when it is fine."""
    name = host_name(host_header)
    if is_ip_literal(name) or name in allowed:
        return None
    return (f"Host '{host_header[:80]}' refused: with no AIPM_API_TOKEN the API answers only to "
            "localhost, IP addresses and the host it was started on. Use "
            "http://127.0.0.1:<port>, or set AIPM_API_TOKEN.")


def cross_site_problem(method: str, headers: Headers) -> str | None:
    """Why this request could be a cross-site form post, or None when a browser could not
    have sent it without the API's permission."""
    media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
    if method != "POST" or media_type not in SIMPLE_CONTENT_TYPES or CLIENT_HEADER in headers:
        return None
    return (f"A {media_type or 'body-less'} POST needs the header `{CLIENT_HEADER}: <your app>` "
            "when AIPM_API_TOKEN is not set, so web pages you visit cannot post to this API. "
            "Add the header, or set AIPM_API_TOKEN and send it as a Bearer token.")


class LocalOriginGuard:
    """403 for rebinding Host headers and header-less simple POSTs, when no token is set."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = LOOPBACK_NAMES | {host_name(host) for host in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        problem = (host_problem(headers.get("host", ""), self.allowed)
                   or cross_site_problem(scope["method"], headers))
        if problem is None:
            await self.app(scope, receive, send)
            return
        await JSONResponse(error_body("forbidden", problem), 403)(scope, receive, send)


async def reject_lone_surrogates(request: Request) -> None:
    """422 when a JSON body holds text that is not valid Unicode (a lone surrogate)."""
    if "json" not in request.headers.get("content-type", ""):
        return
    try:
        body = await request.json()
    except ValueError:
        return  # FastAPI answers malformed JSON itself
    if _has_lone_surrogate(body):
        raise RequestValidationError([{
            "loc": ("body",), "type": "unicode",
            "msg": "text must be valid Unicode; it holds a lone surrogate such as \\ud800"}])


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


__all__ = ["CLIENT_HEADER", "LocalOriginGuard", "host_problem", "reject_lone_surrogates"]
