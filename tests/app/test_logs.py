"""The shared log file: every thread and process (the document worker too) writes to it, rotating."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import logs, paths
from app.docs.extract import Extractor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def log_file() -> Iterator[Path]:
    hooks = sys.excepthook, threading.excepthook
    path = logs.setup("test")
    yield path
    logs.stop()
    sys.excepthook, threading.excepthook = hooks


def test_warnings_from_threads_and_the_document_worker_reach_the_file(log_file: Path, tmp_path: Path) -> None:
    assert log_file.parent == paths.logs_dir()

    def fail() -> None:
        try:
            raise ValueError("boom in a thread")
        except ValueError:
            logging.getLogger("app.somewhere").exception("it broke")

    t = threading.Thread(target=fail, name="helper")
    t.start()
    t.join()
    logging.getLogger("httpx").info("HTTP Request: GET ...")  # other libraries' chatter stays out
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with Extractor() as reader:
        assert reader.read(damaged).error
    text = log_file.read_text()
    assert "ERROR test[" in text and "helper app.somewhere: it broke" in text
    assert "ValueError: boom in a thread" in text  # the traceback
    assert "HTTP Request" not in text
    worker = [line for line in text.splitlines() if "extract-worker[" in line]
    assert worker and f"cannot read {damaged}" in worker[0]


# Both writers start at the same moment (argv[2], after both have started up) and pace their lines,
# so their writing overlaps: unpaced, one could finish its 300 lines (~25 KB, more than the six 4 KB
# files keep) before the other began, and its lines were rightly rotated away.
WRITER = r"""
import logging, sys, time
from app import logs
logs.MAX_BYTES = 4096
logs.setup(sys.argv[1])
while time.time() < float(sys.argv[2]):
    time.sleep(0.001)
for i in range(300):
    logging.getLogger("app.writer").warning("line %d of %s", i, sys.argv[1])
    time.sleep(0.001)
"""


def test_two_processes_share_one_rotating_file(log_file: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.time() + 3
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, name, str(start)], env=env, stderr=subprocess.DEVNULL)
        for name in ("one", "two")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    files = [log_file, *sorted(log_file.parent.glob("hearth.log.[0-9]"))]
    assert len(files) == 1 + logs.BACKUPS and all(f.stat().st_size <= 4096 for f in files)
    lines = [line for f in files for line in f.read_text().splitlines()]
    newest = {
        name: max(int(line.split()[-3]) for line in lines if line.endswith(name)) for name in ("one", "two")
    }
    assert newest == {"one": 299, "two": 299}
    # the kept files hold the most recent lines of both, none torn or lost in between
    for name in ("one", "two"):
        numbers = sorted(int(line.split()[-3]) for line in lines if line.endswith(f"of {name}"))
        assert numbers == list(range(numbers[0], 300))
