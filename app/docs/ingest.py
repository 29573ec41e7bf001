"""Add documents to a library: read, chunk, embed, store, pipelined, cancellable, with progress.

``ingest(...)`` is a generator yielding :class:`IngestProgress` and returning the per-file
:class:`FileResult` list. A producer thread skips unchanged files (same size and mtime as when
indexed: a stat; else same sha256 already indexed), reads the others' pages or sections in a
time-bounded worker process (OCR for scanned pages) and chunks them, while the consuming generator
embeds and stores the previous file: reading overlaps embedding. The embedding model is loaded only
when a file needs it. Folders are walked recursively for every readable kind
(:data:`app.docs.readers.SUFFIXES`). A bad file never stops the run; it gets a ``failed`` status and
a reason.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Generator, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from app.cancel import CancelToken
from app.docs import DEFAULT_LIBRARY, readers
from app.docs.chunking import Chunk, chunk_pages, clean_page
from app.docs.embeddings import Embedder, get_embedder, resolve
from app.docs.extract import DocText, Extractor
from app.docs.index import DocIndex, DocRecord, Signature
from app.i18n import tr, tr_noop
from app.settings import DocsSettings

FileStatus = Literal["indexed", "unchanged", "failed", "removed"]
STATUS_LABELS: dict[str, str] = {  # a file's status as the user reads it
    "indexed": tr_noop("indexed"),
    "unchanged": tr_noop("unchanged"),
    "failed": tr_noop("failed"),
    "removed": tr_noop("removed"),
}


@dataclass
class FileResult:
    path: str
    status: FileStatus
    pages: int = 0  # units: pages, or sections of a document without pages
    chunks: int = 0
    error: str | None = None
    ocr_pages: int = 0  # pages read by OCR

    @property
    def label(self) -> str:
        """The status as shown: "indexed (OCR)" when some pages had to be read from their image."""
        if self.status == "indexed" and self.ocr_pages:
            return tr("indexed (OCR)")
        label = STATUS_LABELS.get(self.status)
        return tr(label) if label is not None else self.status

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestProgress:
    files_total: int
    files_done: int = 0
    pages_done: int = 0
    chunks_done: int = 0
    current: str = ""
    stage: str = "starting"  # reading | embedding | finished file | removed
    elapsed_s: float = 0.0
    eta_s: float | None = None
    result: FileResult | None = None  # set when a file has just finished


@dataclass
class _Parsed:
    path: Path
    sha256: str
    size: int
    signature: Signature | None = None
    result: FileResult | None = None  # already decided (unchanged / failed)
    kind: str = "pdf"
    units: list[readers.Unit] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    unit_tokens: list[int] = field(default_factory=list)


def expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to add (folders walked recursively for readable kinds) and results for missing paths."""
    files: list[Path] = []
    missing: list[FileResult] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            files += sorted(f.resolve() for f in p.rglob("*") if readers.supported(f) and f.is_file())
        elif p.is_file():
            files.append(p.resolve())
        else:
            missing.append(FileResult(path=str(p), status="failed", error=tr("no such file or folder")))
    return list(dict.fromkeys(files)), missing


