"""Copy a document library between stores without embedding anything again.

A library lives in a store: the embedded chroma under HEARTH_HOME, or a Chroma server (``chroma
run``), where its manifest (documents, page and chunk texts) is published beside the vectors and
cached locally with the keyword index (``DocIndex.publish``/``pull``), so teammates share it. This
copies every complete document, vectors and manifest rows as they are, under their own ids, from
one store to another (``docs migrate LIBRARY --to http://HOST:PORT``, or ``--to local`` back). Each
document goes in one step (its vectors, then its rows in one transaction), so a copy that is cut off
(Ctrl+C, a network fault) resumes where it stopped when run again, and documents already there are
not copied twice. The target then answers the same queries with the same results.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from app.cancel import CancelToken
from app.docs.index import DocIndex
from app.errors import HearthError


@dataclass(frozen=True)
class MigrateProgress:
    docs_done: int
    docs_total: int
    chunks_done: int
    chunks_total: int
    chunks_copied: int  # in this run (the rest were there already)
    elapsed_s: float

    @property
    def chunks_per_s(self) -> float:
        return self.chunks_copied / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        rate = self.chunks_per_s
        return (self.chunks_total - self.chunks_done) / rate if rate > 0 else None


def store_name(index: DocIndex) -> str:
    return index.chroma_url or "the local store"


def migrate(
    library: str, source: DocIndex, target: DocIndex, cancel: CancelToken | None = None
) -> Iterator[MigrateProgress]:
    """Copy ``library`` from ``source`` to ``target``, one progress report per document."""
    source.pull()  # a server's published manifest: what this machine has not seen yet
    target.pull()
    model = source.library_model(library)
    if model is None:
        raise HearthError(f"There is no library named '{library}' in {store_name(source)}.")
    there = target.library_model(library)
    if there is not None and there != model:
        raise HearthError(
            f"{store_name(target)} has a library '{library}' built with another embedding model"
            f" ({there[0]}, {there[1]} dimensions): remove it there first."
        )
    target.ensure_library(library, *model)
    docs = [d for d in source.documents(library) if d.status == "complete"]
    have = {d.doc_id for d in target.documents(library) if d.status == "complete"}
    total = sum(d.chunks for d in docs)
    done = sum(d.chunks for d in docs if d.doc_id in have)
    n_done = sum(d.doc_id in have for d in docs)
    copied = 0
    start = time.perf_counter()
    yield MigrateProgress(n_done, len(docs), done, total, 0, 0.0)
    for doc in docs:
        if doc.doc_id in have:
            continue
        if cancel is not None:
            cancel.raise_if_cancelled()
        pages, chunks = source.export_document(doc.doc_id)
        vectors = source.vectors(library, doc.doc_id, len(chunks))
        target.import_document(doc, pages, chunks, vectors)
        n_done += 1
        done += len(chunks)
        copied += len(chunks)
        yield MigrateProgress(n_done, len(docs), done, total, copied, time.perf_counter() - start)
