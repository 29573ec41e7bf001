"""SQLite plumbing shared by the chat store and the document index.

One connection per file, in WAL mode (readers never block the writer; a kill -9 loses at most the
open transaction), shared by threads that serialise on their owner's lock, with explicit
``BEGIN IMMEDIATE`` transactions.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def connect(path: Path) -> sqlite3.Connection:
    """A WAL connection usable from any thread (callers hold their lock around each use)."""
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=10000")  # another process (the CLI) may be writing
    return db


@contextmanager
def transaction(db: sqlite3.Connection, lock: threading.RLock) -> Iterator[sqlite3.Connection]:
    """Commit what the block does, or roll all of it back if it raises."""
    with lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def migrate(db: sqlite3.Connection, migrations: dict[int, str], path: Path) -> None:
    """Bring ``db`` to the newest version in ``migrations`` ({version: script}), one step at a time.

    Each step is one transaction with its ``PRAGMA user_version``: a crash mid-migration leaves the
    previous version intact. A file from a newer release is refused, never downgraded.
    """
    newest = max(migrations)
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > newest:
        raise RuntimeError(f"database {path} is from a newer Hearth (schema {version})")
    for target in range(version + 1, newest + 1):
        db.executescript(f"BEGIN; {migrations[target]}; PRAGMA user_version={target}; COMMIT;")
