"""The API's edges: every error as `{"error": {"code", "message"}}`, and the upload size limit.

Kept apart from `server.py` so the routes read as routes.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import AIPMError, RateLimited, TooLarge

logger = logging.getLogger("aipm.server")

# Codes that match the kit's own error codes where one exists.
_CODE_BY_STATUS = {413: TooLarge.code, 422: "validation_error"}


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """The one error shape the API returns."""
    return {"error": {"code": code, "message": message}}


def code_for_status(status: int) -> str:
    """`404` -> `not_found`: a stable machine code from the HTTP status."""
    if status in _CODE_BY_STATUS:
        return _CODE_BY_STATUS[status]
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def unauthorized() -> HTTPException:
    """The 401 for a missing or wrong API token."""
    return HTTPException(
        status_code=401,
        detail="Missing or wrong API token. Send the header `Authorization: Bearer "
               "<AIPM_API_TOKEN>` (the token is set in the server's .env).",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def _kit_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, AIPMError)
    headers = {}
    if isinstance(err, RateLimited) and err.retry_after_s is not None:
        headers["Retry-After"] = str(max(1, round(err.retry_after_s)))
    return JSONResponse(error_body(err.code, err.message), err.http_status, headers=headers)


async def _http_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, HTTPException)
    body = error_body(code_for_status(err.status_code), _routing_message(request, err))
    return JSONResponse(body, err.status_code, headers=err.headers)


def _routing_message(request: Request, err: HTTPException) -> str:
    """Starlette's bare "Not Found" / "Method Not Allowed" rewritten to say what to do."""
    route = f"{request.method} {request.url.path}"
    if err.status_code == 404 and err.detail == "Not Found":
        return f"No route {route}. The routes are listed at /docs."
    if err.status_code == 405 and err.detail == "Method Not Allowed":
        allowed = (err.headers or {}).get("Allow", "another method")
        return f"{route} is not allowed: this route takes {allowed}. See /docs."
    return str(err.detail)


async def _validation_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(part) for part in issue.get('loc', ()))}: {issue.get('msg')}"
        for issue in err.errors()
    )
    return JSONResponse(error_body("validation_error", f"Invalid request: {problems}"), 422)


async def _os_error(request: Request, err: Exception) -> JSONResponse:
    """A full or read-only data dir is a one-line 507, not a 500 with a traceback in the log."""
    from shared.files import is_data_dir_problem, write_error

    assert isinstance(err, OSError)
    if not is_data_dir_problem(err):
        return await _unexpected_error(request, err)
    kit_error = write_error(err, request.app.state.settings.data_dir)
    logger.warning("%s %s: %s", request.method, request.url.path, kit_error.message)
    return JSONResponse(error_body(kit_error.code, kit_error.message), kit_error.http_status)


async def _unexpected_error(request: Request, err: Exception) -> JSONResponse:
    logger.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=err)
    body = error_body("internal_error", "Unexpected server error; the server log has the details.")
    return JSONResponse(body, 500)


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON error handlers (the 500 one still logs the traceback)."""
    app.add_exception_handler(AIPMError, _kit_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(OSError, _os_error)
    app.add_exception_handler(Exception, _unexpected_error)


def too_large(max_mb: float) -> TooLarge:
    """The kit error for a body over AIPM_MAX_UPLOAD_MB."""
    return TooLarge(f"The request body is over the {max_mb:g} MB upload limit. Send a smaller "
                    "file, or raise AIPM_MAX_UPLOAD_MB on the server.")


class UploadLimitMiddleware:
    """413 for bodies over the limit: by Content-Length up front, and by counting chunked bodies.

    A declared size is refused before the app runs. A body without Content-Length is counted
    as it is read; going over raises an HTTPException(413) that FastAPI passes through (it
    re-raises HTTPExceptions from body parsing) to the JSON handler above.
    """

    def __init__(self, app: ASGIApp, max_mb: float) -> None:
        self.app = app
        self.max_mb = max_mb
        self.max_bytes = int(max_mb * 1024 * 1024)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            err = too_large(self.max_mb)
            await JSONResponse(error_body(err.code, err.message), 413)(scope, receive, send)
            return
        await self.app(scope, self._counting(receive), send)

    def _counting(self, receive: Receive) -> Receive:
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b"")) if message["type"] == "http.request" else 0
            if received > self.max_bytes:
                raise HTTPException(413, detail=too_large(self.max_mb).message)
            return message

        return counted_receive


__all__ = [
    "UploadLimitMiddleware",
    "code_for_status",
    "error_body",
    "install_error_handlers",
    "too_large",
    "unauthorized",
]
