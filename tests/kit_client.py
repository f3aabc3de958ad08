"""A TestClient that calls the kit's API the way a local script does.

Without a token the API refuses a Host other than loopback (DNS rebinding) and a form or
multipart POST without the `X-AIPM-Client` header (cross-site writes). Starlette's TestClient
sends `Host: testserver` and no header, so every API test builds its client here instead.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

LOCAL_BASE_URL = "http://127.0.0.1"


def kit_client(app: Any, **kwargs: Any) -> TestClient:
    """`TestClient(app)` on 127.0.0.1 with the kit's client header (extra headers merge in)."""
    kwargs.setdefault("base_url", LOCAL_BASE_URL)
    headers = {"X-AIPM-Client": "tests", **kwargs.pop("headers", {})}
    return TestClient(app, headers=headers, **kwargs)
