"""ChatStore and ChatSession on real SQLite files, including a kill -9 in the middle of a reply."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.chat import export
from app.chat.session import ChatSession
from app.chat.store import ChatStore
from app.chat.types import Stats

ROOT = Path(__file__).resolve().parents[3]
STATS = Stats(10.0, 50.0, 12, 5, 0, 17, 1024, "stop")


@pytest.fixture
def store(tmp_path: Path) -> ChatStore:
    return ChatStore(tmp_path / "chat.sqlite3")


def test_send_finish_and_reload(tmp_path: Path, store: ChatStore) -> None:
    session = ChatSession(store)
    conv = store.create_conversation(system_prompt="Be kind.")
    pending = session.send(conv.id, "Hello there, how are you doing today?")
    assert [m.role for m in pending.prompt] == ["system", "user"]
    session.finish(pending.message_id, "Fine, thanks.", STATS)
    store.close()
    again = ChatStore(tmp_path / "chat.sqlite3")
    msgs = again.messages(conv.id)
    assert [(m.role, m.content, m.status) for m in msgs] == [
        ("user", "Hello there, how are you doing today?", "complete"),
        ("assistant", "Fine, thanks.", "complete"),
    ]
    assert msgs[1].stats["tokens_per_s"] == 50.0
    assert again.conversation(conv.id).title.startswith("Hello there")
    assert again._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_regenerate_and_edit(store: ChatStore) -> None:
    session = ChatSession(store)
    conv = store.create_conversation()
    p1 = session.send(conv.id, "first")
    session.finish(p1.message_id, "answer one", STATS)
    p2 = session.send(conv.id, "second")
    session.finish(p2.message_id, "answer two", STATS)
    p3 = session.regenerate(conv.id)
    assert [m.content for m in p3.prompt] == ["first", "answer one", "second"]
    session.finish(p3.message_id, "answer two again", STATS)
    first_user = store.messages(conv.id)[0]
    p4 = session.edit(conv.id, first_user.id, "first, edited")
    assert [m.content for m in p4.prompt] == ["first, edited"]
    assert [m.content for m in store.messages(conv.id)] == ["first, edited", ""]


def test_search_rename_delete(store: ChatStore) -> None:
    a = store.create_conversation("Pasta recipes")
    b = store.create_conversation("Taxes")
    store.add_message(b.id, "user", "what about carbonara?")
    assert {c.id for c in store.conversations("carbonara")} == {b.id}
    assert {c.id for c in store.conversations("pasta")} == {a.id}
    store.update_conversation(a.id, title="Italian food")
    assert store.conversation(a.id).title == "Italian food"
    store.delete_conversation(b.id)
    assert [c.id for c in store.conversations()] == [a.id]
    assert store.messages(b.id) == []


def test_export_markdown_and_json(store: ChatStore) -> None:
    session = ChatSession(store)
    conv = store.create_conversation(system_prompt="sys")
    p = session.send(conv.id, "Show code")
    session.finish(p.message_id, "```python\nprint(1)\n```", STATS, sources=[{"file": "a.pdf", "page": 3}])
    md = export.to_markdown(store, conv.id)
    assert "## You" in md and "print(1)" in md and "a.pdf, page 3" in md
    import json

    data = json.loads(export.to_json(store, conv.id))
    assert data["messages"][1]["stats"]["completion_tokens"] == 5


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "x.sqlite3")
    db.execute("PRAGMA user_version=99")
    db.close()
    with pytest.raises(RuntimeError, match="newer"):
        ChatStore(tmp_path / "x.sqlite3")


WRITER = """
import sys, time
from pathlib import Path
from app.chat.session import ChatSession
from app.chat.store import ChatStore
store = ChatStore(Path(sys.argv[1]))
session = ChatSession(store)
conv = store.create_conversation()
pending = session.send(conv.id, "tell me a long story")
text = ""
print("started", flush=True)
while True:
    text += "word "
    session.save_partial(pending.message_id, text, force=True)
    time.sleep(0.002)
"""


def test_kill_9_mid_reply_keeps_partial_and_database_sound(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
        time.sleep(0.5)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    store = ChatStore(db)
    assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conv = store.conversations()[0]
    user, reply = store.messages(conv.id)
    assert user.content == "tell me a long story"
    assert reply.status == "interrupted"
    assert reply.content.startswith("word word")
