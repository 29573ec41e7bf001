"""Ground a chat turn in the user's documents: retrieval for the conversation, passages with the question.

Runs where the engine runs (the inference worker, or the CLI), never on the GUI thread: retrieval
embeds the question. A follow-up ("and on Linux?") is searched together with the user's previous
question. The citation instructions join the chat's own system prompt (many chat templates accept
only one system message); the passages go with the question in the last user turn, so the system
prompt and the earlier turns are the same prefix every turn and their KV cache is reused.

How many passages: the best first, at most ``max_passages``, within ``context_fraction`` of the
context left after the reply, and, when the engine has measured how fast it reads a prompt
(``prompt_tokens_per_s``), within what it reads in ``first_token_budget_s``: on a slow machine or a
big model fewer passages keep the first word of the answer within that budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from app.chat.types import ChatMessage
from app.settings import DocsSettings

MIN_CONTEXT_TOKENS = 256  # about one passage, whatever the budgets say
TURN_OVERHEAD_TOKENS = 48  # chat-template tokens around the turns that are read again


@dataclass
class Grounded:
    messages: list[ChatMessage]
    sources: list[dict[str, Any]]
    passage_tokens: int = 0  # what the passages cost, in chat tokens


def follow_up_context(messages: Sequence[ChatMessage]) -> str:
    """The user's previous question, if any: what a follow-up question is searched with."""
    users = [m.content for m in messages if m.role == "user"]
    return users[-2] if len(users) >= 2 else ""


def passage_budget(
    messages: Sequence[ChatMessage],
    n_ctx: int,
    max_tokens: int,
    count_tokens: Callable[[str], int],
    settings: DocsSettings,
    prompt_tokens_per_s: float | None,
) -> int:
    """Chat tokens the passages may take: the context share, capped by the first-token time budget."""
    question = messages[-1].content
    budget = int((n_ctx - max_tokens - count_tokens(question)) * settings.context_fraction)
    if prompt_tokens_per_s and prompt_tokens_per_s > 0:
        # read again each turn: the question, and the previous exchange (its passages are gone)
        fresh = sum(count_tokens(m.content) for m in messages[-3:]) + TURN_OVERHEAD_TOKENS
        budget = min(budget, int(prompt_tokens_per_s * settings.first_token_budget_s) - fresh)
    return max(MIN_CONTEXT_TOKENS, budget)


def ground(
    messages: Sequence[ChatMessage],
    libraries: Sequence[str],
    n_ctx: int,
    max_tokens: int,
    count_tokens: Callable[[str], int],
    settings: DocsSettings | None = None,
    prompt_tokens_per_s: float | None = None,
    index: Any = None,
) -> Grounded:
    """The messages to send and the sources they number; ``index``: a DocIndex other than the shared one."""
    from app.docs import rag

    settings = settings or DocsSettings()
    msgs = list(messages)
    question = msgs[-1].content
    budget = passage_budget(msgs, n_ctx, max_tokens, count_tokens, settings, prompt_tokens_per_s)
    context = follow_up_context(msgs)
    prompt = rag.build_prompt(
        question, list(libraries), budget, count_tokens, index=index, settings=settings, context=context
    )
    system = rag.INSTRUCTIONS
    if msgs and msgs[0].role == "system":
        if msgs[0].content.strip():
            system = f"{msgs[0].content}\n\n{system}"
        msgs = msgs[1:]
    msgs[-1] = replace(msgs[-1], content=prompt.user_message)
    return Grounded([ChatMessage("system", system), *msgs], prompt.sources, prompt.context_tokens_used)
