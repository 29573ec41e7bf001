"""Grounding a chat turn: follow-ups searched with the conversation, passages cut to a first-token time
budget, and a prompt whose system message and earlier turns stay the same from turn to turn."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.assistant.grounding import ground, passage_budget
from app.chat.types import ChatMessage
from app.docs.embeddings import Embedder, get_embedder
from app.docs.index import shared_index
from app.docs.ingest import ingest
from app.docs.rag import INSTRUCTIONS
from app.settings import DocsSettings
from tests.support import pdfs


@pytest.fixture
def embedder() -> Embedder:
    return get_embedder()


@pytest.fixture
def library(tmp_path: Path, hearth_home: Path, embedder: Embedder) -> str:
    path = pdfs.fact_pdf(tmp_path / "facts.pdf", pages=10, sentences=40)
    for _ in ingest([path], "notes", index=shared_index(), embedder=embedder):
        pass
    return "notes"


def count(text: str) -> int:
    return len(text) // 4 + 1


def test_the_time_budget_caps_the_passages() -> None:
    msgs = [ChatMessage("user", "How far did the glacier retreat?")]
    s = DocsSettings(first_token_budget_s=8.0, context_fraction=0.5)
    roomy = passage_budget(msgs, 8192, 512, count, s, None)
    assert roomy == int((8192 - 512 - count(msgs[0].content)) * 0.5)
    slow = passage_budget(msgs, 8192, 512, count, s, prompt_tokens_per_s=75.0)
    assert slow < 75 * 8 < roomy
    assert passage_budget(msgs, 8192, 512, count, s, prompt_tokens_per_s=5.0) == 256  # one passage at least


def test_passages_go_with_the_question_and_the_prefix_stays(library: str) -> None:
    first = [ChatMessage("system", "Be brief."), ChatMessage("user", pdfs.FACTS[5].question)]
    one = ground(first, [library], 4096, 256, count)
    assert one.messages[0] == ChatMessage("system", f"Be brief.\n\n{INSTRUCTIONS}")
    assert one.messages[-1].content.startswith("Sources:\n\n[1] facts.pdf, page 9:")
    assert one.sources[0]["page"] == 9
    later = [*first, ChatMessage("assistant", "312 metres [1]."), ChatMessage("user", pdfs.FACTS[1].question)]
    two = ground(later, [library], 4096, 256, count)
    # the system message and the earlier turns are unchanged: the engine can reuse their KV cache
    assert two.messages[:3] == [one.messages[0], first[1], later[2]]
    assert two.sources[0]["page"] == 3


def test_a_follow_up_retrieves_with_the_previous_question(library: str) -> None:
    msgs = [
        ChatMessage("user", "Tell me about the invoices from the Aldgate warehouse."),
        ChatMessage("assistant", "They are invoices [1]."),
        ChatMessage("user", "And who has to approve them?"),
    ]
    grounded = ground(msgs, [library], 4096, 256, count)
    assert grounded.sources[0]["page"] == 8


def test_a_slow_prompt_reader_gets_fewer_passages(library: str) -> None:
    msgs = [ChatMessage("user", pdfs.FACTS[2].question)]
    fast = ground(msgs, [library], 8192, 256, count, DocsSettings(max_passages=12))
    slow = ground(msgs, [library], 8192, 256, count, DocsSettings(max_passages=12), prompt_tokens_per_s=60.0)
    assert 1 <= len(slow.sources) < len(fast.sources)
    assert slow.passage_tokens <= 60 * 8
    assert slow.sources[0]["page"] == fast.sources[0]["page"] == 5  # best first either way
