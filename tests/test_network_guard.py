"""The network guard every test runs under: nothing but loopback, here and in subprocesses."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import netguard


def test_outside_connections_and_lookups_are_refused_and_recorded() -> None:
    log = Path(os.environ[netguard.LOG_ENV])
    with pytest.raises(ConnectionRefusedError, match="network guard"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routable anyway
    with pytest.raises(ConnectionRefusedError, match=r"name lookup of 'huggingface\.co'"):
        socket.getaddrinfo("huggingface.co", 443)
    code = "import socket; socket.create_connection(('198.51.100.7', 443), timeout=1)"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert child.returncode != 0 and "network guard" in child.stderr
    lines = log.read_text().splitlines()
    assert len(lines) == 3 and f"pid {os.getpid()}" in lines[0] and "198.51.100.7" in lines[2]
    log.unlink()  # recorded as it should be: this test itself passes


def test_loopback_is_allowed() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    with server, socket.create_connection(server.getsockname(), timeout=5):
        pass
    assert socket.getaddrinfo("localhost", 80)
