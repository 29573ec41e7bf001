"""A real Chroma server (``chroma run``, from the chromadb package) on a free loopback port."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.openai_server import free_port, stop


@contextmanager
def chroma_run(folder: Path) -> Iterator[str]:
    """The server's URL until the block ends; its data lives in ``folder``."""
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert exe, "the chroma CLI comes with the chromadb package"
    port = free_port()
    log_path = folder / "chroma.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(folder / "chroma-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(os.environ, ANONYMIZED_TELEMETRY="False"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                assert proc.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "chroma server did not start"
                time.sleep(0.2)
        yield url
    finally:
        stop(proc)
        log.close()
