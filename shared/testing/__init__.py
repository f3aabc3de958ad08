"""Test support: a fake provider server the real SDKs talk to over loopback.

Names load lazily so `python -m shared.testing.fake_provider` runs its module once (an
eager import here would make runpy warn and load it twice).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["FAULT_KINDS", "FakeProvider", "default_responder", "echo_context", "lying"]

_HOMES = {"FAULT_KINDS": "fake_provider", "FakeProvider": "fake_provider",
          "default_responder": "responders", "echo_context": "responders", "lying": "responders"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'shared.testing' has no attribute {name!r}")
    return getattr(importlib.import_module(f"shared.testing.{_HOMES[name]}"), name)
