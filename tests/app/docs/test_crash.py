"""kill -9 in the middle of an ingestion, then reopen: no half-indexed document looks complete."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from app.docs.embeddings import Embedder
from app.docs.index import DocIndex
from tests.app.docs.conftest import run_ingest
from tests.support import pdfs

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import sys
from app.docs.index import DocIndex
from app.docs.ingest import ingest
for _ in ingest(sys.argv[1:], index=DocIndex()):
    pass
"""


def _statuses(db: Path) -> dict[str, str]:
    try:
        with sqlite3.connect(db, timeout=5) as con:
            return {Path(p).name: s for p, s in con.execute("SELECT path, status FROM documents")}
    except sqlite3.OperationalError:
        return {}


def test_sigkill_mid_ingestion_then_recover(tmp_path: Path, hearth_home: Path, embedder: Embedder) -> None:
    files = [pdfs.fact_pdf(tmp_path / f"doc{i}.pdf", pages=8, facts=(), seed=i) for i in range(6)]
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, *map(str, files)], cwd=ROOT, env=os.environ.copy())
    db = hearth_home / "index" / "manifest.sqlite3"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:  # wait until one document is complete and another is not
            st = _statuses(db)
            if "complete" in st.values() and "indexing" in st.values():
                break
            assert proc.poll() is None, "ingestion finished before it could be killed"
            time.sleep(0.02)
        else:
            raise AssertionError("ingestion never got going")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    before = _statuses(db)
    assert "indexing" in before.values()

    index = DocIndex()  # reopening purges the abandoned document and its vectors
    docs = index.documents("default")
    assert all(d.status == "complete" for d in docs)
    assert index.collection("default").count() == sum(d.chunks for d in docs)
    done = {Path(d.path).name for d in docs}
    assert done == {n for n, s in before.items() if s == "complete"}

    results, _ = run_ingest(files, index=index, embedder=embedder)  # resume: the rest gets indexed
    assert {Path(r.path).name: r.status for r in results if Path(r.path).name in done} == dict.fromkeys(
        done, "unchanged"
    )
    assert all(r.status in ("indexed", "unchanged") for r in results)
    docs = index.documents("default")
    assert len(docs) == 6 and index.collection("default").count() == sum(d.chunks for d in docs)
