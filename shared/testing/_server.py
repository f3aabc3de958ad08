"""The HTTP layer: a threaded stdlib server with HTTP/1.1 keep-alive and chunked SSE."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import urlsplit

from shared.testing._common import HttpReply
from shared.testing._router import Router

log = logging.getLogger("shared.testing.fake_provider")


class FakeHTTPServer(ThreadingHTTPServer):
    """One thread per connection, daemon threads, and no waiting on them at close.

    `block_on_close = False` matters: a request parked in a 'hang' fault must not make
    `stop()` wait for it.
    """

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256  # run_many opens dozens of connections at once

    def __init__(self, address: tuple[str, int], router: Router) -> None:
        self.router = router
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up (timeouts, closed pools) is normal here; anything else is logged."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            log.error("fake provider: error serving %s", client_address, exc_info=error)

    def drop_connections(self) -> None:
        """Close kept-alive sockets, so a stopped fake looks like a dead provider at once."""
        with self._open_lock:
            open_sockets, self._open = list(self._open), set()
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the SDKs' connection pools reuse sockets
    disable_nagle_algorithm = True
    timeout = 30  # an idle keep-alive connection is closed after this many seconds
    server_version = "fake-provider/1"

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        server = cast(FakeHTTPServer, self.server)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        host = headers.get("host") or "{}:{}".format(*server.server_address[:2])
        reply = server.router.handle(method, urlsplit(self.path).path, headers, raw,
                                     f"http://{host}")
        try:
            self._write(reply)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its timeout during a hang)

    def _write(self, reply: HttpReply) -> None:
        self.send_response(reply.status)
        self.send_header("content-type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.events is None:
            self.send_header("content-length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
            return
        self.send_header("transfer-encoding", "chunked")
        self.send_header("cache-control", "no-cache")
        self.end_headers()
        for frame in reply.events:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(frame), frame))
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request access log; the request list is the record."""
