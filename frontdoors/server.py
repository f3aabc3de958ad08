"""The FastAPI app: `/health`, `/docs`, platform routes under `/v1`, and each product's router.

Every error leaves as `{"error": {"code", "message"}}` (kit errors, HTTP errors, validation
errors, body-size limits), so a client needs one error parser. Settings are read once in
`create_app` and reach routes through the `get_settings` dependency, which tests override.
Run it with `aipm serve`, or `uvicorn frontdoors.server:app`.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field

from frontdoors.doctor import run_doctor
from frontdoors.server_errors import UploadLimitMiddleware, install_error_handlers, unauthorized
from frontdoors.server_guard import LocalOriginGuard, reject_lone_surrogates
from products import PRODUCTS, ProductSpec, available_products, kit_version, load_object
from shared.api_support import SettingsDep, get_settings
from shared.config import Settings, load_settings
from shared.errors import AIPMError
from shared.ops import build_ops_report
from shared.ratings import (
    MAX_COMMENT_CHARS,
    Rating,
    Thumbs,
    rate_answer,
    rating_summary,
    recent_ratings,
)


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
    settings: SettingsDep, recent: Annotated[int, Query(ge=0, le=10_000)] = 20,
    include_stress: bool = False,
) -> dict[str, Any]:
    """The same report as `aipm ops --json`: calls, tokens, cost and latency."""
    return build_ops_report(settings, recent=recent,
                            include_stress=include_stress).model_dump(mode="json")


class RatingIn(BaseModel):
    """A thumbs up or down on one traced answer; `trace_id` comes back with the answer."""

    trace_id: str = Field(min_length=1, max_length=64)
    rating: Thumbs
    comment: str | None = Field(None, max_length=MAX_COMMENT_CHARS)


@platform_router.post("/ratings", status_code=201)
def rate(body: RatingIn, settings: SettingsDep) -> Rating:
    """Rate an answer (👍/👎, optional comment). Not under /v1/feedback/: that is a product."""
    return rate_answer(settings.data_dir, body.trace_id, body.rating, body.comment)


@platform_router.get("/ratings")
def ratings(settings: SettingsDep) -> dict[str, Any]:
    """The 👍 rate per product and operation, and the newest ratings."""
    return {"ratings": [r.model_dump() for r in rating_summary(settings.data_dir)],
            "recent": [r.model_dump() for r in recent_ratings(settings.data_dir)]}


@platform_router.get("/products")
def list_products(request: Request) -> dict[str, Any]:
    """Every product in the registry, whether it is built yet, and where this app mounted it."""
    mounted = request.app.state.mounted_products
    return {"products": [
        {"name": p.name, "title": p.title, "pitch": p.pitch, "available": p.available,
         "status": p.status, "path": f"{p.api_path}/" if p.name in mounted else None}
        for p in PRODUCTS
    ]}


def product_index(spec: ProductSpec, router: APIRouter) -> Any:
    """`GET /v1/<cli name>/`: the product's own routes, so the advertised path answers."""
    routes = [{"methods": sorted(getattr(route, "methods", ()) or ()),
               "path": spec.api_path + getattr(route, "path", "")} for route in router.routes]

    def index() -> dict[str, Any]:
        return {"product": spec.name, "title": spec.title, "routes": routes}

    index.__doc__ = f"What {spec.title} offers under {spec.api_path}/."
    return index


def mount_product(app: FastAPI, spec: ProductSpec, auth: list[Any]) -> None:
    """The product's router under `spec.api_path`, plus its index at the path itself."""
    router = load_object(spec.router)
    app.include_router(router, prefix=spec.api_path, dependencies=auth, tags=[spec.name])
    app.add_api_route(f"{spec.api_path}/", product_index(spec, router), methods=["GET"],
                      dependencies=auth, tags=[spec.name], name=f"{spec.name}_index")
    app.state.mounted_products[spec.name] = spec


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
    # FastAPIOffline serves Swagger UI and ReDoc from files in its wheel, not a CDN, so /docs
    # works on a plane or behind a proxy.
    app = FastAPIOffline(title="AI PM Starter Kit API", version=kit_version(),
                         description="The three demo products and the platform under them.")
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(UploadLimitMiddleware, max_mb=settings.max_upload_mb)
    if settings.api_token is None:
        app.add_middleware(LocalOriginGuard, allowed_hosts=allowed_hosts)
    app.add_api_route("/health", health, methods=["GET"], tags=["platform"])
    auth = [Depends(require_token), Depends(reject_lone_surrogates)]
    app.include_router(platform_router, prefix="/v1", dependencies=auth)
    app.state.mounted_products = {}
    for spec in available_products() if products is None else products:
        mount_product(app, spec, auth)
    return app


def startup_settings() -> Settings:
    """Settings for a server started as `uvicorn frontdoors.server:app`: a bad setting or a
    read-only or full data dir is one line on stderr and exit 1 before uvicorn listens (`aipm
    serve` checks the same in the CLI)."""
    from shared.files import check_data_dir

    try:
        settings = load_settings()
        check_data_dir(settings.data_dir)
    except AIPMError as err:
        sys.stderr.write(f"Error: {err.message}\n")
        raise SystemExit(1) from None
    return settings


def __getattr__(name: str) -> FastAPI:
    """`frontdoors.server:app` for uvicorn, built on first access so importing stays cheap."""
    if name == "app":
        globals()["app"] = create_app(startup_settings())
        return globals()["app"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["SettingsDep", "create_app", "get_settings", "require_token"]
