"""The test network guard: any connection (or name lookup) outside loopback is refused and recorded.

Installed in the test process by ``tests/conftest.py`` and in every Python subprocess a test starts
(``tests/support/netguard_site/sitecustomize.py``, put on ``PYTHONPATH``), so the CLI, the PDF
worker and servers are held to it too. A refused attempt raises ``ConnectionRefusedError`` where it
happens (code sees a network failure) and is appended to the file named by ``HEARTH_NET_GUARD_LOG``;
the fixture fails the test that made it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

LOG_ENV = "HEARTH_NET_GUARD_LOG"
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "", None}


def _loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host in _LOCAL_NAMES or host == socket.gethostname():
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    log = os.environ.get(LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"pid {os.getpid()}: {what}\n")
    raise ConnectionRefusedError(f"the test network guard refused {what} (tests stay on loopback)")


def install() -> None:
    """Patch ``socket`` so that only loopback connections and names go through (once per process)."""
    if getattr(socket, "_hearth_guard", False):
        return
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            _refuse(f"a connection to {address}")

    def guarded_connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return connect_ex(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _loopback(host):
            _refuse(f"a name lookup of {host!r}")
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = guarded_getaddrinfo
    socket._hearth_guard = True  # type: ignore[attr-defined]
