"""The document index: vectors in chromadb, bookkeeping and keyword search in a SQLite manifest.

Each library (a name the user picks) is one chroma collection that records the embedding model and
dimension that built it. The manifest (``manifest.sqlite3``, WAL) holds documents, page texts and
chunk texts with an FTS5 inverted index (BM25). Crash safety: a document row is written as
``indexing`` first, its vectors go to chroma, and only then one SQLite transaction stores its chunks
and marks it ``complete``. On open, ``indexing`` rows whose process is gone are purged (their vectors
deleted), so a kill -9 never leaves a half-indexed document looking complete; vector hits without a
manifest chunk row are ignored. Replaced/removed documents go to a ``trash`` table, emptied after.

On a Chroma server the manifest lives in two places: the local SQLite file (a cache, for keyword
search and fast reads) and, published beside the vectors, a ``-manifest`` collection holding every
complete document's record, page texts and chunk texts. Another Hearth using the same server pulls
what it lacks from there (``pull``: the keyword index is rebuilt from the texts), and a removed or
replaced document leaves a tombstone there, so the copies it pulled go too: the team shares one index.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

import numpy as np
import numpy.typing as npt

from app import paths, sqlitedb
from app.docs.chunking import Chunk
from app.docs.manifest import MIGRATIONS, fts_query
from app.docs.readers import Unit
from app.errors import HearthError
from app.i18n import tr

log = logging.getLogger(__name__)

DocStatus = Literal["indexing", "complete", "failed"]
Signature = tuple[int, int]  # (size, mtime_ns): unchanged files are recognised by a stat


@dataclass(frozen=True)
class DocRecord:
    doc_id: str
    library: str
    path: str
    sha256: str
    status: DocStatus
    pages: int  # units: pages of a PDF, sections of other documents
    chunks: int
    tokens: int
    error: str | None
    added: float
    kind: str = "pdf"
    size: int | None = None
    mtime_ns: int | None = None
    ocr_units: int = 0

    @property
    def signature(self) -> Signature | None:
        return (self.size, self.mtime_ns) if self.size is not None and self.mtime_ns is not None else None


_DOC_COLUMNS = ", ".join(
    "doc_id library path sha256 status pages chunks tokens error added kind size mtime_ns ocr_units".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class ChunkRow:
    rowid: int
    doc_id: str
    idx: int
    page: int  # 1-based unit (page or section)
    text: str
    n_tokens: int
    path: str
    label: str = ""  # the unit's printed page label or heading
    kind: str = "pdf"


def _pid_alive(pid: int) -> bool:
    import psutil  # os.kill(pid, 0) would terminate the process on Windows

    return pid == os.getpid() or bool(psutil.pid_exists(pid))


_shared: dict[tuple[str, str], DocIndex] = {}
_shared_lock = threading.Lock()


def shared_index(chroma_url: str = "") -> DocIndex:
    """One open index per store per process (GUI jobs, chat grounding and panels share it)."""
    key = (str(paths.index_dir()), chroma_url.strip())
    with _shared_lock:
        if key not in _shared:
            index = DocIndex(chroma_url)
            index.pull()
            _shared[key] = index
        return _shared[key]


def collection_name(library: str) -> str:
    """A chroma-safe collection name for any library name."""
    return "hearth-" + hashlib.sha256(library.encode("utf-8")).hexdigest()[:24]


class DocIndex:
    """Libraries of PDFs: an embedded chroma store under ``paths.index_dir()`` or a chroma server."""

    def __init__(self, chroma_url: str = "", root: Path | None = None) -> None:
        root = root or paths.index_dir()
        self.chroma_url = chroma_url.strip()
        if self.chroma_url:
            key = hashlib.sha256(self.chroma_url.encode()).hexdigest()[:12]
            root = root / f"remote-{key}"
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self._lock = threading.RLock()
        self._client: Any = None
        self.db = sqlitedb.connect(root / "manifest.sqlite3")
        sqlitedb.migrate(self.db, MIGRATIONS, root / "manifest.sqlite3")
        self.recover()

    # -- plumbing -------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlitedb.transaction(self.db, self._lock)

    @property
    def client(self) -> Any:
        """The chromadb client, created on first use (chromadb is a heavy import)."""
        if self._client is None:
            os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            settings = ChromaSettings(anonymized_telemetry=False)
            if self.chroma_url:
                url = urlparse(self.chroma_url if "://" in self.chroma_url else f"http://{self.chroma_url}")
                try:
                    self._client = chromadb.HttpClient(
                        host=url.hostname or "localhost",
                        port=url.port or (443 if url.scheme == "https" else 8000),
                        ssl=url.scheme == "https",
                        settings=settings,
                    )
                except Exception as exc:
                    raise HearthError(
                        tr("Cannot reach the Chroma server at {url}: {error}").format(
                            url=self.chroma_url, error=exc
                        )
                    ) from exc
            else:
                self._client = chromadb.PersistentClient(path=str(self.root / "chroma"), settings=settings)
        return self._client

    def max_batch(self) -> int:
        return max(1, int(self.client.get_max_batch_size()))

    # -- libraries ------------------------------------------------------------------------------

    def libraries(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self.db.execute("SELECT name FROM libraries ORDER BY name")]

    def library_model(self, library: str) -> tuple[str, int] | None:
        with self._lock:
            row = self.db.execute("SELECT model, dim FROM libraries WHERE name=?", (library,)).fetchone()
        return (str(row[0]), int(row[1])) if row else None

    def ensure_library(self, library: str, model: str, dim: int) -> list[str]:
        """Create ``library`` for ``model``; if it was built by another model, drop its vectors and
        return the paths of its documents (they must be indexed again). Never mixes vectors."""
        if not library.strip():
            raise HearthError(tr("A library needs a name."))
        current = self.library_model(library)
        if current == (model, dim):
            self.collection(library)
            return []
        stale: list[str] = []
        if current is not None:
            stale = [d.path for d in self.documents(library) if d.status == "complete"]
            self.delete_library(library)
        with self._tx() as db:
            db.execute(
                "INSERT INTO libraries(name, collection, model, dim, created) VALUES (?,?,?,?,?)",
                (library, collection_name(library), model, dim, time.time()),
            )
        self.collection(library)
        return stale

    def collection(self, library: str) -> Any:
        info = self.library_model(library)
        if info is None:
            raise HearthError(tr("There is no library named '{library}'.").format(library=library))
        return self.client.get_or_create_collection(
            collection_name(library),
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"hearth_library": library, "embedding_model": info[0], "embedding_dim": info[1]},
            embedding_function=None,
        )

    def delete_library(self, library: str) -> None:
        with self._tx() as db:
            ids = [r[0] for r in db.execute("SELECT doc_id FROM documents WHERE library=?", (library,))]
            for doc_id in ids:
                self._drop_rows(db, doc_id)
            db.execute("DELETE FROM trash WHERE library=?", (library,))
            db.execute("DELETE FROM libraries WHERE name=?", (library,))
        for name in (collection_name(library), collection_name(library) + "-manifest"):
            with contextlib.suppress(Exception):  # already gone
                self.client.delete_collection(name)

    # -- documents ------------------------------------------------------------------------------

    def documents(self, library: str | None = None, path: str | None = None) -> list[DocRecord]:
        sql = f"SELECT {_DOC_COLUMNS} FROM documents"
        where = {k: v for k, v in (("library", library), ("path", path)) if v is not None}
        if where:
            sql += " WHERE " + " AND ".join(f"{k}=?" for k in where)
        with self._lock:
            rows = self.db.execute(sql + " ORDER BY library, path", tuple(where.values())).fetchall()
        return [DocRecord(*r) for r in rows]

    def document(self, doc_id: str) -> DocRecord | None:
        with self._lock:
            row = self.db.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents WHERE doc_id=?",
                (doc_id,),
            ).fetchone()
        return DocRecord(*row) if row else None

    def set_signature(self, doc_id: str, signature: Signature) -> None:
        """Remember the (size, mtime_ns) at which ``doc_id``'s file was found unchanged."""
        with self._tx() as db:
            db.execute("UPDATE documents SET size=?, mtime_ns=? WHERE doc_id=?", (*signature, doc_id))

    def begin(
        self, library: str, path: str, sha256: str, kind: str = "pdf", signature: Signature | None = None
    ) -> str:
        """Register a document being indexed (visible as ``indexing`` only); returns its new id."""
        doc_id = uuid.uuid4().hex
        size, mtime_ns = signature or (None, None)
        with self._tx() as db:
            db.execute(
                "INSERT INTO documents(doc_id, library, path, sha256, status, added, owner_pid, kind, size,"
                " mtime_ns) VALUES (?,?,?,?,'indexing',?,?,?,?,?)",
                (doc_id, library, path, sha256, time.time(), os.getpid(), kind, size, mtime_ns),
            )
        return doc_id

    def add_vectors(
        self, library: str, doc_id: str, chunks: Sequence[Chunk], vectors: npt.NDArray[np.float32]
    ) -> None:
        """Store a document's vectors in chroma, in batches no larger than the server allows."""
        col = self.collection(library)
        step = self.max_batch()
        for a in range(0, len(chunks), step):
            part = chunks[a : a + step]
            col.upsert(
                ids=[f"{doc_id}:{c.index}" for c in part],
                embeddings=vectors[a : a + step],
                metadatas=[{"doc_id": doc_id, "idx": c.index, "page": c.page} for c in part],
            )

    def complete(
        self, doc_id: str, units: Sequence[Unit], chunks: Sequence[Chunk], unit_tokens: Sequence[int]
    ) -> None:
        """Store texts and mark ``doc_id`` complete in one transaction; older versions of the same
        path in the library are replaced (their vectors are trashed). Emptying the trash afterwards
        is best effort: the new version is committed and stays, whatever the vector store says."""
        with self._tx() as db:
            row = db.execute("SELECT library, path FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
            if row is None:
                raise HearthError(tr("The document was removed while it was being indexed."))
            library, path = row
            db.executemany(
                "INSERT INTO pages(doc_id, page, text, n_tokens, label, ocr) VALUES (?,?,?,?,?,?)",
                [
                    (doc_id, i + 1, u.text, n, u.label, int(u.ocr))
                    for i, (u, n) in enumerate(zip(units, unit_tokens, strict=True))
                ],
            )
            db.executemany(
                "INSERT INTO chunks(doc_id, library, idx, page, text, n_tokens) VALUES (?,?,?,?,?,?)",
                [(doc_id, library, c.index, c.page, c.text, c.n_tokens) for c in chunks],
            )
            db.execute(
                "UPDATE documents SET status='complete', pages=?, chunks=?, tokens=?, ocr_units=?,"
                " owner_pid=NULL WHERE doc_id=?",
                (len(units), len(chunks), sum(unit_tokens), sum(u.ocr for u in units), doc_id),
            )
            self._replace_others(db, library, path, keep=doc_id)
        self._tidy()
        try:  # committed either way; the next pull publishes what is still unpublished
            self.publish(doc_id)
        except Exception as exc:
            log.warning("document index: could not publish a document to the Chroma server yet (%s)", exc)

    def fail(
        self, library: str, path: str, sha256: str, error: str, signature: Signature | None = None
    ) -> None:
        """Record that ``path`` could not be indexed (replacing any older version of it); with its
        ``signature``, an unchanged bad file is not read again."""
        size, mtime_ns = signature or (None, None)
        with self._tx() as db:
            new_id = uuid.uuid4().hex
            db.execute(
                "INSERT INTO documents(doc_id, library, path, sha256, status, error, added, size, mtime_ns)"
                " VALUES (?,?,?,?,'failed',?,?,?,?)",
                (new_id, library, path, sha256, error, time.time(), size, mtime_ns),
            )
            self._replace_others(db, library, path, keep=new_id)
        self._tidy()

    # -- copying documents between stores (app.docs.migrate) -----------------------------------

    def export_document(self, doc_id: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """A complete document's stored pages (page, text, n_tokens, label, ocr) and chunks
        (idx, page, text, n_tokens), in order."""
        with self._lock:
            pages = self.db.execute(
                "SELECT page, text, n_tokens, label, ocr FROM pages WHERE doc_id=? ORDER BY page", (doc_id,)
            ).fetchall()
            chunks = self.db.execute(
                "SELECT idx, page, text, n_tokens FROM chunks WHERE doc_id=? ORDER BY idx", (doc_id,)
            ).fetchall()
        return [tuple(p) for p in pages], [tuple(c) for c in chunks]

    def vectors(self, library: str, doc_id: str, n_chunks: int) -> npt.NDArray[np.float32]:
        """The stored vectors of a document's chunks 0..n_chunks-1, in that order."""
        col = self.collection(library)
        step = self.max_batch()
        out: list[npt.NDArray[np.float32]] = []
        for a in range(0, n_chunks, step):
            ids = [f"{doc_id}:{i}" for i in range(a, min(n_chunks, a + step))]
            got = col.get(ids=ids, include=["embeddings"])
            by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
            missing = [i for i in ids if i not in by_id]
            if missing:
                raise HearthError(f"The vector store lacks {len(missing)} vectors, e.g. {missing[0]}.")
            out.append(np.asarray([by_id[i] for i in ids], dtype=np.float32))
        return np.concatenate(out) if out else np.zeros((0, 0), np.float32)

    def import_document(
        self,
        record: DocRecord,
        pages: Sequence[tuple[Any, ...]],
        chunks: Sequence[tuple[Any, ...]],
        vectors: npt.NDArray[np.float32],
    ) -> None:
        """Store a document exported from another index under its own id: vectors first, then its
        rows in one transaction (complete; an older version of its path is replaced). Storing the
        same document again changes nothing, so an interrupted copy can simply run again."""
        as_chunks = [Chunk(text, page, idx, n) for idx, page, text, n in chunks]
        self.add_vectors(record.library, record.doc_id, as_chunks, vectors)
        self._insert_rows(record, pages, chunks)
        self._tidy()
        self.publish(record.doc_id)

    def _insert_rows(
        self, record: DocRecord, pages: Sequence[tuple[Any, ...]], chunks: Sequence[tuple[Any, ...]]
    ) -> bool:
        """A complete document's rows in one transaction (False if it is there already)."""
        with self._tx() as db:
            if db.execute("SELECT 1 FROM documents WHERE doc_id=?", (record.doc_id,)).fetchone():
                return False
            db.execute(
                f"INSERT INTO documents({_DOC_COLUMNS}) VALUES ({', '.join('?' * 14)})",
                (record.doc_id, record.library, record.path, record.sha256, "complete", record.pages,
                 record.chunks, record.tokens, None, record.added, record.kind, record.size, record.mtime_ns,
                 record.ocr_units),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO pages(doc_id, page, text, n_tokens, label, ocr) VALUES (?,?,?,?,?,?)",
                [(record.doc_id, *p) for p in pages],
            )
            db.executemany(
                "INSERT INTO chunks(doc_id, library, idx, page, text, n_tokens) VALUES (?,?,?,?,?,?)",
                [(record.doc_id, record.library, *c) for c in chunks],
            )
            self._replace_others(db, record.library, record.path, keep=record.doc_id)
        return True

    # -- the manifest published on a Chroma server (shared libraries) ---------------------------

    def _manifest(self, library: str) -> Any:
        """The server's collection holding ``library``'s manifest rows (no vectors: one constant
        1-dimensional embedding each, as chroma wants one)."""
        return self.client.get_or_create_collection(
            collection_name(library) + "-manifest",
            metadata={"hearth_manifest": library},
            embedding_function=None,
        )

    def _put(self, col: Any, rows: Sequence[tuple[str, str, dict[str, Any]]]) -> None:
        step = self.max_batch()
        for a in range(0, len(rows), step):
            part = rows[a : a + step]
            col.upsert(
                ids=[r[0] for r in part],
                documents=[r[1] for r in part],
                metadatas=[r[2] for r in part],
                embeddings=np.ones((len(part), 1), np.float32),
            )

    def publish(self, doc_id: str) -> None:
        """Put a complete document's manifest rows on the Chroma server (nothing for the local
        store): its pages and chunks first, its record last, so a reader never sees half of it."""
        record = self.document(doc_id)
        if not self.chroma_url or record is None or record.status != "complete":
            return
        pages, chunks = self.export_document(doc_id)
        rows = [(f"{doc_id}:p{page}", text, {"doc_id": doc_id, "kind": "page", "page": page, "n_tokens": n,
                 "label": label, "ocr": ocr}) for page, text, n, label, ocr in pages]  # fmt: skip
        rows += [(f"{doc_id}:c{idx}", text, {"doc_id": doc_id, "kind": "chunk", "idx": idx, "page": page,
                  "n_tokens": n}) for idx, page, text, n in chunks]  # fmt: skip
        rows.append((doc_id, json.dumps(dataclasses.asdict(record)), {"doc_id": doc_id, "kind": "document"}))
        self._put(self._manifest(record.library), rows)

    def pull(self) -> int:
        """Make the local manifest of a Chroma server match what is published there: documents
        another Hearth added are copied in (vectors stay on the server), documents removed there are
        dropped here, and complete documents only this machine knows (indexed before publishing
        existed) are published. Returns how many documents came or went. Nothing for the local store."""
        if not self.chroma_url:
            return 0
        changed = 0
        for col in self.client.list_collections():
            meta = col.metadata or {}
            library = meta.get("hearth_library")
            if not library or "embedding_model" not in meta:
                continue
            if self.library_model(library) is None:
                with self._tx() as db:
                    db.execute(
                        "INSERT INTO libraries(name, collection, model, dim, created) VALUES (?,?,?,?,?)",
                        (library, col.name, meta["embedding_model"], int(meta["embedding_dim"]), time.time()),
                    )
            changed += self._pull_library(library)
        return changed

    def _pull_library(self, library: str) -> int:
        man = self._manifest(library)
        got = man.get(where={"kind": {"$in": ["document", "removed"]}}, include=["documents", "metadatas"])
        published = {i: d for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
                     if m["kind"] == "document"}  # fmt: skip
        removed = {i for i, m in zip(got["ids"], got["metadatas"], strict=True) if m["kind"] == "removed"}
        changed = 0
        for doc_id, fields in published.items():
            if self.document(doc_id) is not None:
                continue
            rows = man.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
            parts = list(zip(rows["documents"], rows["metadatas"], strict=True))
            pages = sorted(
                (m["page"], t, m["n_tokens"], m["label"], m["ocr"]) for t, m in parts if m["kind"] == "page"
            )
            chunks = sorted((m["idx"], m["page"], t, m["n_tokens"]) for t, m in parts if m["kind"] == "chunk")
            changed += self._insert_rows(DocRecord(**json.loads(fields)), pages, chunks)
        with self._tx() as db:
            for d in self.documents(library):
                if d.doc_id in removed:
                    self._drop_rows(db, d.doc_id)
                    changed += 1
        for d in self.documents(library):
            if d.status == "complete" and d.doc_id not in published and d.doc_id not in removed:
                self.publish(d.doc_id)
        self._tidy()
        return changed

    def _tidy(self) -> None:
        """Empty the trash after a commit, best effort: a vector store failure here (a server gone)
        must not undo the commit; what is left in the trash goes on the next open or commit."""
        try:
            self.empty_trash()
        except Exception as exc:
            log.warning("document index: could not delete replaced vectors yet (%s)", exc)

    def remove(self, library: str, path: str) -> int:
        """Remove every version of ``path`` from ``library``; returns how many were removed."""
        with self._tx() as db:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT doc_id FROM documents WHERE library=? AND path=?", (library, path)
                )
            ]
            for doc_id in ids:
                self._drop_rows(db, doc_id)
        self.empty_trash()
        return len(ids)

    def remove_doc(self, doc_id: str) -> None:
        """Drop one document version (e.g. an ingestion cancelled half-way) and its vectors."""
        with self._tx() as db:
            self._drop_rows(db, doc_id)
        self.empty_trash()

    def _replace_others(self, db: sqlite3.Connection, library: str, path: str, keep: str) -> None:
        for (other,) in db.execute(
            "SELECT doc_id FROM documents WHERE library=? AND path=? AND doc_id<>?", (library, path, keep)
        ).fetchall():
            self._drop_rows(db, other)

    def _drop_rows(self, db: sqlite3.Connection, doc_id: str) -> None:
        row = db.execute("SELECT library, chunks, status FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            return
        db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
        db.execute("DELETE FROM pages WHERE doc_id=?", (doc_id,))
        db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
        if row[2] != "failed":
            db.execute("INSERT OR IGNORE INTO trash(doc_id, library) VALUES (?,?)", (doc_id, row[0]))

    def empty_trash(self) -> None:
        """Delete the vectors of removed/replaced/abandoned documents from chroma."""
        with self._lock:
            rows = self.db.execute("SELECT doc_id, library FROM trash").fetchall()
        for doc_id, library in rows:
            if self.library_model(library) is not None:
                self.collection(library).delete(where={"doc_id": doc_id})
                if self.chroma_url:  # a tombstone, so other machines drop their copy on their next pull
                    manifest = self._manifest(library)
                    manifest.delete(where={"doc_id": doc_id})
                    self._put(manifest, [(doc_id, "", {"doc_id": doc_id, "kind": "removed"})])
            with self._tx() as db:
                db.execute("DELETE FROM trash WHERE doc_id=?", (doc_id,))

    def recover(self) -> int:
        """Purge documents left ``indexing`` by a process that no longer runs (crash, kill -9)."""
        with self._tx() as db:
            stale = [
                doc_id
                for doc_id, pid in db.execute(
                    "SELECT doc_id, owner_pid FROM documents WHERE status='indexing'"
                )
                if pid is None or not _pid_alive(int(pid))
            ]
            for doc_id in stale:
                self._drop_rows(db, doc_id)
        with self._lock:
            pending = self.db.execute("SELECT COUNT(*) FROM trash").fetchone()[0]
        if pending:
            self.empty_trash()
        return len(stale)

    # -- search ---------------------------------------------------------------------------------

    def vector_search(
        self, library: str, query: npt.NDArray[np.float32], n: int
    ) -> list[tuple[str, int, float]]:
        """(doc_id, chunk idx, cosine similarity) of the ``n`` nearest chunks."""
        col = self.collection(library)
        res = col.query(query_embeddings=[query], n_results=max(1, n), include=["metadatas", "distances"])
        metas = (res.get("metadatas") or [[]])[0]
        dists = (res.get("distances") or [[]])[0]
        return [(str(m["doc_id"]), int(m["idx"]), 1.0 - float(d)) for m, d in zip(metas, dists, strict=True)]

    def keyword_search(self, library: str, query: str, n: int) -> list[tuple[int, float]]:
        """(chunk rowid, BM25 score, higher is better) of the best ``n`` keyword matches."""
        match = fts_query(query)
        if not match:
            return []
        with self._lock:
            rows = self.db.execute(
                "SELECT rowid, -bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? AND library=?"
                " ORDER BY bm25(chunks_fts) LIMIT ?",
                (match, library, n),
            ).fetchall()
        return [(int(r[0]), float(r[1])) for r in rows]

    def chunk_rows(self, rowids: Sequence[int] = (), keys: Sequence[tuple[str, int]] = ()) -> list[ChunkRow]:
        """Complete chunks by rowid or by (doc_id, idx); unknown ones (incomplete docs) are skipped."""
        sql = (
            "SELECT c.id, c.doc_id, c.idx, c.page, c.text, c.n_tokens, d.path, COALESCE(p.label, ''), d.kind"
            " FROM chunks c JOIN documents d ON d.doc_id=c.doc_id"
            " LEFT JOIN pages p ON p.doc_id=c.doc_id AND p.page=c.page WHERE d.status='complete' AND "
        )
        out: list[ChunkRow] = []
        with self._lock:
            for rid in rowids:
                out += [ChunkRow(*r) for r in self.db.execute(sql + "c.id=?", (rid,))]
            for doc_id, idx in keys:
                out += [ChunkRow(*r) for r in self.db.execute(sql + "c.doc_id=? AND c.idx=?", (doc_id, idx))]
        return out

    def pages(self, doc_id: str) -> list[tuple[int, str, int, str]]:
        """(unit, text, n_tokens, label) of a complete document, in order."""
        with self._lock:
            return [
                (int(p), str(t), int(n), str(label))
                for p, t, n, label in self.db.execute(
                    "SELECT page, text, n_tokens, label FROM pages WHERE doc_id=? ORDER BY page", (doc_id,)
                )
            ]

    def stored_unit(self, path: str, unit: int) -> tuple[str, str, str] | None:
        """(text, label, kind) of unit ``unit`` of the newest complete version of ``path`` (the viewer
        shows this stored text: the file is never parsed again outside the time-bounded worker)."""
        with self._lock:
            row = self.db.execute(
                "SELECT p.text, p.label, d.kind FROM pages p JOIN documents d ON d.doc_id=p.doc_id"
                " WHERE d.path=? AND p.page=? AND d.status='complete' ORDER BY d.added DESC LIMIT 1",
                (path, unit),
            ).fetchone()
        return (str(row[0]), str(row[1]), str(row[2])) if row else None
