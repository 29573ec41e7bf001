"""The reply state machine on real llama.cpp, a real store and (for grounding) the real index."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.assistant.reply import Finished, Phase, PhaseChanged, Reply, ReplyRequest, SourcesFound
from app.chat.engine import LocalEngine
from app.chat.prompt_cache import PromptCache
from app.chat.session import ChatSession
from app.chat.store import ChatStore
from app.chat.types import PromptProgress, Token
from app.docs import embeddings
from app.settings import LoadParams, SamplingParams
from tests.support.pdfs import FACTS, fact_pdf

GREEDY = SamplingParams(temperature=0.0, max_tokens=16, seed=1)
LONG = "Tell me everything about the old lighthouse on the cliff. " * 220  # ~2,600 tokens


@pytest.fixture
def session(tmp_path: Path) -> Iterator[ChatSession]:
    store = ChatStore(tmp_path / "chat.sqlite3")
    yield ChatSession(store)
    store.close()


@pytest.fixture(scope="module")
def engine(synthetic_small: Path) -> Iterator[LocalEngine]:
    eng = LocalEngine()
    eng.load(synthetic_small, LoadParams(n_ctx=4096))
    yield eng
    eng.unload()


def start(session: ChatSession, text: str, libraries: tuple[str, ...] = ()) -> Reply:
    conv = session.store.create_conversation()
    pending = session.send(conv.id, text)
    request = ReplyRequest(tuple(pending.prompt), GREEDY, libraries, None, conv.id, pending.message_id)
    return Reply(request, session)


def phases(events: list[object]) -> list[Phase]:
    return [e.phase for e in events if isinstance(e, PhaseChanged | Finished)]


def test_phases_in_order_and_the_reply_stored(session: ChatSession, engine: LocalEngine) -> None:
    reply = start(session, LONG)
    events = list(reply.run(engine))
    assert phases(events) == [Phase.READING, Phase.STREAMING, Phase.DONE]
    assert sum(isinstance(e, PromptProgress) for e in events) >= 5  # one per 512-token slice
    finished = events[-1]
    assert isinstance(finished, Finished) and finished.stats is not None
    text = "".join(e.text for e in events if isinstance(e, Token))
    stored = session.store.message(reply.request.message_id or 0)
    assert stored.status == "complete" and stored.content == text == finished.text
    assert stored.stats["prompt_tokens"] == finished.stats.prompt_tokens
    assert stored.stats["model"] == engine.info.name if engine.info else False
    assert stored.stats["duration_ms"] >= finished.stats.ttft_ms and "thinking_ms" not in stored.stats


def test_thinking_time_runs_from_the_first_marker_to_the_closing_one(session: ChatSession) -> None:
    reply = start(session, "Think first.")
    for piece, thinking in (("<thi", True), ("nk>Let me", True), (" see.</think>", False), ("Yes.", False)):
        reply.text += piece
        reply._time_thinking()
        assert len(reply._thinking) == (1 if thinking else 2)
    assert reply._details()["thinking_ms"] >= 0


def test_stop_while_reading_keeps_a_stopped_reply(session: ChatSession, engine: LocalEngine) -> None:
    reply = start(session, "Again: " + LONG)
    events = []
    for event in reply.run(engine):
        events.append(event)
        if isinstance(event, PromptProgress) and event.done > 0:
            reply.stop()
    assert phases(events) == [Phase.READING, Phase.STOPPED]
    assert not any(isinstance(e, Token) for e in events)
    assert session.store.message(reply.request.message_id or 0).status == "stopped"


def test_abandon_writes_once(session: ChatSession, engine: LocalEngine) -> None:
    """The GUI closing while the engine's thread is busy: the record is written by the GUI thread as
    "interrupted", and the engine's thread, finishing later, neither overwrites it nor reports."""
    reply = start(session, "Once more: " + LONG)
    events: list[object] = []
    for event in reply.run(engine):
        events.append(event)
        if isinstance(event, PromptProgress) and reply.finished is None:
            writer = threading.Thread(target=reply.abandon)  # what the GUI thread does on close
            writer.start()
            writer.join()
    assert not any(isinstance(e, Finished) for e in events)  # the abandoning thread had the last word
    assert reply.finished is not None and reply.finished.phase is Phase.INTERRUPTED
    assert session.store.message(reply.request.message_id or 0).status == "interrupted"


def test_chat_deleted_mid_reply_ends_quietly(session: ChatSession, engine: LocalEngine) -> None:
    reply = start(session, "Count to twenty.")
    events = []
    for event in reply.run(engine):
        events.append(event)
        if isinstance(event, Token) and reply.conversation_id is not None:
            session.store.delete_conversation(reply.conversation_id)
            reply.stop()
    assert phases(events)[-1] is Phase.STOPPED
    with pytest.raises(KeyError):
        session.store.message(reply.request.message_id or 0)


def test_failure_is_a_final_phase_with_plain_words(session: ChatSession) -> None:
    reply = start(session, "Hello?")
    events = list(reply.run(LocalEngine()))  # no model loaded
    assert phases(events) == [Phase.FAILED]
    assert isinstance(events[-1], Finished) and "No model is loaded" in events[-1].error
    assert session.store.message(reply.request.message_id or 0).status == "failed"


def test_next_turn_after_restart_continues_from_the_saved_state(
    session: ChatSession, synthetic_small: Path, tmp_path: Path
) -> None:
    cache = PromptCache(tmp_path / "kv", 2**30)
    (tmp_path / "kv").mkdir()
    first = LocalEngine(cache)
    first.load(synthetic_small, LoadParams(n_ctx=4096))
    reply = start(session, LONG)
    list(reply.run(first))  # ends with a checkpoint of the conversation
    first.unload()
    conv = reply.conversation_id or 0
    pending = session.send(conv, "And the keeper?")
    later = LocalEngine(cache)  # a new process, as after a restart
    later.load(synthetic_small, LoadParams(n_ctx=4096))
    again = Reply(ReplyRequest(tuple(pending.prompt), GREEDY, (), None, conv, pending.message_id), session)
    end = list(again.run(later))[-1]
    assert isinstance(end, Finished) and end.stats is not None
    assert end.stats.restored_tokens > 2000
    assert end.stats.prompt_tokens - end.stats.cached_tokens < 100  # only the new turn was read
    later.unload()


def test_grounded_reply_retrieves_then_reads(
    session: ChatSession, engine: LocalEngine, tmp_path: Path, hearth_home: Path
) -> None:
    from app.docs.index import DocIndex
    from app.docs.ingest import ingest

    index = DocIndex()
    for _ in ingest([fact_pdf(tmp_path / "keeper.pdf", pages=6)], "notes", index=index):
        pass
    index.close()
    first_use = not embeddings.is_loaded()
    reply = start(session, FACTS[0].question, libraries=("notes",))
    events = list(reply.run(engine))
    assert phases(events) == [Phase.RETRIEVING, Phase.READING, Phase.STREAMING, Phase.DONE]
    detail = next(e.detail for e in events if isinstance(e, PhaseChanged))
    assert ("first use" in detail) == first_use
    found = next(e for e in events if isinstance(e, SourcesFound))
    assert any(s["file"] == "keeper.pdf" and s["page"] == FACTS[0].page for s in found.sources)
    assert session.store.message(reply.request.message_id or 0).sources == found.sources
