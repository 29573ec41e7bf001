"""A reasoning model's thinking, apart from its answer: ``<think>…</think>`` and similar markers.

Models write their reasoning first, between markers (``<think>``/``</think>`` for Qwen3, DeepSeek-R1,
SmolLM3, Granite; ``[THINK]``/``[/THINK]`` for Magistral). Some templates put the opening marker in
the prompt, so the reply holds only the closing one: everything before it is reasoning then. The
reasoning is shown folded and never sent back to the model in later turns.
"""

from __future__ import annotations

from dataclasses import dataclass

MARKERS = (("<think>", "</think>"), ("<thinking>", "</thinking>"), ("[THINK]", "[/THINK]"))


@dataclass(frozen=True)
class Parts:
    reasoning: str  # "" when the reply has none
    answer: str
    thinking: bool = False  # the reasoning is still open (no closing marker yet)

    @property
    def has_reasoning(self) -> bool:
        return bool(self.reasoning.strip()) or self.thinking


def split(text: str) -> Parts:
    """The reasoning at the start of ``text`` (leading whitespace allowed) and the answer after it."""
    head = text.lstrip()
    for open_, close in MARKERS:
        if head.startswith(open_):
            body = head[len(open_) :]
            end = body.find(close)
            if end < 0:
                return Parts(body.strip(), "", thinking=True)
            return Parts(body[:end].strip(), body[end + len(close) :].lstrip())
        if open_.startswith(head) and head:  # "<thi" so far: wait for the rest of the marker
            return Parts("", "", thinking=True)
        end = text.find(close)
        if end >= 0 and open_ not in text[:end]:  # the template opened it in the prompt
            return Parts(text[:end].strip(), text[end + len(close) :].lstrip())
    return Parts("", text)


def answer_only(text: str) -> str:
    """What a later turn sends back to the model: the reply without its reasoning."""
    return split(text).answer
