"""Plain data passed between the chat engine, the store, the GUI and the CLI."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: str
    size_bytes: int
    n_ctx: int
    n_ctx_train: int
    n_threads: int
    n_gpu_layers: int
    has_chat_template: bool
    device: str  # "CPU only", "GPU: ..."


@dataclass(frozen=True)
class Token:
    """A piece of reply text (one or more model tokens, complete UTF-8)."""

    text: str


@dataclass(frozen=True)
class Notice:
    """Something the user should know about this reply (e.g. old turns dropped to fit)."""

    text: str


@dataclass(frozen=True)
class Stats:
    """Sent last, once per reply."""

    ttft_ms: float
    tokens_per_s: float
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int  # prompt tokens reused from the KV cache of the previous turn
    context_used: int
    n_ctx: int
    finish_reason: Literal["stop", "length", "cancelled"]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Event = Token | Notice | Stats
