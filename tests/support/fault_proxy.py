"""A small HTTP proxy on 127.0.0.1 that breaks a real server's answers on demand.

As a reverse proxy (clients use its ``url`` as the server's address) it forwards every request to the
upstream server and passes the answer on, streamed answers as they come (chunked), until told to
fail: answer with an HTTP status instead, drop the connection after N server-sent events, stop
sending after N events (stall), or send a malformed event after N. As a forward proxy (clients use
it through ``HTTPS_PROXY``/``HTTP_PROXY``) it tunnels ``CONNECT`` to loopback ports and forwards
absolute-URI requests, recording each, so tests can tell whether a client went through it.
"""

from __future__ import annotations

import http.client
import select
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
       "proxy-authorization", "content-length"}  # fmt: skip


@dataclass
class Fault:
    kind: str = "pass"  # pass | status | drop | stall | garbage
    status: int = 500
    body: str = '{"error": {"message": "injected fault", "type": "server_error"}}'
    after: int = 0  # events passed on before drop/stall/garbage (stall with -1: before the headers)
    path: str = "/chat/completions"  # only requests whose path ends like this are broken


@dataclass
class Seen:
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path or CONNECT target)
    authorization: list[str | None] = field(default_factory=list)


class FaultProxy:
    def __init__(self, upstream: str = "") -> None:
        self.upstream = urlsplit(upstream) if upstream else None
        self.fault = Fault()
        self.seen = Seen()
        self.release = threading.Event()  # ends a stall
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


def _handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_CONNECT(self) -> None:  # a tunnel (HTTPS through the proxy), loopback only
            proxy.seen.requests.append(("CONNECT", self.path))
            host, _, port = self.path.rpartition(":")
            if host not in ("127.0.0.1", "localhost"):
                self.send_error(403)
                return
            upstream = socket.create_connection((host, int(port)))
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.flush()
            _pipe(self.connection, upstream)
            self.close_connection = True

        def do_GET(self) -> None:
            self._forward()

        def do_POST(self) -> None:
            self._forward()

        def do_HEAD(self) -> None:  # the Hub's file metadata (huggingface_hub asks with HEAD)
            self._forward()

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            proxy.seen.requests.append((self.command, self.path))
            proxy.seen.authorization.append(self.headers.get("Authorization"))
            if "://" in self.path:  # forward proxy: an absolute address
                target = urlsplit(self.path)
                path = (target.path or "/") + (f"?{target.query}" if target.query else "")
            else:
                assert proxy.upstream is not None, "a reverse proxy needs an upstream"
                target, path = proxy.upstream, self.path
            assert target.hostname in ("127.0.0.1", "localhost"), "loopback only"
            fault = proxy.fault
            broken = fault.kind != "pass" and urlsplit(path).path.endswith(fault.path)
            if broken and fault.kind == "status":
                self._answer(fault.status, fault.body.encode())
                return
            if broken and fault.kind == "stall" and fault.after < 0:  # silent before any answer
                proxy.release.wait(120)
                self.close_connection = True
                return
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=300)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            conn.request(self.command, path, body=body, headers=headers)
            response = conn.getresponse()
            if "text/event-stream" not in (response.getheader("Content-Type") or ""):
                data = response.read()
                conn.close()
                self._answer(response.status, data, response.getheaders())
                return
            self.send_response(response.status)
            for k, v in response.getheaders():
                if k.lower() not in HOP:
                    self.send_header(k, v)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            events = 0
            try:
                while line := response.readline():
                    if broken and events >= fault.after and line.startswith(b"data:"):
                        self._break(fault)
                        return
                    self._chunk(line)
                    if line.startswith(b"data:"):
                        events += 1
                self._chunk(b"")
            finally:
                conn.close()

        def _break(self, fault: Fault) -> None:
            if fault.kind == "garbage":
                self._chunk(b'data: {"choices": [{"delta": {"content": "x"\n\n')
                self._chunk(b"")
            elif fault.kind == "stall":
                proxy.release.wait(120)
            self.close_connection = True  # drop: the chunked body ends without its last chunk
            self.connection.shutdown(socket.SHUT_RDWR)

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        def _answer(self, status: int, data: bytes, headers: list[tuple[str, str]] | None = None) -> None:
            self.send_response(status)
            for k, v in headers or [("Content-Type", "application/json")]:
                if k.lower() not in HOP:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _pipe(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    try:
        while True:
            ready, _, _ = select.select([a, b], [], [], 300)
            if not ready:
                return
            for src in ready:
                data = src.recv(65536)
                if not data:
                    return
                (b if src is a else a).sendall(data)
    except OSError:
        return
    finally:
        b.close()
