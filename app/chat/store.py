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
import re
import sqlite3
import threading
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from app import paths, sqlitedb
from app.chat.types import Role
from app.i18n import tr

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
    # the model answering the chat: '' = the local one, else JSON ["saved server name", "model"]
    3: "ALTER TABLE conversations ADD COLUMN engine TEXT NOT NULL DEFAULT ''",
    # pinned chats, folders, and full-text search over every message (every version), kept by triggers
    4: """
    ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversations ADD COLUMN folder TEXT NOT NULL DEFAULT '';
    CREATE VIRTUAL TABLE messages_fts USING fts5(
        content, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
    INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
        INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
    END;
    """,
}
_ORDER = " ORDER BY pinned DESC, updated DESC, id DESC"  # how chats are listed
HIT_START, HIT_END = "\x02", "\x03"  # around the matched words in :attr:`SearchHit.snippet`
SCHEMA_VERSION = max(_MIGRATIONS)


@dataclass
class Conversation:
    id: int
    title: str
    system_prompt: str
    libraries: list[str]
    created: float
    updated: float
    engine: str = ""  # '' = the local model, else JSON [saved server name, model] (app.chat.servers)
    pinned: bool = False  # listed first
    folder: str = ""  # '' = in no folder


@dataclass(frozen=True)
class SearchHit:
    """A conversation that matches a search, with the best-matching passage of its messages ('' when
    only the title matched), the matched words between :data:`HIT_START` and :data:`HIT_END`."""

    conversation: Conversation
    snippet: str = ""


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
        sqlitedb.migrate(self._db, _MIGRATIONS, self.path)
        with self._tx() as db:  # replies cut off by a crash or kill -9
            db.execute("UPDATE messages SET status='interrupted' WHERE status='streaming'")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlitedb.transaction(self._db, self._lock)

    def _update(self, table: str, row_id: int, **values: Any) -> None:
        """UPDATE the given columns of one row; ``None`` values are left unchanged."""
        sets = {k: v for k, v in values.items() if v is not None}
        if not sets:
            return
        cols = ", ".join(f"{k}=?" for k in sets)
        with self._tx() as db:
            db.execute(f"UPDATE {table} SET {cols} WHERE id=?", (*sets.values(), row_id))

    # conversations ---------------------------------------------------------------------------

    def create_conversation(self, title: str | None = None, system_prompt: str = "") -> Conversation:
        """A new, empty conversation (``title`` None: "New chat", in the user's language)."""
        title = tr("New chat") if title is None else title
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

    def conversations(self, search: str = "", folder: str | None = None) -> list[Conversation]:
        """Pinned first, then the most recently updated; ``search``: see :meth:`search`; ``folder``:
        only the chats in that folder ('' = in none)."""
        if search:
            return [h.conversation for h in self.search(search, folder)]
        where, args = ("", ()) if folder is None else (" WHERE folder=?", (folder,))
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM conversations{where}{_ORDER}", args).fetchall()
        return [_conversation(r) for r in rows]

    def search(self, text: str, folder: str | None = None, limit: int = 200) -> list[SearchHit]:
        """Chats whose title contains ``text`` or whose messages (any version) contain all its words,
        each as a word or the start of one, accents and case ignored (SQLite FTS5); listed as
        :meth:`conversations` lists them, each with its best-ranked passage."""
        words = re.findall(r"\w+", text)
        snippets: dict[int, str] = {}
        with self._lock:
            if words:
                query = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
                rows = self._db.execute(
                    "SELECT m.conversation_id, snippet(messages_fts, 0, ?, ?, '…', 12) FROM messages_fts"
                    " JOIN messages m ON m.id = messages_fts.rowid WHERE messages_fts MATCH ?"
                    " ORDER BY bm25(messages_fts) LIMIT ?",
                    (HIT_START, HIT_END, query, limit * 5),
                ).fetchall()
                for conversation_id, snippet in rows:
                    snippets.setdefault(conversation_id, snippet)
            like = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            marks = ",".join("?" * len(snippets))
            sql = f"SELECT * FROM conversations WHERE (title LIKE ? ESCAPE '\\' OR id IN ({marks}))"
            args: tuple[Any, ...] = (like, *snippets)
            if folder is not None:
                sql, args = sql + " AND folder=?", (*args, folder)
            found = self._db.execute(sql + _ORDER + " LIMIT ?", (*args, limit)).fetchall()
        return [SearchHit(_conversation(r), snippets.get(r["id"], "")) for r in found]

    def folders(self) -> list[str]:
        """The folder names in use, sorted."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT folder FROM conversations WHERE folder != '' ORDER BY folder"
            )
            return [r[0] for r in rows.fetchall()]

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._update("conversations", conversation_id, pinned=int(pinned))  # not "updated": no reordering

    def set_folder(self, conversation_id: int, folder: str) -> None:
        """Move the chat into ``folder`` ('' = out of any folder)."""
        self._update("conversations", conversation_id, folder=folder.strip())

    def update_conversation(
        self,
        conversation_id: int,
        *,
        title: str | None = None,
        system_prompt: str | None = None,
        libraries: list[str] | None = None,
        engine: str | None = None,
    ) -> None:
        self._update(
            "conversations",
            conversation_id,
            updated=time.time(),
            title=title,
            system_prompt=system_prompt,
            libraries=None if libraries is None else json.dumps(libraries),
            engine=engine,
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
        return self.add_chain(
            replace(source, title=tr("{title} (branch)").format(title=source.title)), path[: upto + 1]
        )

    def add_chain(self, like: Conversation, messages: Sequence[Message]) -> Conversation:
        """A new conversation with the title, prompt, libraries, engine and folder of ``like`` (not
        pinned), holding ``messages`` in order, each the chosen reply to the one before (one
        transaction: all of them or, on an error, none)."""
        now = time.time()
        with self._tx() as db:
            conv_id = _insert_conversation(db, like, now)
            parent: int | None = None
            for p in messages:
                values = (
                    p.role,
                    p.content,
                    p.status,
                    json.dumps(p.stats),
                    json.dumps(p.sources),
                    p.created or now,
                )
                child = _copy_message(db, conv_id, values, parent)
                _choose(db, conv_id, parent, child)
                parent = child
        return self.conversation(conv_id)

    def duplicate(self, conversation_id: int) -> Conversation:
        """A copy of the conversation with every message and version, following the same choices."""
        source = self.conversation(conversation_id)
        with self._tx() as db:
            rows = db.execute(
                "SELECT * FROM messages WHERE conversation_id=? ORDER BY id", (conversation_id,)
            ).fetchall()
            (root,) = db.execute(
                "SELECT chosen_root FROM conversations WHERE id=?", (conversation_id,)
            ).fetchone()
            conv_id = _insert_conversation(
                db, replace(source, title=tr("{title} (copy)").format(title=source.title)), time.time()
            )
            ids: dict[int, int] = {}
            for r in rows:  # a parent is older than its children: its copy exists already
                values = (r["role"], r["content"], r["status"], r["stats"], r["sources"], r["created"])
                ids[r["id"]] = _copy_message(db, conv_id, values, ids.get(r["parent_id"]))
            for r in rows:
                if r["chosen_child"] in ids:
                    db.execute(
                        "UPDATE messages SET chosen_child=? WHERE id=?",
                        (ids[r["chosen_child"]], ids[r["id"]]),
                    )
            db.execute("UPDATE conversations SET chosen_root=? WHERE id=?", (ids.get(root), conv_id))
        return self.conversation(conv_id)


def _copy_message(
    db: sqlite3.Connection, conversation_id: int, values: tuple[Any, ...], parent: int | None
) -> int:
    """Insert a message of ``conversation_id``: ``values`` = (role, content, status, stats JSON,
    sources JSON, created). Returns its id."""
    cur = db.execute(
        "INSERT INTO messages(conversation_id, role, content, status, stats, sources, created, parent_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (conversation_id, *values, parent),
    )
    return int(cur.lastrowid or 0)


def _insert_conversation(db: sqlite3.Connection, like: Conversation, now: float) -> int:
    cur = db.execute(
        "INSERT INTO conversations(title, system_prompt, libraries, engine, folder, created, updated)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (like.title, like.system_prompt, json.dumps(like.libraries), like.engine, like.folder, now, now),
    )
    return int(cur.lastrowid or 0)


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
        engine=row["engine"],
        pinned=bool(row["pinned"]),
        folder=row["folder"],
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
