"""SQL schema of the document manifest (versioned, with migrations) and the keyword (FTS5/BM25) query builder.

``PRAGMA user_version`` holds the schema version. Version 1 is the unversioned schema of earlier releases
(written with ``IF NOT EXISTS``, so it also adopts such a file as it is); each later step only adds, so an
existing index migrates without losing a document.
"""

from __future__ import annotations

import re

SCHEMA_VERSION = 2

_V1 = """
CREATE TABLE IF NOT EXISTS libraries(
    name TEXT PRIMARY KEY, collection TEXT NOT NULL, model TEXT NOT NULL, dim INTEGER NOT NULL,
    created REAL
);
CREATE TABLE IF NOT EXISTS documents(
    doc_id TEXT PRIMARY KEY, library TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL,
    status TEXT NOT NULL, pages INTEGER NOT NULL DEFAULT 0, chunks INTEGER NOT NULL DEFAULT 0,
    tokens INTEGER NOT NULL DEFAULT 0, error TEXT, added REAL, owner_pid INTEGER
);
CREATE INDEX IF NOT EXISTS documents_lib_path ON documents(library, path);
CREATE TABLE IF NOT EXISTS pages(
    doc_id TEXT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL, n_tokens INTEGER NOT NULL,
    PRIMARY KEY(doc_id, page)
);
CREATE TABLE IF NOT EXISTS chunks(
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, library TEXT NOT NULL, idx INTEGER NOT NULL,
    page INTEGER NOT NULL, text TEXT NOT NULL, n_tokens INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, idx);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, library UNINDEXED, content='chunks', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text, library) VALUES (new.id, new.text, new.library);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text, library) VALUES ('delete', old.id, old.text, old.library);
END;
CREATE TABLE IF NOT EXISTS trash(doc_id TEXT PRIMARY KEY, library TEXT NOT NULL);
"""

# 2: the reader that read a file, its (size, mtime_ns) signature (a watched folder's start costs a stat
# per unchanged file), how many units were read by OCR, and each unit's printed label ("xii", a heading)
_V2 = """
ALTER TABLE documents ADD COLUMN kind TEXT NOT NULL DEFAULT 'pdf';
ALTER TABLE documents ADD COLUMN size INTEGER;
ALTER TABLE documents ADD COLUMN mtime_ns INTEGER;
ALTER TABLE documents ADD COLUMN ocr_units INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0;
"""

MIGRATIONS: dict[int, str] = {1: _V1, 2: _V2}


_STOP = """a an and are as at be but by can could did do does for from had has have how i if in into is it
    its me my no not of on or our so than that the their them then there these they this those to
    was we were what when where which who whom why will with would you your about after all also any
    been before being between both during each few more most other over same some such through under
    until up very tell say said please give show find"""
STOPWORDS = frozenset(_STOP.split())

_WORD = re.compile(r"\w+", re.UNICODE)


def keywords(text: str) -> list[str]:
    """Query words worth matching: lower-cased, no stopwords, no 1-letter words, unique, in order."""
    words = [w.lower() for w in _WORD.findall(text)]
    kept = [w for w in words if w not in STOPWORDS and len(w) > 1] or [w for w in words if len(w) > 1]
    return list(dict.fromkeys(kept))


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression OR-ing the quoted keywords of ``text`` (empty if there are none)."""
    return " OR ".join(f'"{w}"' for w in keywords(text)[:32])
