"""The FastAPI app: `/health`, `/docs`, platform routes under `/v1`, and each product's router.

Every error leaves as `{"error": {"code", "message"}}` (kit errors, HTTP errors, validation
errors, body-size limits), so a client needs one error parser. Settings are read once in
`create_app` and reach routes through the `get_settings` dependency, which tests override.
Run it with `aipm serve`, or `uvicorn products.server:app`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request

from products import PRODUCTS, ProductSpec, available_products, kit_version, load_object
from products.doctor import run_doctor
from products.ops import build_ops_report
from products.server_errors import UploadLimitMiddleware, install_error_handlers, unauthorized
from products.server_guard import LocalOriginGuard, reject_lone_surrogates
from shared.config import Settings, load_settings


def get_settings(request: Request) -> Settings:
    """The settings `create_app` was built with; override this dependency in tests."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def require_token(request: Request, settings: SettingsDep) -> None:
    """With AIPM_API_TOKEN set, every /v1 route needs `Authorization: Bearer <token>`."""
    expected = settings.api_token.get_secret_value() if settings.api_token else ""
    if not expected:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        given.strip().encode(), expected.encode()
    ):
        raise unauthorized()


platform_router = APIRouter(tags=["platform"])


@platform_router.get("/doctor")
def doctor(settings: SettingsDep) -> dict[str, Any]:
    """The same report as `aipm doctor --json` (it makes a real one-token LLM call)."""
    return run_doctor(settings).model_dump(mode="json")


@platform_router.get("/ops")
def ops(
    settings: SettingsDep, recent: Annotated[int, Query(ge=0, le=10_000)] = 20
) -> dict[str, Any]:
    """The same report as `aipm ops --json`: calls, tokens, cost and latency."""
    return build_ops_report(settings, recent=recent).model_dump(mode="json")


@platform_router.get("/products")
def list_products() -> dict[str, Any]:
    """Every product in the registry and whether it is built yet."""
    return {"products": [
        {"name": p.name, "title": p.title, "pitch": p.pitch, "available": p.available,
         "status": p.status, "path": f"/v1/{p.name}/" if p.available else None}
        for p in PRODUCTS
    ]}


def health(settings: SettingsDep) -> dict[str, str | None]:
    """Liveness plus what the server runs on; open even when an API token is set."""
    return {"status": "ok", "engine": settings.engine, "provider": settings.resolved_provider,
            "model": settings.model_id, "version": kit_version()}


def create_app(
    settings: Settings | None = None, products: Iterable[ProductSpec] | None = None,
    allowed_hosts: Iterable[str] = (),
) -> FastAPI:
    """Build the app; `products` defaults to every available product in the registry.

    `allowed_hosts`: host names (besides localhost and IP addresses) the API answers to when
    no AIPM_API_TOKEN is set; `aipm serve --host NAME` passes NAME (see `server_guard`)."""
    settings = settings or load_settings()
    app = FastAPI(title="AI PM Starter Kit API", version=kit_version(),
                  description="The three demo products and the platform under them.")
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(UploadLimitMiddleware, max_mb=settings.max_upload_mb)
    if settings.api_token is None:
        app.add_middleware(LocalOriginGuard, allowed_hosts=allowed_hosts)
    app.add_api_route("/health", health, methods=["GET"], tags=["platform"])
    auth = [Depends(require_token), Depends(reject_lone_surrogates)]
    app.include_router(platform_router, prefix="/v1", dependencies=auth)
    for spec in available_products() if products is None else products:
        app.include_router(load_object(spec.router), prefix=f"/v1/{spec.cli_name}",
                           dependencies=auth, tags=[spec.name])
    return app


def __getattr__(name: str) -> FastAPI:
    """`products.server:app` for uvicorn, built on first access so importing stays cheap."""
    if name == "app":
        globals()["app"] = create_app()
        return globals()["app"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["SettingsDep", "create_app", "get_settings", "require_token"]
