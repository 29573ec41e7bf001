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
    n_gpu_layers: int  # layers actually offloaded to the GPU (0 on CPU)
    n_layers: int
    has_chat_template: bool
    device: str  # "CPU only", "NVIDIA H200 (80.1 GB free) · 33/33 layers"…
    offload_supported: bool = False  # the llama.cpp build can offload to a GPU it sees
    kv_type: str = "f16"
    flash_attn: bool = False
    load_note: str = ""  # what the loader had to change, in plain words (e.g. fewer GPU layers)
    remote: bool = False  # a model on another machine (app.chat.remote); path is then its server's URL


@dataclass(frozen=True)
class Token:
    """A piece of reply text (one or more model tokens, complete UTF-8)."""

    text: str


@dataclass(frozen=True)
class Notice:
    """Something the user should know about this reply (e.g. old turns dropped to fit)."""

    text: str


@dataclass(frozen=True)
class PromptProgress:
    """The prompt is being read: ``done`` of ``total`` tokens are in the KV cache, the slice up to
    ``reading_to`` is being evaluated now, at ``tokens_per_s`` (None until a first measurement)."""

    done: int
    total: int
    reading_to: int
    tokens_per_s: float | None

    def seconds_left(self, done: float | None = None) -> float | None:
        if not self.tokens_per_s:
            return None
        return max(0.0, (self.total - (self.done if done is None else done)) / self.tokens_per_s)


FinishReason = Literal["stop", "length", "cancelled"]


@dataclass(frozen=True)
class Stats:
    """Sent last, once per reply."""

    ttft_ms: float
    tokens_per_s: float
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int  # prompt tokens reused from the KV cache (memory or the disk prompt cache)
    context_used: int
    n_ctx: int
    finish_reason: FinishReason
    prompt_ms: float = 0.0  # time spent reading the uncached part of the prompt
    prompt_tokens_per_s: float = 0.0  # prompt reading speed (0 when nothing was read)
    restored_tokens: int = 0  # of cached_tokens, how many came from the disk prompt cache

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Event = Token | Notice | PromptProgress | Stats
