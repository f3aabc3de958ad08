"""The HTTP layer under both SDKs: a reply body cut off mid-JSON is a transport failure.

A provider (or a proxy) that drops the connection after a `200 OK` leaves a JSON body that stops
half-way. Both SDKs parse the body only after their retry loop has finished, so the broken
JSON escaped as `json.JSONDecodeError` and was never retried, although it is the same kind of
failure as a 5xx. These transports read a JSON reply whole and check it parses; if it does not,
they raise `httpx2.RemoteProtocolError`, which the SDK's own retry loop retries with back-off
(and, once retries are spent, reports as a connection error whose cause is `TruncatedBody`).
One retry loop, the SDK's: the kit adds none. Streams (SSE) are not checked here: a stream cut
mid-event has already delivered text, so it fails as ProviderUnreachable instead.
"""

from __future__ import annotations

import json

import httpx2

# The SDKs' own pool limits (their DefaultHttpxClient applies them only to its default transport).
LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)


class TruncatedBody(httpx2.RemoteProtocolError):
    """A 2xx JSON reply whose body is not complete JSON."""


def _needs_check(response: httpx2.Response) -> bool:
    content_type = response.headers.get("content-type", "").split(";", 1)[0].strip()
    return response.is_success and content_type == "application/json"


def _check_whole(response: httpx2.Response, request: httpx2.Request) -> None:
    try:
        json.loads(response.content)
    except ValueError as err:
        raise TruncatedBody(f"the reply body broke off after {len(response.content)} bytes "
                            f"({err})", request=request) from err


class WholeJSONTransport(httpx2.HTTPTransport):
    """`httpx2.HTTPTransport` that refuses a 2xx JSON body that does not parse."""

    def __init__(self) -> None:
        super().__init__(limits=LIMITS)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = super().handle_request(request)
        if _needs_check(response):
            response.read()
            _check_whole(response, request)
        return response


class AsyncWholeJSONTransport(httpx2.AsyncHTTPTransport):
    """The async twin of `WholeJSONTransport`."""

    def __init__(self) -> None:
        super().__init__(limits=LIMITS)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await super().handle_async_request(request)
        if _needs_check(response):
            await response.aread()
            _check_whole(response, request)
        return response


def was_truncated(err: BaseException) -> bool:
    """True when an SDK connection error was a body cut off mid-JSON (every retry of it)."""
    return isinstance(err.__cause__, TruncatedBody)


__all__ = ["AsyncWholeJSONTransport", "TruncatedBody", "WholeJSONTransport", "was_truncated"]
