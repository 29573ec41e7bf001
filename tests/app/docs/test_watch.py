"""Folder watching by polling: new, changed and deleted PDFs are picked up."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app.cancel import CancelToken
from app.docs import readers
from app.docs import watch as watch_module
from app.docs.embeddings import Embedder
from app.docs.index import DocIndex, Signature
from app.docs.watch import set_watched, watch, watched
from app.settings import DocsSettings
from tests.support import pdfs


def _once(folder: Path, index: DocIndex, embedder: Embedder) -> dict[str, str]:
    events = watch(folder, "watched", index=index, once=True, embedder=embedder)
    return {Path(e.result.path).name: e.result.status for e in events if e.result is not None}


def test_watch_once_tracks_changes(tmp_path: Path, index: DocIndex, embedder: Embedder) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    pdfs.fact_pdf(folder / "a.pdf", pages=2, facts=())
    assert _once(folder, index, embedder) == {"a.pdf": "indexed"}
    pdfs.fact_pdf(folder / "b.pdf", pages=2, facts=(), seed=5)
    (folder / "a.pdf").unlink()
    # a fresh watcher: knows nothing in memory, finds a.pdf gone from the index and b.pdf new
    assert _once(folder, index, embedder) == {"a.pdf": "removed", "b.pdf": "indexed"}
    assert [Path(d.path).name for d in index.documents("watched")] == ["b.pdf"]


def test_watch_keeps_sibling_folders_and_waits_for_a_missing_folder(
    tmp_path: Path, index: DocIndex, embedder: Embedder
) -> None:
    folder, sibling = tmp_path / "docs", tmp_path / "docs-old"
    for f in (folder, sibling):
        f.mkdir()
        pdfs.fact_pdf(f / "a.pdf", pages=1, facts=())
    assert _once(sibling, index, embedder) == {"a.pdf": "indexed"}
    assert _once(folder, index, embedder) == {"a.pdf": "indexed"}  # docs-old/a.pdf is not "gone"
    (folder / "a.pdf").rename(tmp_path / "elsewhere.pdf")
    folder.rmdir()  # like an unmounted drive
    assert _once(folder, index, embedder) == {}
    assert len(index.documents("watched")) == 2


def test_watch_loop_waits_for_stable_files_and_cancels(
    tmp_path: Path, index: DocIndex, embedder: Embedder
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    whole = pdfs.fact_pdf(tmp_path / "whole.pdf", pages=2, facts=()).read_bytes()
    target = folder / "a.pdf"
    cancel = CancelToken()
    copied = threading.Event()
    seen: list[str] = []

    def copy_slowly() -> None:  # like a large download: the file grows for a while, half-written
        for n in range(1, 16):
            target.write_bytes(whole[: len(whole) * n // 20])
            time.sleep(0.1)
        target.write_bytes(whole)
        copied.set()

    def run() -> None:
        for e in watch(folder, "watched", index=index, interval=0.3, cancel=cancel, embedder=embedder):
            if e.result is not None:
                seen.append(f"{Path(e.result.path).name}:{e.result.status}")
                if copied.is_set():
                    cancel.cancel()

    target.write_bytes(whole[:100])
    writer = threading.Thread(target=copy_slowly)
    watcher = threading.Thread(target=run)
    writer.start()
    watcher.start()
    writer.join(60)
    watcher.join(120)
    assert not watcher.is_alive()
    assert seen == ["a.pdf:indexed"]  # a half-written file was never read (it would have failed)


def test_a_running_watch_follows_the_settings_interval(
    tmp_path: Path, index: DocIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    scans: list[float] = []
    scan = watch_module.scan

    def counting(root: Path) -> dict[str, Signature]:
        scans.append(time.monotonic())
        return scan(root)

    monkeypatch.setattr(watch_module, "scan", counting)
    settings = DocsSettings(watch_interval_s=0.05)
    cancel = CancelToken()
    watcher = threading.Thread(
        target=lambda: list(watch(tmp_path, "watched", index=index, settings=settings, cancel=cancel))
    )
    watcher.start()
    try:
        deadline = time.monotonic() + 30
        while len(scans) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(scans) >= 3  # every 0.05 s
        settings.watch_interval_s = 3600.0  # Settings → Documents, while it runs
        time.sleep(1.0)  # the wait under way ends, the next one is an hour
        seen = len(scans)
        time.sleep(0.5)
        assert len(scans) == seen
    finally:
        cancel.cancel()
        watcher.join(10)
    assert not watcher.is_alive()


def test_a_watch_start_costs_a_stat_per_unchanged_file(
    tmp_path: Path, index: DocIndex, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for i in range(3):
        pdfs.fact_pdf(folder / f"{i}.pdf", pages=1, facts=(), seed=i)
    (folder / "bad.pdf").write_text("not a PDF")
    first = _once(folder, index, embedder)
    assert first.pop("bad.pdf") == "failed" and set(first.values()) == {"indexed"}

    def no_hash(path: Path) -> str:
        raise AssertionError(f"{path} was hashed")

    monkeypatch.setattr(readers, "sha256_file", no_hash)
    assert _once(folder, index, embedder) == {}  # nothing read, hashed nor embedded, not even the bad file
    (folder / "0.pdf").touch()  # touched, not changed: hashed once, still unchanged
    monkeypatch.undo()
    assert _once(folder, index, embedder) == {"0.pdf": "unchanged"}


def test_watched_folders_persist_and_survive_a_corrupt_file(
    hearth_home: Path, tmp_path: Path, notices: list[str]
) -> None:
    assert watched() == {}
    set_watched(tmp_path / "a", "papers")
    set_watched(tmp_path / "b", "default")
    set_watched(tmp_path / "b", None)
    assert watched() == {str((tmp_path / "a").resolve()): "papers"}
    listing = hearth_home / "index" / "watched.json"
    listing.write_text("{not json", encoding="utf-8")
    assert watched() == {}
    (bad,) = listing.parent.glob("watched.json.bad-*")  # kept, never overwritten, reported once
    assert bad.read_text() == "{not json" and len(notices) == 1 and "watched folders" in notices[0]
    assert set_watched(tmp_path / "c", "notes") == {str((tmp_path / "c").resolve()): "notes"}
    assert bad.read_text() == "{not json" and len(notices) == 1
