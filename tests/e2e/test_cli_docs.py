"""``hearth docs ...`` end to end in subprocesses: add (with bad files), list, search, remove, and the
same against a real ``chroma run`` server on loopback (``--chroma-url``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import pdfs
from tests.support.chroma_server import chroma_run

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


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    with chroma_run(tmp_path) as url:
        yield url


def test_against_chroma_server(folder: Path, chroma_server: str, hearth_home: Path) -> None:
    out = json.loads(
        hearth("docs", "add", str(folder / "facts.pdf"), "--chroma-url", chroma_server, "--json").stdout
    )
    assert out[0]["status"] == "indexed"
    fact = pdfs.FACTS[4]
    hits = json.loads(hearth("docs", "search", fact.question, "--chroma-url", chroma_server, "--json").stdout)
    assert hits[0]["page"] == fact.page
    assert not (hearth_home / "index" / "chroma").exists()  # vectors went to the server, not the local store


def test_migrate_to_a_chroma_server(folder: Path, chroma_server: str, hearth_home: Path) -> None:
    hearth("docs", "add", str(folder / "facts.pdf"), "--library", "team", "--json")
    questions = [f.question for f in pdfs.FACTS[:2]]

    def results(*where: str) -> list[object]:
        runs = [hearth("docs", "search", q, "--library", "team", *where, "--json") for q in questions]
        return [[(h["file"], h["page"], h["text"]) for h in json.loads(r.stdout)] for r in runs]

    local = results()
    out = json.loads(hearth("docs", "migrate", "team", "--to", chroma_server, "--json").stdout)
    assert out["to"] == chroma_server and out["documents"] == 1 and out["copied_chunks"] == out["chunks"] > 0
    assert results("--chroma-url", chroma_server) == local
