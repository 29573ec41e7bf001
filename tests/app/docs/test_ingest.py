"""Ingestion into the real chroma + manifest: statuses, dedupe, replace, remove, cancel, model change."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cancel import Cancelled, CancelToken
from app.docs.embeddings import Embedder
from app.docs.index import DocIndex
from app.docs.ingest import ingest
from tests.app.docs.conftest import run_ingest
from tests.support import pdfs


def _vector_count(index: DocIndex, library: str = "default") -> int:
    return int(index.collection(library).count())


def _manifest_chunks(index: DocIndex, library: str = "default") -> int:
    return sum(d.chunks for d in index.documents(library) if d.status == "complete")


def test_folder_with_bad_files(tmp_path: Path, index: DocIndex, embedder: Embedder) -> None:
    expected = pdfs.bad_corpus(tmp_path / "bad")
    (tmp_path / "bad" / "sub").mkdir()
    pdfs.fact_pdf(tmp_path / "bad" / "sub" / "nested.PDF", pages=2, facts=())
    (tmp_path / "bad" / "readme.txt").write_text("Plain text notes are documents too.")
    (tmp_path / "bad" / "photo.jpg").write_bytes(b"\xff\xd8\xff not picked up from a folder")
    results, events = run_ingest([tmp_path / "bad", tmp_path / "missing.pdf"], index=index, embedder=embedder)
    by_name = {Path(r.path).name: r for r in results}
    for name, status in expected.items():
        assert by_name[name].status == status, (name, by_name[name].error)
    assert by_name["nested.PDF"].status == "indexed"
    assert by_name["missing.pdf"].status == "failed"
    assert by_name["readme.txt"].status == "indexed" and "photo.jpg" not in by_name
    assert by_name["scan.pdf"].label == "indexed (OCR)" and by_name["good.pdf"].label == "indexed"
    assert by_name["good.pdf"].pages == 3 and by_name["good.pdf"].chunks >= 3
    assert events[-1].files_done == len(results)
    assert any(e.chunks_done for e in events) and any(e.eta_s is not None for e in events)
    assert _vector_count(index) == _manifest_chunks(index) > 0
    failed = [d for d in index.documents("default") if d.status == "failed"]
    assert {Path(d.path).name for d in failed} == {n for n, s in expected.items() if s == "failed"}
    (scan,) = [d for d in index.documents("default") if d.path.endswith("/scan.pdf")]
    assert scan.ocr_units == 1 and index.pages(scan.doc_id)[0][1].startswith("The night ferry")


def test_readd_unchanged_is_free_and_changed_replaces(
    tmp_path: Path, index: DocIndex, embedder: Embedder
) -> None:
    path = pdfs.fact_pdf(tmp_path / "doc.pdf", pages=4, facts=pdfs.FACTS[:2])
    (first,), _ = run_ingest([path], index=index, embedder=embedder)
    assert first.status == "indexed"
    (again,), _ = run_ingest([path], index=index, embedder=embedder)
    assert again.status == "unchanged" and again.chunks == first.chunks
    pdfs.fact_pdf(path, pages=2, facts=pdfs.FACTS[:1], seed=9)  # same path, new content
    (changed,), _ = run_ingest([path], index=index, embedder=embedder)
    assert changed.status == "indexed" and changed.pages == 2
    docs = index.documents("default")
    assert len(docs) == 1 and docs[0].pages == 2
    assert _vector_count(index) == docs[0].chunks


def test_remove_document(tmp_path: Path, index: DocIndex, embedder: Embedder) -> None:
    a = pdfs.fact_pdf(tmp_path / "a.pdf", pages=2, facts=())
    b = pdfs.fact_pdf(tmp_path / "b.pdf", pages=3, facts=(), seed=4)
    run_ingest([a, b], "mine", index=index, embedder=embedder)
    assert index.remove("mine", str(a.resolve())) == 1
    assert [Path(d.path).name for d in index.documents("mine")] == ["b.pdf"]
    assert _vector_count(index, "mine") == _manifest_chunks(index, "mine")
    assert index.remove("mine", str(a.resolve())) == 0


def test_libraries_are_separate(tmp_path: Path, index: DocIndex, embedder: Embedder) -> None:
    a = pdfs.fact_pdf(tmp_path / "a.pdf", pages=2, facts=())
    run_ingest([a], "work", index=index, embedder=embedder)
    run_ingest([a], "home", index=index, embedder=embedder)
    assert index.libraries() == ["home", "work"]
    assert _vector_count(index, "work") == _vector_count(index, "home")
    index.delete_library("home")
    assert index.libraries() == ["work"]


def test_cancel_leaves_no_half_document(tmp_path: Path, index: DocIndex, embedder: Embedder) -> None:
    pdfs.fact_pdf(tmp_path / "a.pdf", pages=3, facts=())
    pdfs.fact_pdf(tmp_path / "b.pdf", pages=6, facts=(), seed=8)
    cancel = CancelToken()
    gen = ingest([tmp_path / "a.pdf", tmp_path / "b.pdf"], index=index, embedder=embedder, cancel=cancel)
    with pytest.raises(Cancelled):
        for event in gen:
            if event.result is not None:  # first file done: cancel during the second
                cancel.cancel()
    statuses = {Path(d.path).name: d.status for d in index.documents("default")}
    assert statuses == {"a.pdf": "complete"}
    assert _vector_count(index) == _manifest_chunks(index)


def test_model_change_reindexes(tmp_path: Path, index: DocIndex, embedder: Embedder) -> None:
    path = pdfs.fact_pdf(tmp_path / "doc.pdf", pages=2, facts=())
    run_ingest([path], index=index, embedder=embedder)
    with index._tx() as db:  # pretend the library was built by another model
        db.execute("UPDATE libraries SET model='old-model', dim=768")
    stale = index.ensure_library("default", embedder.name, embedder.dim)
    assert stale == [str(path.resolve())]
    assert index.documents("default") == []
    assert index.library_model("default") == (embedder.name, embedder.dim)
    (res,), _ = run_ingest([path], index=index, embedder=embedder)
    assert res.status == "indexed"


def test_a_cleanup_failure_after_the_commit_keeps_the_new_document(
    tmp_path: Path, index: DocIndex, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = pdfs.fact_pdf(tmp_path / "doc.pdf", pages=2, facts=())
    run_ingest([path], index=index, embedder=embedder)
    pdfs.fact_pdf(path, pages=3, facts=(), seed=9)  # changed: the old version goes to the trash

    def server_gone() -> None:
        raise ConnectionError("the Chroma server went away")

    monkeypatch.setattr(index, "empty_trash", server_gone)
    (res,), _ = run_ingest([path], index=index, embedder=embedder)
    assert res.status == "indexed" and res.pages == 3
    (doc,) = index.documents("default")
    assert doc.status == "complete" and doc.pages == 3  # committed, never undone (review B9)
    monkeypatch.undo()
    index.recover()  # the next open (or commit) empties the trash
    assert _vector_count(index) == doc.chunks


def test_an_index_from_before_schema_versions_migrates_without_losing_documents(
    tmp_path: Path, hearth_home: Path, embedder: Embedder
) -> None:
    import sqlite3

    from app.docs import manifest

    root = tmp_path / "old-index"
    root.mkdir()
    with sqlite3.connect(root / "manifest.sqlite3") as db:  # what earlier releases wrote
        db.executescript(manifest.MIGRATIONS[1])
        db.execute(
            "INSERT INTO documents(doc_id, library, path, sha256, status, pages, chunks, tokens, added)"
            " VALUES ('d1', 'default', '/old/a.pdf', 'abc', 'complete', 2, 3, 100, 1.0)"
        )
        db.execute("INSERT INTO pages(doc_id, page, text, n_tokens) VALUES ('d1', 1, 'old page', 2)")
        db.execute(
            "INSERT INTO chunks(doc_id, library, idx, page, text, n_tokens)"
            " VALUES ('d1', 'default', 0, 1, 'old page', 2)"
        )
    index = DocIndex(root=root)
    try:
        (doc,) = index.documents("default")
        assert (doc.path, doc.status, doc.pages, doc.kind, doc.signature) == (
            "/old/a.pdf",
            "complete",
            2,
            "pdf",
            None,
        )
        assert index.pages("d1") == [(1, "old page", 2, "")]
        assert index.db.execute("PRAGMA user_version").fetchone()[0] == manifest.SCHEMA_VERSION
        assert index.keyword_search("default", "old page", 5)  # the keyword index came along
    finally:
        index.close()
    with sqlite3.connect(root / "manifest.sqlite3") as db:
        db.execute(f"PRAGMA user_version={manifest.SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer Hearth"):
        DocIndex(root=root)
