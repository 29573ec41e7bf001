"""Folder watching by polling: new, changed and deleted PDFs are picked up."""

from __future__ import annotations

import threading
from pathlib import Path

from app.cancel import CancelToken
from app.docs.embeddings import Embedder
from app.docs.index import DocIndex
from app.docs.watch import set_watched, watch, watched
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
    pdfs.fact_pdf(folder / "a.pdf", pages=2, facts=())
    cancel = CancelToken()
    seen: list[str] = []

    def run() -> None:
        for e in watch(folder, "watched", index=index, interval=0.2, cancel=cancel, embedder=embedder):
            if e.result is not None:
                seen.append(f"{Path(e.result.path).name}:{e.result.status}")
                cancel.cancel()

    t = threading.Thread(target=run)
    t.start()
    t.join(60)
    assert not t.is_alive()
    assert seen == ["a.pdf:indexed"]


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
