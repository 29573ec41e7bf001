"""ChatStore and ChatSession on real SQLite files, including a kill -9 in the middle of a reply."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.chat import export
from app.chat.session import ChatSession
from app.chat.store import HIT_END, HIT_START, SCHEMA_VERSION, ChatStore
from app.chat.types import Stats
from app.errors import HearthError

ROOT = Path(__file__).resolve().parents[3]
DATA = Path(__file__).parent / "data"
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


def contents(store: ChatStore, conversation_id: int) -> list[str]:
    return [m.content for m in store.messages(conversation_id)]


def test_regenerate_and_edit_add_versions_and_keep_the_old_ones(store: ChatStore) -> None:
    session = ChatSession(store)
    conv = store.create_conversation()
    p1 = session.send(conv.id, "first")
    session.finish(p1.message_id, "answer one", STATS)
    p2 = session.send(conv.id, "second")
    session.finish(p2.message_id, "answer two", STATS)
    p3 = session.regenerate(conv.id)
    assert [m.content for m in p3.prompt] == ["first", "answer one", "second"]
    session.finish(p3.message_id, "answer two again", STATS)
    shown = store.messages(conv.id)
    assert [m.content for m in shown] == ["first", "answer one", "second", "answer two again"]
    assert shown[-1].versions == (p2.message_id, p3.message_id) and shown[-1].version == 2

    p4 = session.edit(conv.id, shown[0].id, "first, edited")
    assert [m.content for m in p4.prompt] == ["first, edited"]
    session.finish(p4.message_id, "answer to the edit", STATS)
    edited = store.messages(conv.id)
    assert [m.content for m in edited] == ["first, edited", "answer to the edit"]
    assert edited[0].versions == (shown[0].id, edited[0].id)

    store.choose(shown[0].id)  # back to the first version: its own branch, as it was left
    assert contents(store, conv.id) == ["first", "answer one", "second", "answer two again"]
    store.choose(p2.message_id)
    assert contents(store, conv.id)[-1] == "answer two"
    p5 = session.send(conv.id, "third")  # goes on from the chosen version
    assert [m.content for m in p5.prompt][-2:] == ["answer two", "third"]
    assert store.message(p5.message_id).parent_id == store.messages(conv.id)[-2].id


def test_regenerate_a_middle_reply_continues_from_it(store: ChatStore) -> None:
    session = ChatSession(store)
    conv = store.create_conversation()
    for text in ("one", "two"):
        p = session.send(conv.id, text)
        session.finish(p.message_id, f"answer {text}", STATS)
    first_reply = store.messages(conv.id)[1]
    p = session.regenerate(conv.id, first_reply.id)
    assert [m.content for m in p.prompt] == ["one"]
    session.finish(p.message_id, "answer one, again", STATS)
    assert contents(store, conv.id) == ["one", "answer one, again"]
    with pytest.raises(ValueError):
        session.regenerate(conv.id, store.messages(conv.id)[0].id + 10_000)


def test_delete_takes_what_follows_and_shows_the_other_version(store: ChatStore) -> None:
    session = ChatSession(store)
    conv = store.create_conversation()
    p = session.send(conv.id, "q")
    session.finish(p.message_id, "a1", STATS)
    p2 = session.regenerate(conv.id)
    session.finish(p2.message_id, "a2", STATS)
    p3 = session.send(conv.id, "follow-up")
    session.finish(p3.message_id, "a3", STATS)
    store.delete_message(p2.message_id)  # a2 and the turn after it
    assert contents(store, conv.id) == ["q", "a1"]
    assert store.messages(conv.id)[1].versions == (p.message_id,)
    store.delete_message(store.messages(conv.id)[0].id)
    assert store.messages(conv.id) == []
    assert store._db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 0


def test_branch_copies_the_conversation_up_to_a_message(store: ChatStore) -> None:
    session = ChatSession(store)
    conv = store.create_conversation("Kilns", system_prompt="Be brief.")
    store.update_conversation(conv.id, libraries=["pottery"])
    for text in ("one", "two"):
        p = session.send(conv.id, text)
        session.finish(p.message_id, f"answer {text}", STATS, details={"model": "m"})
    cut = store.messages(conv.id)[1]
    branch = store.branch(cut.id)
    assert branch.id != conv.id and branch.title == "Kilns (branch)"
    assert (branch.system_prompt, branch.libraries) == ("Be brief.", ["pottery"])
    copied = store.messages(branch.id)
    assert [m.content for m in copied] == ["one", "answer one"]
    assert copied[1].stats["model"] == "m" and copied[1].created == cut.created
    assert contents(store, conv.id) == ["one", "answer one", "two", "answer two"]  # untouched
    p = session.send(branch.id, "three")
    assert [m.content for m in p.prompt] == ["Be brief.", "one", "answer one", "three"]


def test_a_version_1_database_migrates_without_losing_chats(tmp_path: Path) -> None:
    """chat-v1.sqlite3 was written by the schema-1 store (two chats, one reply left streaming)."""
    path = tmp_path / "chat.sqlite3"
    shutil.copy(DATA / "chat-v1.sqlite3", path)
    store = ChatStore(path)
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    kiln, hi = sorted(store.conversations(), key=lambda c: c.id)
    shown = store.messages(kiln.id)
    assert [(m.role, m.content) for m in shown] == [
        ("user", "What is a kiln?"),
        ("assistant", "An oven for pottery."),
        ("user", "How hot?"),
        ("assistant", "About 1200 °C."),
    ]
    assert [m.parent_id for m in shown] == [None, shown[0].id, shown[1].id, shown[2].id]
    assert shown[3].stats["tokens_per_s"] == 48.0 and kiln.system_prompt == "Be brief."
    assert [(m.content, m.status) for m in store.messages(hi.id)] == [
        ("Hi", "complete"),
        ("Hel", "interrupted"),
    ]
    session = ChatSession(store)
    p = session.regenerate(kiln.id)
    assert [m.content for m in p.prompt][-1] == "How hot?"
    assert store.messages(kiln.id)[-1].versions == (shown[3].id, p.message_id)
    assert store._db.execute("PRAGMA foreign_key_check").fetchall() == []
    (hit,) = store.search("pottery")  # the old messages are in the full-text index too
    assert hit.conversation.id == kiln.id and f"{HIT_START}pottery{HIT_END}" in hit.snippet


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
from app.chat.store import HIT_END, HIT_START, SCHEMA_VERSION, ChatStore
from app.errors import HearthError
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


def test_full_text_search_words_any_order_prefixes_accents_and_every_version(store: ChatStore) -> None:
    session = ChatSession(store)
    bread = store.create_conversation("Baking")
    p = session.send(bread.id, "How long does sourdough bread need to rise?")
    session.finish(p.message_id, "A sourdough loaf rises for four to six hours at room temperature.", STATS)
    first = session.regenerate(bread.id)
    session.finish(first.message_id, "Overnight in the fridge works too.", STATS)
    cafe = store.create_conversation("Café")
    store.add_message(cafe.id, "user", "Un café crème, s'il vous plaît.")
    (hit,) = store.search("hours sourdough")  # all words, in any order, in the older version
    assert hit.conversation.id == bread.id
    assert f"{HIT_START}sourdough{HIT_END}" in hit.snippet and f"{HIT_START}hours{HIT_END}" in hit.snippet
    assert [h.conversation.id for h in store.search("sourd")] == [bread.id]  # the start of a word
    assert [h.conversation.id for h in store.search("CREME")] == [cafe.id]  # case and accents ignored
    assert [(h.conversation.id, h.snippet) for h in store.search("Caf")] == [
        (cafe.id, f"Un {HIT_START}café{HIT_END} crème, s'il vous plaît.")
    ]
    assert store.search("bread fridge") == []  # the words are in two different messages
    assert [h.conversation.id for h in store.search('"); DROP TABLE messages; --')] == []  # just words
    assert [h.snippet for h in store.search("Baking")] == [""]  # the title matched, no passage


def test_the_search_index_follows_edits_streaming_and_deletes(store: ChatStore) -> None:
    conv = store.create_conversation()
    m = store.add_message(conv.id, "assistant", "Partial ans", status="streaming")
    store.update_message(m.id, content="Partial answer about glaciers")  # a flush while streaming
    assert [h.conversation.id for h in store.search("glaciers")] == [conv.id]
    assert store.search("ans") and not store.search("volcano")
    store.update_message(m.id, content="Now about a volcano")
    assert store.search("glaciers") == [] and store.search("volcano")
    store.delete_conversation(conv.id)  # its messages go by cascade, and from the index
    assert store.search("volcano") == []
    assert (
        store._db.execute("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'volcano'").fetchone()[
            0
        ]
        == 0
    )


def test_pinned_chats_come_first_and_folders_filter(store: ChatStore) -> None:
    old, mid, new = (store.create_conversation(t) for t in ("old", "mid", "new"))
    store.set_pinned(old.id, True)
    assert [c.title for c in store.conversations()] == ["old", "new", "mid"]  # pinning keeps its date
    store.set_folder(mid.id, " Work ")
    store.set_folder(new.id, "Home")
    assert store.folders() == ["Home", "Work"]
    assert [c.title for c in store.conversations(folder="Work")] == ["mid"]
    assert [c.title for c in store.conversations(folder="")] == ["old"]
    store.add_message(mid.id, "user", "budget for work")
    assert [c.id for c in store.conversations("budget", folder="Home")] == []
    assert store.conversation(old.id).pinned and store.conversation(mid.id).folder == "Work"
    store.set_folder(mid.id, "")
    assert store.folders() == ["Home"]


def test_duplicate_copies_every_version_and_follows_the_same_choices(store: ChatStore) -> None:
    session = ChatSession(store)
    conv = store.create_conversation("Plans", system_prompt="Be brief.")
    store.set_folder(conv.id, "Work")
    p = session.send(conv.id, "Plan a trip")
    session.finish(p.message_id, "Version one", STATS)
    second = session.regenerate(conv.id)
    session.finish(second.message_id, "Version two", STATS)
    store.choose(p.message_id)  # the first version is the one shown
    copy = store.duplicate(conv.id)
    assert (copy.title, copy.system_prompt, copy.folder) == ("Plans (copy)", "Be brief.", "Work")
    shown = store.messages(copy.id)
    assert [m.content for m in shown] == ["Plan a trip", "Version one"]
    assert len(shown[1].versions) == 2 and shown[1].version == 1
    store.choose(shown[1].versions[1])
    assert store.messages(copy.id)[1].content == "Version two"
    assert [m.content for m in store.messages(conv.id)] == ["Plan a trip", "Version one"]  # untouched


def test_import_of_an_export_and_of_openai_messages_refusing_anything_else(
    store: ChatStore, tmp_path: Path
) -> None:
    session = ChatSession(store)
    conv = store.create_conversation("Trip", system_prompt="sys")
    p = session.send(conv.id, "Where to?")
    session.finish(p.message_id, "Lisbon.", STATS, sources=[{"file": "a.pdf", "page": 3}])
    back = export.from_json(store, export.to_json(store, conv.id))
    assert (back.title, back.system_prompt) == ("Trip", "sys") and back.id != conv.id
    shown = store.messages(back.id)
    assert [(m.role, m.content) for m in shown] == [("user", "Where to?"), ("assistant", "Lisbon.")]
    assert shown[1].sources == [{"file": "a.pdf", "page": 3}] and shown[1].stats["completion_tokens"] == 5
    plain = export.from_json(
        store,
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": "Hi"},
                    {"role": "assistant", "content": "Hello", "status": "streaming"},
                ]
            }
        ),
    )
    assert plain.title == "Imported chat" and [m.status for m in store.messages(plain.id)] == [
        "complete",
        "interrupted",
    ]
    before = len(store.conversations())
    for bad, why in [
        ("not json", "not valid JSON"),
        ("[1, 2]", 'no "messages" list'),
        ('{"messages": []}', 'no "messages" list'),
        ('{"messages": [{"role": "user", "content": "ok"}, {"role": "robot", "content": "x"}]}', "message 2"),
        ('{"messages": [{"role": "user", "content": 5}]}', "message 1"),
    ]:
        with pytest.raises(HearthError, match=why):
            export.from_json(store, bad)
    assert len(store.conversations()) == before  # nothing half-imported