class _Embedding:
    """The embedder and a tokenizer of its own for the producer, loaded when a file first needs them."""

    def __init__(self, settings: DocsSettings, embedder: Embedder | None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = get_embedder(self.settings.embedding_model)
            return self._embedder

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            self._tokenizer = self.embedder.new_tokenizer()
        return self._tokenizer


def _produce(
    files: Sequence[Path],
    library: str,
    index: DocIndex,
    embedding: _Embedding,
    out: queue.Queue[Any],
    stop: threading.Event,
    delay: float,
) -> None:
    """Producer thread: put ('pages', n) progress and :class:`_Parsed` items, then None."""
    s = embedding.settings
    try:
        with Extractor(s.page_timeout_s, s.file_timeout_s, delay, ocr=s.ocr) as reader:
            for path in files:
                if stop.is_set():
                    break
                out.put(_parse_one(path, library, index, embedding, reader, out, stop))
    except BaseException as exc:  # surfaced by the consumer
        out.put(exc)
    finally:
        out.put(None)


def _parse_one(
    path: Path,
    library: str,
    index: DocIndex,
    embedding: _Embedding,
    reader: Extractor,
    out: queue.Queue[Any],
    stop: threading.Event,
) -> _Parsed:
    try:
        st = path.stat()
        signature = (st.st_size, st.st_mtime_ns)
        records = index.documents(library, str(path))
        known = [d for d in records if d.status == "complete"]
        same = _same_signature(known, signature)
        if same is not None:  # same size and mtime as when indexed: no need to hash
            return _Parsed(path, same.sha256, st.st_size, signature, _unchanged(same))
        bad = _same_signature([d for d in records if d.status == "failed"], signature)
        if bad is not None:  # failed before and not changed since: the same reason, not read again
            return _Parsed(path, "", st.st_size, signature, FileResult(str(path), "failed", error=bad.error))
        sha = readers.sha256_file(path)
    except OSError as exc:
        why = tr("cannot read the file ({error})").format(error=exc)
        return _Parsed(path, "", 0, None, FileResult(str(path), "failed", error=why))
    item = _Parsed(path, sha, st.st_size, signature)
    for doc in known:
        if doc.sha256 == sha:  # touched, not changed
            index.set_signature(doc.doc_id, signature)
            item.result = _unchanged(doc)
            return item
    text = DocText(path=path)
    for _ in reader.iter_units(path, text):
        out.put(("pages", 1))
        if stop.is_set():
            return item
    if text.error:
        item.result = FileResult(str(path), "failed", error=text.error)
        return item
    item.kind = text.kind
    item.units = [replace(u, text=clean_page(u.text)) for u in text.units]
    tokenizer = embedding.tokenizer
    s = embedding.settings
    item.chunks = chunk_pages([u.text for u in item.units], tokenizer, s.chunk_tokens, s.chunk_overlap)
    enc = tokenizer([u.text for u in item.units], add_special_tokens=False, verbose=False)["input_ids"]
    item.unit_tokens = [len(ids) for ids in enc]
    if not item.chunks:
        item.result = FileResult(str(path), "failed", error=tr("no text to index"))
    return item


def _same_signature(docs: Sequence[DocRecord], signature: Signature) -> DocRecord | None:
    return next((d for d in docs if d.signature == signature), None)


def _may_change(index: DocIndex, library: str, path: Path) -> bool:
    """False when ``path`` has the size and mtime it had when it was indexed."""
    try:
        st = path.stat()
    except OSError:
        return True
    known = [d for d in index.documents(library, str(path)) if d.status != "indexing"]
    return _same_signature(known, (st.st_size, st.st_mtime_ns)) is None


def _unchanged(doc: DocRecord) -> FileResult:
    return FileResult(doc.path, "unchanged", doc.pages, doc.chunks, ocr_pages=doc.ocr_units)


def ingest(
    paths: Iterable[str | Path],
    library: str = DEFAULT_LIBRARY,
    *,
    index: DocIndex,
    settings: DocsSettings | None = None,
    cancel: CancelToken | None = None,
    embedder: Embedder | None = None,
    page_delay: float = 0.0,
) -> Generator[IngestProgress, None, list[FileResult]]:
    """Index ``paths`` into ``library``; yields progress snapshots, returns one result per file."""
    settings = settings or DocsSettings()
    cancel = cancel or CancelToken()
    files, results = expand(paths)
    embedding = _Embedding(settings, embedder)
    model = index.library_model(library)
    if model is None or model[0] != (embedder.name if embedder else resolve(settings.embedding_model)[0]):
        # a new library, or one built by another model: its documents must be indexed again
        stale = index.ensure_library(library, embedding.embedder.name, embedding.embedder.dim)
        files += [p for p in map(Path, stale) if p.exists() and p not in files]
    if any(_may_change(index, library, p) for p in files):
        # load the model and its tokenizer here: imports racing on two threads can deadlock
        embedding.tokenizer  # noqa: B018
    progress = IngestProgress(files_total=len(files) + len(results))
    progress.files_done = len(results)
    total_bytes = sum(p.stat().st_size for p in files if p.exists()) or 1
    done_bytes = 0
    start = time.monotonic()
    yield replace(progress)

    items: queue.Queue[Any] = queue.Queue(maxsize=64)
    stop = threading.Event()
    producer = threading.Thread(
        target=_produce,
        args=(files, library, index, embedding, items, stop, page_delay),
        name="hearth-ingest-parse",
        daemon=True,
    )
    producer.start()
    doc_id: str | None = None
    try:
        while True:
            try:
                item = items.get(timeout=0.1)
            except queue.Empty:
                cancel.raise_if_cancelled()
                continue
            cancel.raise_if_cancelled()
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, tuple):
                progress.pages_done += int(item[1])
                progress.stage = "reading"
                continue
            progress.current = str(item.path)
            if item.result is None:
                embedder = embedding.embedder
                doc_id = index.begin(library, str(item.path), item.sha256, item.kind, item.signature)
                progress.stage = "embedding"
                yield replace(progress)
                vectors = []
                step = max(1, settings.embed_batch) * 8
                for a in range(0, len(item.chunks), step):
                    cancel.raise_if_cancelled()
                    part = item.chunks[a : a + step]
                    vectors.append(embedder.embed([c.text for c in part], batch_size=settings.embed_batch))
                    progress.chunks_done += len(part)
                    yield replace(progress)
                index.add_vectors(library, doc_id, item.chunks, np.concatenate(vectors))
                # raises only if its transaction rolled back; after the commit nothing undoes it (B9)
                index.complete(doc_id, item.units, item.chunks, item.unit_tokens)
                doc_id = None
                ocr = sum(u.ocr for u in item.units)
                item.result = FileResult(
                    str(item.path), "indexed", len(item.units), len(item.chunks), None, ocr
                )
            elif item.result.status == "failed" and item.sha256:
                index.fail(
                    library, str(item.path), item.sha256, item.result.error or tr("failed"), item.signature
                )
            done_bytes += item.size
            elapsed = time.monotonic() - start
            progress.files_done += 1
            progress.elapsed_s = elapsed
            progress.eta_s = elapsed * (total_bytes - done_bytes) / max(done_bytes, 1)
            progress.stage = "finished file"
            progress.result = item.result
            results.append(item.result)
            yield replace(progress)
            progress.result = None
    except BaseException:  # cancelled, closed or failed: undo the half-indexed document now
        if doc_id is not None:
            index.remove_doc(doc_id)
        raise
    finally:
        stop.set()
        while producer.is_alive():
            with contextlib.suppress(queue.Empty):
                items.get(timeout=0.05)
        producer.join()
    return results
