"""Conversations and messages in SQLite (stdlib, WAL), with a schema version and migrations.

A reply being generated is written as status ``streaming`` and its text is flushed as it grows.
If the process dies (crash, kill -9), the next open marks such replies ``interrupted``: the partial
text is kept, the database stays consistent (every write is one short transaction).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from app import paths, sqlitedb
from app.chat.types import Role

SCHEMA_VERSION = 1
Status = Literal["complete", "streaming", "interrupted", "stopped", "failed"]

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE conversations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title TEXT NOT NULL,
        system_prompt TEXT NOT NULL DEFAULT '',
        libraries TEXT NOT NULL DEFAULT '[]',
        created REAL NOT NULL,
        updated REAL NOT NULL
    );
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'complete'
            CHECK (status IN ('complete', 'streaming', 'interrupted', 'stopped', 'failed')),
        stats TEXT NOT NULL DEFAULT '{}',
        sources TEXT NOT NULL DEFAULT '[]',
        created REAL NOT NULL
    );
    CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
    """,
}


@dataclass
class Conversation:
    id: int
    title: str
    system_prompt: str
    libraries: list[str]
    created: float
    updated: float


@dataclass
class Message:
    id: int
    conversation_id: int
    role: Role
    content: str
    status: Status = "complete"
    stats: dict[str, Any] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)
    created: float = 0.0


class ChatStore:
    """Thread-safe access to one SQLite file (one connection guarded by a lock)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.database_file()
        self._lock = threading.RLock()
        self._db = sqlitedb.connect(self.path)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()
        with self._tx() as db:  # replies cut off by a crash or kill -9
            db.execute("UPDATE messages SET status='interrupted' WHERE status='streaming'")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlitedb.transaction(self._db, self._lock)

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"database {self.path} is from a newer Hearth (schema {version})")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            # one script = one transaction: a crash mid-migration leaves the old version intact
            self._db.executescript(f"BEGIN; {_MIGRATIONS[target]}; PRAGMA user_version={target}; COMMIT;")

    def _update(self, table: str, row_id: int, **values: Any) -> None:
        """UPDATE the given columns of one row; ``None`` values are left unchanged."""
        sets = {k: v for k, v in values.items() if v is not None}
        if not sets:
            return
        cols = ", ".join(f"{k}=?" for k in sets)
        with self._tx() as db:
            db.execute(f"UPDATE {table} SET {cols} WHERE id=?", (*sets.values(), row_id))

    # conversations ---------------------------------------------------------------------------

    def create_conversation(self, title: str = "New chat", system_prompt: str = "") -> Conversation:
        now = time.time()
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO conversations(title, system_prompt, created, updated) VALUES (?, ?, ?, ?)",
                (title, system_prompt, now, now),
            )
        return self.conversation(int(cur.lastrowid or 0))

    def conversation(self, conversation_id: int) -> Conversation:
        with self._lock:
            row = self._db.execute("SELECT * FROM conversations WHERE id=?", (conversation_id,)).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        return _conversation(row)

    def conversations(self, search: str = "") -> list[Conversation]:
        """Most recently updated first; ``search`` matches titles and message text."""
        sql = "SELECT * FROM conversations"
        args: tuple[Any, ...] = ()
        if search:
            like = f"%{search}%"
            sql += " WHERE title LIKE ? OR id IN (SELECT conversation_id FROM messages WHERE content LIKE ?)"
            args = (like, like)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY updated DESC, id DESC", args).fetchall()
        return [_conversation(r) for r in rows]

    def update_conversation(
        self,
        conversation_id: int,
        *,
        title: str | None = None,
        system_prompt: str | None = None,
        libraries: list[str] | None = None,
    ) -> None:
        self._update(
            "conversations",
            conversation_id,
            updated=time.time(),
            title=title,
            system_prompt=system_prompt,
            libraries=None if libraries is None else json.dumps(libraries),
        )

    def delete_conversation(self, conversation_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM conversations WHERE id=?", (conversation_id,))

    # messages --------------------------------------------------------------------------------

    def messages(self, conversation_id: int) -> list[Message]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM messages WHERE conversation_id=? ORDER BY id", (conversation_id,)
            ).fetchall()
        return [_message(r) for r in rows]

    def message(self, message_id: int) -> Message:
        with self._lock:
            row = self._db.execute("SELECT * FROM messages WHERE id=?", (message_id,)).fetchone()
        if row is None:
            raise KeyError(message_id)
        return _message(row)

    def add_message(
        self,
        conversation_id: int,
        role: Role,
        content: str,
        status: Status = "complete",
        sources: list[dict[str, Any]] | None = None,
    ) -> Message:
        now = time.time()
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO messages(conversation_id, role, content, status, sources, created)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (conversation_id, role, content, status, json.dumps(sources or []), now),
            )
            db.execute("UPDATE conversations SET updated=? WHERE id=?", (now, conversation_id))
        return self.message(int(cur.lastrowid or 0))

    def update_message(
        self,
        message_id: int,
        *,
        content: str | None = None,
        status: Status | None = None,
        stats: dict[str, Any] | None = None,
        sources: list[dict[str, Any]] | None = None,
    ) -> None:
        self._update(
            "messages",
            message_id,
            content=content,
            status=status,
            stats=None if stats is None else json.dumps(stats),
            sources=None if sources is None else json.dumps(sources),
        )

    def delete_messages_after(self, conversation_id: int, message_id: int) -> None:
        """Delete every message of the conversation later than ``message_id`` (regenerate)."""
        with self._tx() as db:
            db.execute("DELETE FROM messages WHERE conversation_id=? AND id>?", (conversation_id, message_id))

    def rewrite_from(self, conversation_id: int, message_id: int, content: str) -> None:
        """Give ``message_id`` new content and delete every later message, in one transaction (edit)."""
        with self._tx() as db:
            db.execute("DELETE FROM messages WHERE conversation_id=? AND id>?", (conversation_id, message_id))
            db.execute("UPDATE messages SET content=? WHERE id=?", (content, message_id))


def _conversation(row: sqlite3.Row) -> Conversation:
    return Conversation(
        id=row["id"],
        title=row["title"],
        system_prompt=row["system_prompt"],
        libraries=list(json.loads(row["libraries"])),
        created=row["created"],
        updated=row["updated"],
    )


def _message(row: sqlite3.Row) -> Message:
    return Message(
        id=row["id"],
        conversation_id=row["conversation_id"],
        role=row["role"],
        content=row["content"],
        status=row["status"],
        stats=dict(json.loads(row["stats"])),
        sources=list(json.loads(row["sources"])),
        created=row["created"],
    )
