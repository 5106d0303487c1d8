"""A counting HTTP proxy in front of the tests' S3 server (moto): what the server receives.

The reader is pointed at the proxy (its ``endpoint_url``), the fixtures are written to
moto directly. Every request is recorded (method, path, query, Range header) as the
server receives it, whatever the client library does inside, and how many were in
flight at once. ``hold_gets``: the first object GETs wait (up to ``timeout``) until
that many are in flight together, so that a reader issuing them one after another is
seen as such (it waits out the timeout, and ``max_in_flight`` stays 1) while one that
issues them together passes at once.
"""

from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # bucket and key, no query
    query: dict[str, list[str]]
    range: str | None

    @property
    def is_list(self) -> bool:
        return self.method == "GET" and "list-type" in self.query

    @property
    def is_object_get(self) -> bool:
        return self.method == "GET" and not self.query and self.path.count("/") >= 2


class CountingProxy:
    def __init__(self, upstream: str, hold_gets: int = 0, timeout: float = 10.0) -> None:
        up = urlsplit(upstream)
        self._up = (up.hostname or "127.0.0.1", up.port or 80)
        self.requests: list[Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._gets_seen = 0
        self._together = threading.Condition(self._lock)
        self.hold_gets = hold_gets
        self.timeout = timeout
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _forward(self) -> None:
                proxy._handle(self)

            do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> CountingProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        et: type[BaseException] | None,
        ev: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = self.in_flight

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        req = Request(h.command, parts.path, parse_qs(parts.query), h.headers.get("Range"))
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        with self._lock:
            self.requests.append(req)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if req.is_object_get and self._gets_seen < self.hold_gets:
                self._gets_seen += 1
                self._together.notify_all()
                self._together.wait_for(
                    lambda: self.in_flight >= self.hold_gets, timeout=self.timeout
                )
        try:
            conn = http.client.HTTPConnection(*self._up, timeout=60)
            headers = {k: v for k, v in h.headers.items() if k.lower() not in HOP}
            conn.request(h.command, h.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            h.send_response(resp.status, resp.reason)
            head = h.command == "HEAD"  # its Content-Length is the object's: kept
            for k, v in resp.getheaders():
                if k.lower() not in HOP and (head or k.lower() != "content-length"):
                    h.send_header(k, v)
            if not head:
                h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            if not head:
                h.wfile.write(data)
            conn.close()
        finally:
            with self._lock:
                self.in_flight -= 1
