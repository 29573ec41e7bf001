"""Conversations and messages in SQLite (stdlib, WAL), with a schema version and migrations.

Messages form a tree: each has a parent (``NULL`` for the first message), so regenerating a reply
or editing a message adds a sibling version instead of deleting anything. Each message remembers its
chosen child (the conversation its chosen root); :meth:`ChatStore.messages` follows those choices
from the root, taking the newest child where none is chosen, and that path is the conversation.

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

SCHEMA_VERSION = 2
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
    # the tree: a version-1 conversation becomes one chain, each message choosing the next
    2: """
    ALTER TABLE messages ADD COLUMN parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE;
    ALTER TABLE messages ADD COLUMN chosen_child INTEGER REFERENCES messages(id) ON DELETE SET NULL;
    ALTER TABLE conversations ADD COLUMN chosen_root INTEGER REFERENCES messages(id) ON DELETE SET NULL;
    UPDATE messages SET parent_id = (SELECT MAX(p.id) FROM messages p
        WHERE p.conversation_id = messages.conversation_id AND p.id < messages.id);
    UPDATE messages SET chosen_child = (SELECT MIN(c.id) FROM messages c
        WHERE c.conversation_id = messages.conversation_id AND c.id > messages.id);
    UPDATE conversations SET chosen_root = (SELECT MIN(m.id) FROM messages m
        WHERE m.conversation_id = conversations.id);
    CREATE INDEX messages_by_parent ON messages(parent_id);
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
    parent_id: int | None = None
    versions: tuple[int, ...] = ()  # this message and its siblings (ids, oldest first)

    @property
    def version(self) -> int:
        """1-based position among its versions (1 of 1 when it has none)."""
        return self.versions.index(self.id) + 1 if self.id in self.versions else 1


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
        """The conversation as shown: the chosen path through its tree, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM messages WHERE conversation_id=? ORDER BY id", (conversation_id,)
            ).fetchall()
            root = self._db.execute("SELECT chosen_root FROM conversations WHERE id=?", (conversation_id,))
            chosen_root = (root.fetchone() or (None,))[0]
        children: dict[int | None, list[sqlite3.Row]] = {}
        for r in rows:
            children.setdefault(r["parent_id"], []).append(r)
        path: list[Message] = []
        parent: int | None = None
        chosen = chosen_root
        while kids := children.get(parent):
            row = next((k for k in kids if k["id"] == chosen), kids[-1])
            path.append(_message(row, tuple(k["id"] for k in kids)))
            parent, chosen = row["id"], row["chosen_child"]
        return path

    def message(self, message_id: int) -> Message:
        with self._lock:
            row = self._db.execute("SELECT * FROM messages WHERE id=?", (message_id,)).fetchone()
            if row is None:
                raise KeyError(message_id)
            siblings = self._db.execute(
                "SELECT id FROM messages WHERE conversation_id=? AND parent_id IS ? ORDER BY id",
                (row["conversation_id"], row["parent_id"]),
            ).fetchall()
        return _message(row, tuple(r[0] for r in siblings))

    def add_message(
        self,
        conversation_id: int,
        role: Role,
        content: str,
        status: Status = "complete",
        sources: list[dict[str, Any]] | None = None,
        *,
        parent_id: int | None = None,
        after_path: bool = True,
    ) -> Message:
        """Add a message as the chosen child of ``parent_id``; with ``after_path`` (and no parent
        given) after the last message of the conversation as it is shown."""
        if parent_id is None and after_path:
            path = self.messages(conversation_id)
            parent_id = path[-1].id if path else None
        now = time.time()
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO messages(conversation_id, role, content, status, sources, created, parent_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (conversation_id, role, content, status, json.dumps(sources or []), now, parent_id),
            )
            new_id = int(cur.lastrowid or 0)
            _choose(db, conversation_id, parent_id, new_id)
            db.execute("UPDATE conversations SET updated=? WHERE id=?", (now, conversation_id))
        return self.message(new_id)

    def add_version(self, message_id: int, content: str) -> Message:
        """A new version of a message (same role and parent), chosen in its place (edit)."""
        old = self.message(message_id)
        return self.add_message(old.conversation_id, old.role, content, parent_id=old.parent_id,
                                after_path=False)  # fmt: skip

    def choose(self, message_id: int) -> None:
        """Show this version of a message: the conversation follows it (and its own choices)."""
        m = self.message(message_id)
        with self._tx() as db:
            _choose(db, m.conversation_id, m.parent_id, m.id)

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

    def delete_message(self, message_id: int) -> None:
        """Delete a message with everything that follows it (its subtree); its parent then shows
        its newest remaining version."""
        with self._tx() as db:
            db.execute("DELETE FROM messages WHERE id=?", (message_id,))

    def branch(self, message_id: int) -> Conversation:
        """A new conversation holding copies of this one's messages up to and including this one."""
        m = self.message(message_id)
        source = self.conversation(m.conversation_id)
        path = self.messages(m.conversation_id)
        upto = next((i for i, p in enumerate(path) if p.id == message_id), None)
        if upto is None:
            raise ValueError("only a message of the conversation as shown can start a branch")
        now = time.time()
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO conversations(title, system_prompt, libraries, created, updated)"
                " VALUES (?, ?, ?, ?, ?)",
                (f"{source.title} (branch)", source.system_prompt, json.dumps(source.libraries), now, now),
            )
            conv_id = int(cur.lastrowid or 0)
            parent: int | None = None
            for p in path[: upto + 1]:
                cur = db.execute(
                    "INSERT INTO messages(conversation_id, role, content, status, stats, sources, created,"
                    " parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (conv_id, p.role, p.content, p.status, json.dumps(p.stats), json.dumps(p.sources),
                     p.created, parent),
                )  # fmt: skip
                child = int(cur.lastrowid or 0)
                _choose(db, conv_id, parent, child)
                parent = child
        return self.conversation(conv_id)


def _choose(db: sqlite3.Connection, conversation_id: int, parent_id: int | None, child_id: int) -> None:
    if parent_id is None:
        db.execute("UPDATE conversations SET chosen_root=? WHERE id=?", (child_id, conversation_id))
    else:
        db.execute("UPDATE messages SET chosen_child=? WHERE id=?", (child_id, parent_id))


def _conversation(row: sqlite3.Row) -> Conversation:
    return Conversation(
        id=row["id"],
        title=row["title"],
        system_prompt=row["system_prompt"],
        libraries=list(json.loads(row["libraries"])),
        created=row["created"],
        updated=row["updated"],
    )


def _message(row: sqlite3.Row, versions: tuple[int, ...] = ()) -> Message:
    return Message(
        id=row["id"],
        conversation_id=row["conversation_id"],
        role=row["role"],
        content=row["content"],
        status=row["status"],
        stats=dict(json.loads(row["stats"])),
        sources=list(json.loads(row["sources"])),
        created=row["created"],
        parent_id=row["parent_id"],
        versions=versions,
    )
