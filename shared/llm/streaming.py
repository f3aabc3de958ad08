"""Streams: iterate for text deltas, then read `.result` for tokens, cost and latency.

The trace row is written when the stream ends, however it ends: exhausted (ok), failed
(the error), or closed early by the caller (an error row saying so, since the usage of a
cut-off stream is unknown).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Self

from shared.errors import AIPMError
from shared.llm._recording import CallRecorder
from shared.llm.types import LLMResult, RawReply


class StreamClosed(AIPMError):
    """Recorded (never raised) when a caller stops reading a stream before its end."""

    code = "stream_closed"


class _StreamState:
    """What both stream kinds share: timing, the final result, and the one trace row."""

    def __init__(self, recorder: CallRecorder, operation: str) -> None:
        self._recorder = recorder
        self._operation = operation
        self._started = time.perf_counter()
        self._result: LLMResult | None = None
        self._done = False

    @property
    def result(self) -> LLMResult:
        """The final LLMResult; available once the stream has been read to the end."""
        if self._result is None:
            raise RuntimeError("Read the stream to the end before asking for .result.")
        return self._result

    def _finish(self, raw: RawReply) -> None:
        self._result = self._recorder.result(raw, self._started)
        self._done = True
        self._recorder.ok(self._operation, self._result)

    def _fail(self, err: AIPMError) -> None:
        if not self._done:
            self._done = True
            self._recorder.error(self._operation, self._started, err)

    def _abandon(self) -> None:
        self._fail(StreamClosed("The caller stopped reading the stream before its end."))


class LLMStream(_StreamState):
    """A synchronous stream of text deltas (`for delta in llm.stream(...)`)."""

    def __init__(self, recorder: CallRecorder, operation: str,
                 chunks: Iterator[str | RawReply]) -> None:
        super().__init__(recorder, operation)
        self._chunks = chunks

    def __iter__(self) -> Iterator[str]:
        try:
            for chunk in self._chunks:
                if isinstance(chunk, RawReply):
                    self._finish(chunk)
                else:
                    yield chunk
        except AIPMError as err:
            self._fail(err)
            raise
        finally:
            self.close()  # no-op unless the caller broke out early

    def text(self) -> str:
        """Read the whole stream and return the joined text."""
        return "".join(self)

    def close(self) -> None:
        """Stop reading: releases the HTTP response and records the call (even when releasing
        the response fails: the call reached the provider, so it is traced)."""
        close = getattr(self._chunks, "close", None)
        try:
            if close is not None:
                close()
        finally:
            self._abandon()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class AsyncLLMStream(_StreamState):
    """The async twin (`async for delta in llm.astream(...)`)."""

    def __init__(self, recorder: CallRecorder, operation: str,
                 chunks: AsyncIterator[str | RawReply]) -> None:
        super().__init__(recorder, operation)
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[str]:
        try:
            async for chunk in self._chunks:
                if isinstance(chunk, RawReply):
                    self._finish(chunk)
                else:
                    yield chunk
        except AIPMError as err:
            self._fail(err)
            raise
        finally:
            await self.aclose()

    async def text(self) -> str:
        """Read the whole stream and return the joined text."""
        return "".join([delta async for delta in self])

    async def aclose(self) -> None:
        """Stop reading: releases the HTTP response and records the call, as `close` does."""
        aclose = getattr(self._chunks, "aclose", None)
        try:
            if aclose is not None:
                await aclose()
        finally:
            self._abandon()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, err: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()


__all__ = ["AsyncLLMStream", "LLMStream", "StreamClosed"]
