"""Add PDFs to a library: hash, parse, chunk, embed, store, pipelined, cancellable, with progress.

``ingest(...)`` is a generator yielding :class:`IngestProgress` and returning the per-file
:class:`FileResult` list. A producer thread hashes files, skips unchanged ones (same sha256 already
indexed), reads pages in a time-bounded worker process and chunks them, while the consuming
generator embeds and stores the previous file: parsing overlaps embedding. Folders are walked
recursively for ``*.pdf``. A bad file never stops the run; it gets a ``failed`` status and a reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import queue
import threading
import time
from collections.abc import Generator, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from app.cancel import CancelToken
from app.docs import DEFAULT_LIBRARY
from app.docs.chunking import Chunk, chunk_pages, clean_page
from app.docs.embeddings import Embedder, get_embedder
from app.docs.index import DocIndex
from app.docs.pdf import PdfExtractor, PdfText
from app.settings import DocsSettings


@dataclass
class FileResult:
    path: str
    status: str  # indexed | unchanged | failed
    pages: int = 0
    chunks: int = 0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestProgress:
    files_total: int
    files_done: int = 0
    pages_done: int = 0
    chunks_done: int = 0
    current: str = ""
    stage: str = "starting"  # reading | embedding | finished file
    elapsed_s: float = 0.0
    eta_s: float | None = None
    result: FileResult | None = None  # set when a file has just finished


@dataclass
class _Parsed:
    path: Path
    sha256: str
    size: int
    result: FileResult | None = None  # already decided (unchanged / failed)
    pages: list[str] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    page_tokens: list[int] = field(default_factory=list)


def expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to add (folders walked recursively for ``*.pdf``) and results for missing paths."""
    files: list[Path] = []
    missing: list[FileResult] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            files += sorted(f.resolve() for f in p.rglob("*") if f.is_file() and f.suffix.lower() == ".pdf")
        elif p.is_file():
            files.append(p.resolve())
        else:
            missing.append(FileResult(path=str(p), status="failed", error="no such file or folder"))
    return list(dict.fromkeys(files)), missing


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _produce(
    files: Sequence[Path],
    library: str,
    index: DocIndex,
    settings: DocsSettings,
    tokenizer: Any,
    out: queue.Queue[Any],
    stop: threading.Event,
    page_delay: float,
) -> None:
    """Producer thread: put ('pages', n) progress and :class:`_Parsed` items, then None."""
    try:
        with PdfExtractor(settings.page_timeout_s, settings.file_timeout_s, page_delay) as reader:
            for path in files:
                if stop.is_set():
                    break
                out.put(_parse_one(path, library, index, settings, tokenizer, reader, out, stop))
    except BaseException as exc:  # surfaced by the consumer
        out.put(exc)
    finally:
        out.put(None)


def _parse_one(
    path: Path,
    library: str,
    index: DocIndex,
    settings: DocsSettings,
    tokenizer: Any,
    reader: PdfExtractor,
    out: queue.Queue[Any],
    stop: threading.Event,
) -> _Parsed:
    try:
        size = path.stat().st_size
        sha = sha256_file(path)
    except OSError as exc:
        return _Parsed(path, "", 0, FileResult(str(path), "failed", error=f"cannot read the file ({exc})"))
    item = _Parsed(path, sha, size)
    for doc in index.find(library, str(path)):
        if doc.sha256 == sha and doc.status == "complete":
            item.result = FileResult(str(path), "unchanged", doc.pages, doc.chunks)
            return item
    text = PdfText(path=path)
    for _ in reader.iter_pages(path, text):
        out.put(("pages", 1))
        if stop.is_set():
            return item
    if text.error:
        item.result = FileResult(str(path), "failed", error=text.error)
        return item
    item.pages = [clean_page(p) for p in text.pages]
    item.chunks = chunk_pages(item.pages, tokenizer, settings.chunk_tokens, settings.chunk_overlap)
    enc = tokenizer(item.pages, add_special_tokens=False, verbose=False)["input_ids"]
    item.page_tokens = [len(ids) for ids in enc]
    if not item.chunks:
        item.result = FileResult(str(path), "failed", error="scanned? no text to index")
    return item


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
    embedder = embedder or get_embedder(settings.embedding_model)
    stale = index.ensure_library(library, embedder.name, embedder.dim)
    files += [p for p in map(Path, stale) if p.exists() and p not in files]
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
        args=(files, library, index, settings, embedder.new_tokenizer(), items, stop, page_delay),
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
                doc_id = index.begin(library, str(item.path), item.sha256)
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
                index.complete(doc_id, item.pages, item.chunks, item.page_tokens)
                doc_id = None
                item.result = FileResult(str(item.path), "indexed", len(item.pages), len(item.chunks))
            elif item.result.status == "failed" and item.sha256:
                index.fail(library, str(item.path), item.sha256, item.result.error or "failed")
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
