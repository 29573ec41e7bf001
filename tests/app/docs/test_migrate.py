"""``app.docs.migrate`` against a real ``chroma run`` on loopback: a library copied to the server and
back answers the same queries with the same results, nothing is embedded again, a copy cut off
resumes where it stopped, and a library built by another embedding model is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cancel import Cancelled, CancelToken
from app.docs import rag
from app.docs.embeddings import Embedder
from app.docs.index import DocIndex
from app.docs.ingest import ingest
from app.docs.migrate import migrate
from app.errors import HearthError
from tests.support import pdfs
from tests.support.chroma_server import chroma_run


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[str]:
    with chroma_run(tmp_path) as url:
        yield url


def results(index: DocIndex, library: str) -> list[list[tuple[str, int, int, str]]]:
    return [
        [(h.chunk.path, h.chunk.page, h.chunk.idx, h.chunk.text) for h in rag.search(f.question, library, 5,
                                                                                     index=index)]
        for f in pdfs.FACTS
    ]  # fmt: skip


def test_to_a_server_and_back(tmp_path: Path, chroma: str, monkeypatch: pytest.MonkeyPatch) -> None:
    local = DocIndex()
    files = [pdfs.fact_pdf(tmp_path / "a.pdf"), pdfs.long_pdf(tmp_path / "b.pdf", pages=30)]
    for _ in ingest(files, "team", index=local):
        pass
    before = results(local, "team")
    chunks = sum(d.chunks for d in local.documents("team"))

    def no_embedding(*_a: object, **_k: object) -> None:
        raise AssertionError("migrate must not embed")

    monkeypatch.setattr(Embedder, "embed", no_embedding)
    server = DocIndex(chroma)
    cancel = CancelToken()
    with pytest.raises(Cancelled):  # cut off after the first document
        for p in migrate("team", local, server, cancel):
            if p.docs_done == 1:
                cancel.cancel()
    first = sum(d.chunks for d in server.documents("team"))
    assert 0 < first < chunks
    last = list(migrate("team", local, server))[-1]  # run again: the rest
    assert (last.docs_done, last.chunks_done, last.chunks_copied) == (2, chunks, chunks - first)
    assert last.eta_s == 0 and last.chunks_per_s > 0
    assert list(migrate("team", local, server))[-1].chunks_copied == 0
    monkeypatch.undo()
    assert results(server, "team") == before

    teammate = DocIndex(chroma, root=tmp_path / "teammate")  # another machine: nothing cached yet
    assert teammate.libraries() == []
    assert teammate.pull() == 2
    assert results(teammate, "team") == before  # vectors, texts and the keyword index, from the server
    assert teammate.pull() == 0

    home = DocIndex(root=tmp_path / "another-machine")  # and back, into an empty local store
    elsewhere = DocIndex(chroma, root=tmp_path / "elsewhere")
    assert list(migrate("team", elsewhere, home))[-1].chunks_copied == chunks
    assert results(home, "team") == before
    assert [d.path for d in home.documents("team")] == [d.path for d in local.documents("team")]


def test_a_shared_library_follows_what_teammates_add_and_remove(tmp_path: Path, chroma: str) -> None:
    alice, bob = DocIndex(chroma, root=tmp_path / "alice"), DocIndex(chroma, root=tmp_path / "bob")
    fact, long = pdfs.fact_pdf(tmp_path / "a.pdf"), pdfs.long_pdf(tmp_path / "b.pdf", pages=5)
    for _ in ingest([fact, long], "team", index=alice):  # indexed straight into the server
        pass
    assert bob.pull() == 2
    assert sorted(d.path for d in bob.documents("team")) == sorted(d.path for d in alice.documents("team"))
    assert results(bob, "team") == results(alice, "team")

    assert alice.remove("team", str(long)) == 1
    assert bob.pull() == 1  # the tombstone: Bob's copy goes too
    assert [d.path for d in bob.documents("team")] == [str(fact)]
    assert results(bob, "team") == results(alice, "team")


def test_refusals(tmp_path: Path, chroma: str) -> None:
    local = DocIndex()
    with pytest.raises(HearthError, match="There is no library named 'nope' in the local store"):
        list(migrate("nope", local, DocIndex(chroma)))
    for _ in ingest([pdfs.fact_pdf(tmp_path / "a.pdf")], "team", index=local):
        pass
    other = DocIndex(root=tmp_path / "other")
    other.ensure_library("team", "some-other-model", 768)
    with pytest.raises(HearthError, match="built with another embedding model \\(some-other-model, 768"):
        list(migrate("team", local, other))
