"""Ground a chat turn in the user's documents: retrieved passages go into the system message.

Runs where the engine runs (the inference worker, or the CLI), never on the GUI thread: retrieval
embeds the question. The chat's own system prompt is kept and the passages follow it in the same
system message (many chat templates accept only one). The passages get ``context_fraction`` (half)
of what the context leaves after the reply, so recent turns still fit; older ones are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.chat.types import ChatMessage
from app.settings import DocsSettings

MIN_CONTEXT_TOKENS = 256


@dataclass
class Grounded:
    messages: list[ChatMessage]
    sources: list[dict[str, Any]]


def ground(
    messages: Sequence[ChatMessage],
    libraries: Sequence[str],
    n_ctx: int,
    max_tokens: int,
    count_tokens: Callable[[str], int],
    settings: DocsSettings | None = None,
) -> Grounded:
    from app.docs import rag

    msgs = list(messages)
    question = msgs[-1].content
    share = (settings or DocsSettings()).context_fraction
    budget = max(MIN_CONTEXT_TOKENS, int((n_ctx - max_tokens - count_tokens(question)) * share))
    prompt = rag.build_prompt(question, list(libraries), budget, count_tokens, settings=settings)
    system = prompt.system_prompt
    if msgs and msgs[0].role == "system" and msgs[0].content.strip():
        system = f"{msgs[0].content}\n\n{system}"
        msgs = msgs[1:]
    elif msgs and msgs[0].role == "system":
        msgs = msgs[1:]
    return Grounded([ChatMessage("system", system), *msgs], prompt.sources)
