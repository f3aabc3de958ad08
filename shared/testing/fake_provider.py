"""A local fake LLM provider speaking the OpenAI and Anthropic wire formats over loopback.

Tests and benchmarks point the real SDKs at it (`base_url`), so the kit's client is
exercised through real HTTP, real SSE parsing and real SDK retries, with no key and no
network. Faults (429, 500, hangs, malformed and truncated output, 401, 404) are injected
at a seeded rate or queued deterministically. A reply longer than the request's max_tokens
(about four characters a token) is cut there and flagged as the provider does: OpenAI
finish_reason "length", Anthropic stop_reason "max_tokens" (a forced tool keeps its tool_use
block with the complete part of its input). Run `python -m shared.testing.fake_provider
--help` for the command line.
"""

from __future__ import annotations

import argparse
import importlib
import ipaddress
import logging
import signal
import sys
import threading
from types import TracebackType
from typing import Any

from shared.testing._common import Responder
from shared.testing._faults import FAULT_KINDS, FaultPlan
from shared.testing._router import Router
from shared.testing._server import FakeHTTPServer
from shared.testing.responders import default_responder

__all__ = ["FAULT_KINDS", "FakeProvider", "main"]

log = logging.getLogger("shared.testing.fake_provider")


class FakeProvider:
    """A fake provider server on 127.0.0.1; use as a context manager or call start()/stop()."""

    def __init__(self, responder: Responder | None = None, latency_ms: float = 0,
                 error_rate: float = 0.0, hang_s: float = 3.0, seed: int = 0,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        require_loopback(host)
        self._faults = FaultPlan(error_rate, seed)
        self._stopping = threading.Event()
        self._router = Router(responder or default_responder, self._faults,
                              latency_ms=latency_ms, hang_s=hang_s, stopping=self._stopping)
        self._address = (host, port)
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeProvider:
        """Bind (port 0 = a free port) and serve from a daemon thread."""
        if self._server is None:
            self._stopping.clear()
            self._server = FakeHTTPServer(self._address, self._router)
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.05},
                                            name="fake-provider", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release any request parked in a hang or latency wait."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._server.drop_connections()
        self._server = None

    def __enter__(self) -> FakeProvider:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT` of the running server."""
        if self._server is None:
            raise RuntimeError("FakeProvider is not running; use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def openai_base_url(self) -> str:
        """What the OpenAI SDK (and `Settings.openai_base_url`) takes: the URL plus /v1."""
        return self.url + "/v1"

    @property
    def anthropic_base_url(self) -> str:
        """What the Anthropic SDK takes: the bare URL (it adds /v1/messages itself)."""
        return self.url

    @property
    def requests(self) -> list[dict[str, Any]]:
        """A copy of the requests received so far: {"provider", "path", "model", "body"}."""
        return self._router.recorded()

    def queue_faults(self, *kinds: str) -> None:
        """Make the next model calls fail with `kinds`, in order (see FAULT_KINDS)."""
        self._faults.queue(*kinds)

    @property
    def pending_faults(self) -> list[str]:
        """Queued faults not yet served, to assert a test consumed what it queued."""
        return self._faults.pending()


def require_loopback(host: str) -> None:
    """Refuse anything but loopback: a fake that answers any key must never face a network."""
    if host == "localhost" or _is_loopback_address(host):
        return
    raise ValueError(f"The fake provider only listens on loopback (127.0.0.1, ::1, localhost); "
                     f"refusing host {host!r}.")


def _is_loopback_address(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name other than localhost
        return False


def load_responder(spec: str) -> Responder:
    """`package.module:function` -> the function, with a message naming what is wrong."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"--responder must look like module:function, got {spec!r}")
    function = getattr(importlib.import_module(module_name), attr, None)
    if not callable(function):
        raise ValueError(f"{module_name} has no function {attr!r}")
    return function  # type: ignore[no-any-return]


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m shared.testing.fake_provider",
        description="Fake OpenAI + Anthropic server on loopback, for keyless tests and demos.")
    parser.add_argument("--port", type=int, default=0, help="port (0 = pick a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address only")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay per request")
    parser.add_argument("--error-rate", type=float, default=0.0,
                        help="share of model calls given a random fault (0..1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the fault dice")
    parser.add_argument("--hang-s", type=float, default=3.0, help="how long a 'hang' lasts")
    parser.add_argument("--responder", default=None, help="module:function answering calls")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run in the foreground until Ctrl-C (or SIGTERM); log one line with the URL to use."""
    args = _parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        responder = load_responder(args.responder) if args.responder else None
        fake = FakeProvider(responder, args.latency_ms, args.error_rate, args.hang_s,
                            args.seed, host=args.host, port=args.port)
        fake.start()
    except (ValueError, ImportError, OSError) as exc:
        log.error("fake provider: %s", exc)
        return 2
    try:  # the banner is inside: a Ctrl-C right after it must still stop cleanly
        log.info("fake provider listening on %s (OpenAI base_url %s)", fake.url,
                 fake.openai_base_url)
        threading.Event().wait()
    except KeyboardInterrupt:
        log.info("fake provider stopped")
    finally:
        fake.stop()
    return 0


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """`kill PID` (and subprocess.terminate) stop as cleanly as Ctrl-C does."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    raise SystemExit(main())
