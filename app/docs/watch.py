"""Keep a folder's documents indexed by polling: new or changed files are added, deleted ones removed.

Polling (size + mtime per file) works on every platform and on network drives. A file is indexed
once its size and mtime have stayed the same for one scan, so a file still being copied is not
indexed half-written (``once=True`` skips that wait). At start, files whose size and mtime match
the index are known without reading them: an unchanged folder costs a stat per file, no hash and no
embedding model.
The folders the user chose to keep watched (the Documents panel resumes them at start) are
kept in ``index_dir()/watched.json``: {folder: library}.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

from app import datafile, paths
from app.cancel import Cancelled, CancelToken
from app.docs import readers
from app.i18n import tr, tr_noop
from app.settings import DocsSettings

if TYPE_CHECKING:  # the window reads the watched list at start: numpy and the index load later
    from app.docs.embeddings import Embedder
    from app.docs.index import DocIndex, Signature
    from app.docs.ingest import IngestProgress

log = logging.getLogger(__name__)


def _watched_file() -> Path:
    return paths.index_dir() / "watched.json"


WATCHED = tr_noop("The list of watched folders")


def watched() -> dict[str, str]:
    """{folder: library} of the folders kept watched (empty when none; a damaged file is kept aside)."""
    data = datafile.read_json(_watched_file(), tr(WATCHED), tr("no watched folders")) or {}
    return {str(k): str(v) for k, v in data.items()}


def set_watched(folder: str | Path, library: str | None) -> dict[str, str]:
    """Keep ``folder`` watched for ``library`` (``None``: stop watching it); returns the new list."""
    key = str(Path(folder).expanduser().resolve())

    def change(data: dict[str, object]) -> dict[str, str]:
        if library is None:
            data.pop(key, None)
        else:
            data[key] = library
        return {str(k): str(v) for k, v in data.items()}

    return datafile.update(_watched_file(), tr(WATCHED), tr("no watched folders"), change)


def scan(folder: Path) -> dict[str, Signature]:
    """{resolved path: (size, mtime_ns)} of every readable document under ``folder``."""
    out: dict[str, Signature] = {}
    for f in folder.rglob("*"):
        if not readers.supported(f):
            continue
        try:
            st = f.stat()
        except OSError:
            continue
        if f.is_file():
            out[str(f.resolve())] = (st.st_size, st.st_mtime_ns)
    return out


def watch(
    folder: str | Path,
    library: str,
    *,
    index: DocIndex,
    settings: DocsSettings | None = None,
    interval: float | None = None,
    cancel: CancelToken | None = None,
    once: bool = False,
    embedder: Embedder | None = None,
) -> Generator[IngestProgress, None, None]:
    """Yield ingestion progress (and ``removed`` results) for changes under ``folder`` until cancelled.

    ``interval``: seconds between scans; None: ``settings.watch_interval_s``, read before each wait,
    so that a change in the settings reaches a running watch."""
    from app.docs.ingest import FileResult, IngestProgress, ingest

    settings = settings or DocsSettings()
    root = Path(folder).expanduser().resolve()
    cancel = cancel or CancelToken()
    # what the index already holds from this folder: files unchanged since are not read again
    known = [d for d in index.documents(library) if Path(d.path).is_relative_to(root)]
    indexed: dict[str, Signature] = {
        d.path: d.signature for d in known if d.signature is not None and d.status != "indexing"
    }
    pending: dict[str, Signature] = {}
    first = True
    while not cancel.cancelled:
        # a missing folder (an unmounted drive) is not one whose files were all deleted: wait for it
        mounted = root.is_dir()
        current = scan(root) if mounted else {}
        gone = [p for p in indexed if p not in current] if mounted else []
        if first and mounted:  # documents indexed from this folder earlier, deleted meanwhile
            gone += [d.path for d in known if d.path not in current and d.path not in gone]
            first = False
        for path in gone:
            index.remove(library, path)
            indexed.pop(path, None)
            event = IngestProgress(files_total=1, files_done=1, current=path, stage="removed")
            event.result = FileResult(path, "removed")
            yield event
        ready = [p for p, sig in current.items() if indexed.get(p) != sig and (once or pending.get(p) == sig)]
        pending = {p: sig for p, sig in current.items() if indexed.get(p) != sig}
        if ready:
            try:
                yield from ingest(
                    ready, library, index=index, settings=settings, cancel=cancel, embedder=embedder
                )
            except Cancelled:  # stopping the watch is the normal way out
                return
            for p in ready:
                indexed[p] = current[p]
                pending.pop(p, None)
        if once:
            return
        wait = settings.watch_interval_s if interval is None else interval
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and not cancel.cancelled:
            time.sleep(min(0.1, wait))
