"""A StreamingResponse that closes its source generator however the response ends.

Starlette iterates a sync generator in worker threads and, when the client goes away
mid-stream, simply stops: the generator stays suspended until the garbage collector happens
to reach it, which on an idle server can be never. Anything its `finally` blocks do (the
LLM stream's trace row, releasing the provider's HTTP response) then never happens. Closing
it here, once the response is over, makes that deterministic.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

logger = logging.getLogger("aipm.server")


class ClosingStreamingResponse(StreamingResponse):
    """`StreamingResponse` over a sync generator, which is closed when the response ends."""

    def __init__(self, content: Generator[str | bytes, None, None], **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self._source = content

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await run_in_threadpool(self._close_source)

    def _close_source(self) -> None:
        try:
            self._source.close()
        except ValueError:  # still running in a worker thread: it ends when that step does
            logger.warning("A dropped stream was still producing; it is closed when it yields.")


__all__ = ["ClosingStreamingResponse"]
