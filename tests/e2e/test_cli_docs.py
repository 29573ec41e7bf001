"""``hearth docs ...`` end to end in subprocesses: add (with bad files), list, search, remove, and the
same against a real ``chroma run`` server on loopback (``--chroma-url``)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import pdfs

ROOT = Path(__file__).resolve().parents[2]


def hearth(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("pdfs")
    pdfs.fact_pdf(d / "facts.pdf")
    pdfs.bad_corpus(d / "bad")
    return d


def test_add_list_search_remove(folder: Path) -> None:
    out = json.loads(hearth("docs", "add", str(folder), "--library", "cli", "--json").stdout)
    by_name = {Path(r["path"]).name: r for r in out}
    assert by_name["facts.pdf"]["status"] == "indexed" and by_name["facts.pdf"]["pages"] == 10
    assert by_name["locked.pdf"]["status"] == "failed" and "password" in by_name["locked.pdf"]["error"]
    assert by_name["notes.pdf"]["status"] == "failed"
    assert set(out[0]) == {"path", "status", "pages", "chunks", "error", "ocr_pages"}
    assert by_name["scan.pdf"]["status"] == "indexed" and by_name["scan.pdf"]["ocr_pages"] == 1

    again = json.loads(hearth("docs", "add", str(folder / "facts.pdf"), "--library", "cli", "--json").stdout)
    assert again[0]["status"] == "unchanged"

    fact = pdfs.FACTS[2]
    hits = json.loads(
        hearth("docs", "search", fact.question, "--library", "cli", "--k", "3", "--json").stdout
    )
    assert len(hits) == 3 and set(hits[0]) == {"file", "page", "location", "text", "score"}
    assert hits[0]["location"] == f"page {fact.page}"
    assert (Path(hits[0]["file"]).name, hits[0]["page"]) == ("facts.pdf", fact.page)
    assert hits[0]["score"] >= hits[1]["score"]

    listing = hearth("docs", "list").stdout
    assert "cli (" in listing and "password protected" in listing

    hearth("docs", "remove", str(folder / "facts.pdf"), "--library", "cli")
    gone = hearth("docs", "remove", str(folder / "facts.pdf"), "--library", "cli", check=False)
    assert gone.returncode == 2 and gone.stderr.startswith("hearth: ")


def test_unknown_library_is_a_plain_error() -> None:
    proc = hearth("docs", "search", "anything", "--library", "nope", check=False)
    assert proc.returncode == 2
    assert "no library named 'nope'" in proc.stderr and "Traceback" not in proc.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert exe, "the chroma CLI comes with the chromadb package"
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(tmp_path / "chroma-data"), "--host", "127.0.0.1", "--port", str(port)],
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
                assert proc.poll() is None, (tmp_path / "chroma.log").read_text()
                assert time.monotonic() < deadline, "chroma server did not start"
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_against_chroma_server(folder: Path, chroma_server: str, hearth_home: Path) -> None:
    out = json.loads(
        hearth("docs", "add", str(folder / "facts.pdf"), "--chroma-url", chroma_server, "--json").stdout
    )
    assert out[0]["status"] == "indexed"
    fact = pdfs.FACTS[4]
    hits = json.loads(hearth("docs", "search", fact.question, "--chroma-url", chroma_server, "--json").stdout)
    assert hits[0]["page"] == fact.page
    assert not (hearth_home / "index" / "chroma").exists()  # vectors went to the server, not the local store
