"""What a product's FastAPI router needs from the platform: the settings dependency.

The app (`frontdoors/server.py`) puts the settings it was built with on `app.state`; a
product route asks for them with `settings: SettingsDep`, so it never reads the environment
itself and a test can override `get_settings`. A product's own app (a fork's) does the same.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.config import Settings


def get_settings(request: Request) -> Settings:
    """The settings `create_app` was built with; override this dependency in tests."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]

__all__ = ["SettingsDep", "get_settings"]
