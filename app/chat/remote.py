"""The remote engine: a chat model on another machine, over the OpenAI chat completions API.

Any server that speaks it will do: llama.cpp's llama-server, vLLM, Ollama, LM Studio, Jan,
llama-cpp-python's server. :meth:`RemoteEngine.ready` lists the server's models (``GET /v1/models``),
picks one and looks for its context length where servers say it (``app.chat.remote_probe``); a reply
streams over SSE. Stop shuts the reply's socket down from the stopping thread, so it takes effect
while the server is still reading the prompt, and the server sees the client leave. Each reply opens
its own connection for that (the socket is learnt from httpx's connection trace).

Faults end in one plain message: a refused connection, 401/403, an unknown model, 4xx/5xx answers
raise :class:`HearthError` (the reply fails); a stream that breaks off (dropped, silent for the read
timeout, a malformed chunk) raises :class:`ConnectionLost`, and the reply keeps what arrived as
interrupted. httpx honours ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` and ``SSL_CERT_FILE``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from app.cancel import CancelToken
from app.chat import context, remote_probe
from app.chat.servers import RemoteServer
from app.chat.types import ChatMessage, Event, FinishReason, ModelInfo, Notice, PromptProgress, Stats, Token
from app.errors import ConnectionLost, HearthError
from app.i18n import tr
from app.settings import RemoteSettings, SamplingParams

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

PER_MESSAGE_TOKENS = 8  # a chat template's scaffolding around each message, generously
MIN_PROMPT_FOR_RATE = 64  # shorter prompts say little about how fast the server reads


class _Abort:
    """Shuts the reply's socket down when the reply is stopped, whether the socket exists yet or not."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._stopped = False

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        with self._lock:
            self._sock = sock
            stopped = self._stopped
        if stopped:
            _shutdown(sock)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            sock = self._sock
        _shutdown(sock)


def _shutdown(sock: socket.socket | None) -> None:
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class RemoteEngine:
    """One model on one server. Not thread-safe: one thread drives it (Stop may come from any)."""

    def __init__(
        self,
        server: RemoteServer,
        settings: RemoteSettings | None = None,
        *,
        model: str = "",
        api_key: str | None = None,
    ) -> None:
        self.server = server
        self.settings = settings or RemoteSettings()
        self.model = model or server.model
        self._key = api_key if api_key is not None else server.api_key()
        self._client: httpx.Client | None = None
        self._info: ModelInfo | None = None
        self.models: list[str] = []  # what the server offered when last asked
        self.context_source = ""  # where the context length came from, in words
        self._bytes_per_token = remote_probe.DEFAULT_BYTES_PER_TOKEN
        self._extras = True  # the server takes llama.cpp's sampling fields (top_k, min_p, repeat_penalty)
        self._prompt_rate: float | None = None  # prompt tokens/s seen in the last reply (network included)

    @property
    def info(self) -> ModelInfo | None:
        return self._info

    @property
    def prompt_tokens_per_s(self) -> float | None:
        """Prompt tokens per second to the first token of the last reply (the network included)."""
        return self._prompt_rate

    def http(self) -> httpx.Client:
        if self._client is None:
            import httpx

            headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
            self._client = httpx.Client(
                headers=headers,
                timeout=httpx.Timeout(self.settings.read_timeout_s, connect=self.settings.connect_timeout_s),
                limits=httpx.Limits(max_keepalive_connections=0),  # a connection per reply: see _Abort
                trust_env=True,  # HTTPS_PROXY, HTTP_PROXY, NO_PROXY, SSL_CERT_FILE
            )
        return self._client

    # connecting ------------------------------------------------------------------------------

    def ready(self) -> ModelInfo:
        """Connect (once): the model to use and its context length. Raises HearthError in plain words."""
        if self._info is not None:
            return self._info
        entries = remote_probe.list_models(self)
        self.models = [str(e["id"]) for e in entries]
        model = remote_probe.pick_model(self.server, self.model, self.models)
        entry = next(e for e in entries if e["id"] == model)
        n_ctx, self.context_source = remote_probe.context_length(self, entry, model)
        if not n_ctx:
            n_ctx = self.server.n_ctx or self.settings.default_n_ctx
            self.context_source = "setting (the server does not say)"
        self._bytes_per_token = remote_probe.bytes_per_token(self, model)
        self.model = model
        self._info = ModelInfo(
            name=model,
            path=self.server.url,
            size_bytes=0,
            n_ctx=n_ctx,
            n_ctx_train=n_ctx,
            n_threads=0,
            n_gpu_layers=0,
            n_layers=0,
            has_chat_template=True,
            device=tr("Remote: {name}").format(name=self.server.name),
            remote=True,
        )
        return self._info

    def count_tokens(self, text: str) -> int:
        """An estimate from the bytes per token of the server's own tokenizer (measured once when it
        has an endpoint for it) plus 10 %: for budgets, not for billing."""
        return int(len(text.encode("utf-8")) * 1.1 / self._bytes_per_token) + 1

    def checkpoint(self) -> None:
        """Nothing to keep here: the server manages its own caches."""

    def unload(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = None
        self._info = None

    # a reply ---------------------------------------------------------------------------------

    def stream(
        self, messages: Sequence[ChatMessage], params: SamplingParams, cancel: CancelToken
    ) -> Iterator[Event]:
        info = self.ready()
        fitted, prompt_tokens, max_tokens, notice = fit_messages(
            list(messages), info.n_ctx, params.max_tokens, self.count_tokens
        )
        if notice:
            yield Notice(notice)
        body = self._body(fitted, params, max_tokens)
        abort = _Abort()
        remove = cancel.on_cancel(abort.stop)
        try:
            yield PromptProgress(0, prompt_tokens, prompt_tokens, self._prompt_rate)
            yield from self._stream(body, prompt_tokens, info.n_ctx, abort, cancel)
        finally:
            remove()

    def _body(self, messages: list[ChatMessage], params: SamplingParams, max_tokens: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
        }
        if params.seed >= 0:
            body["seed"] = params.seed
        if params.stop:
            body["stop"] = list(params.stop)[:4]  # the API's limit
        if self._extras:
            body |= {"top_k": params.top_k, "min_p": params.min_p, "repeat_penalty": params.repeat_penalty}
        return body

    def _open(self, body: dict[str, Any], abort: _Abort) -> httpx.Response:
        """Send the request; the streaming response once its status is fine (HearthError if not)."""
        client = self.http()
        while True:
            request = client.build_request("POST", self.server.url + "/chat/completions", json=body,
                                           extensions={"trace": abort.trace})  # fmt: skip
            response = client.send(request, stream=True)
            if response.status_code < 400:
                return response
            response.read()
            response.close()
            if response.status_code not in (400, 422) or not self._extras:
                raise remote_probe.status_error(self.server, response, model=self.model)
            # a strict server refusing llama.cpp's sampling fields: once more with the standard ones
            self._extras = False
            body = {k: v for k, v in body.items() if k not in ("top_k", "min_p", "repeat_penalty")}

    def _stream(
        self, body: dict[str, Any], prompt_tokens: int, n_ctx: int, abort: _Abort, cancel: CancelToken
    ) -> Iterator[Event]:
        import httpx

        start = time.perf_counter()
        n_out = 0
        t_first = t_last = 0.0
        usage: dict[str, Any] = {}
        finish: FinishReason | None = None
        done = False

        def stats(reason: FinishReason) -> Stats:
            ptok = int(usage.get("prompt_tokens") or prompt_tokens)
            ctok = int(usage.get("completion_tokens") or n_out)
            details = usage.get("prompt_tokens_details") or {}
            span = t_last - t_first
            return Stats(
                ttft_ms=(t_first - start) * 1000 if n_out else 0.0,
                tokens_per_s=(ctok - 1) / span if ctok > 1 and span > 0 else 0.0,
                prompt_tokens=ptok,
                completion_tokens=ctok,
                cached_tokens=int(details.get("cached_tokens") or 0) if isinstance(details, dict) else 0,
                context_used=ptok + ctok,
                n_ctx=n_ctx,
                finish_reason=reason,
            )

        response = None
        try:
            if cancel.cancelled:
                yield stats("cancelled")
                return
            response = self._open(body, abort)
            with contextlib.closing(response):
                for data in sse_data(response.iter_lines()):
                    if data.strip() == "[DONE]":
                        done = True
                        break
                    chunk = _chunk(data)
                    if chunk.get("error"):
                        raise HearthError(
                            tr("{name} failed mid-reply: {error}").format(
                                name=self.server.name, error=_message(chunk["error"])
                            )
                        )
                    if isinstance(chunk.get("usage"), dict):
                        usage = chunk["usage"]
                    for choice in chunk.get("choices") or []:
                        content = (choice.get("delta") or {}).get("content")
                        if content:
                            t_last = time.perf_counter()
                            if not n_out:
                                t_first = t_last
                            n_out += 1
                            yield Token(content)
                        reason = choice.get("finish_reason")
                        if reason:
                            finish = "length" if reason == "length" else "stop"
                    if cancel.cancelled:
                        break
        except (httpx.HTTPError, _BadChunk) as exc:
            if cancel.cancelled:
                yield stats("cancelled")
                return
            if response is None:  # no answer at all
                raise remote_probe.network_error(self.server, exc) from exc  # type: ignore[arg-type]
            raise ConnectionLost(self._lost_message(exc, n_out), stats(finish or "stop")) from exc
        if cancel.cancelled:
            yield stats("cancelled")
            return
        if finish is None and not done:
            raise ConnectionLost(self._lost_message(None, n_out), stats("stop"))
        if n_out and prompt_tokens >= MIN_PROMPT_FOR_RATE and t_first > start:
            self._prompt_rate = int(usage.get("prompt_tokens") or prompt_tokens) / (t_first - start)
        yield stats(finish or "stop")

    def _lost_message(self, exc: Exception | None, n_out: int) -> str:
        import httpx

        name = self.server.name
        if isinstance(exc, httpx.TimeoutException):
            why = tr("it sent nothing for {seconds} s").format(seconds=f"{self.settings.read_timeout_s:g}")
        elif isinstance(exc, _BadChunk):
            why = tr("it sent a part of the reply that is not valid JSON ({error})").format(error=exc)
        else:
            why = tr("the connection was closed before the reply ended")
        if n_out:
            return tr("The reply from {name} broke off: {why}. What arrived is kept.").format(
                name=name, why=why
            )
        return tr("The reply from {name} broke off: {why}.").format(name=name, why=why)


class _BadChunk(Exception):
    pass


def _chunk(data: str) -> dict[str, Any]:
    try:
        chunk = json.loads(data)
    except ValueError:
        raise _BadChunk(repr(data[:60])) from None
    if not isinstance(chunk, dict):
        raise _BadChunk(repr(data[:60]))
    return chunk


def _message(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or error)[:300]
    return str(error)[:300]


def sse_data(lines: Iterable[str]) -> Iterator[str]:
    """The data of each server-sent event (its ``data:`` lines joined), comments and other fields skipped."""
    buf: list[str] = []
    for line in lines:
        if not line:
            if buf:
                yield "\n".join(buf)
                buf = []
        elif line.startswith("data:"):
            buf.append(line[6:] if line.startswith("data: ") else line[5:])
    if buf:
        yield "\n".join(buf)


def fit_messages(
    messages: list[ChatMessage], n_ctx: int, max_tokens: int, count: Any
) -> tuple[list[ChatMessage], int, int, str]:
    """The conversation cut to fit the remote context, as the local engine does it (oldest turns
    dropped, else the middle of the newest message cut), on estimated token counts. Returns the
    messages, their estimated prompt tokens, the reply's max_tokens and a notice ("" if untouched)."""
    if not messages or messages[-1].role != "user":
        raise HearthError(tr("A reply needs a user message last."))
    reserve = context.reply_reserve(n_ctx, max_tokens)
    system = [m for m in messages[:1] if m.role == "system"]
    history = messages[len(system) : -1]
    last = messages[-1]

    def size(msgs: list[ChatMessage]) -> int:
        return sum(int(count(m.content)) + PER_MESSAGE_TOKENS for m in msgs) + PER_MESSAGE_TOKENS

    n_history = len(history)
    while size([*system, *history, last]) + reserve > n_ctx and history:
        history = context.drop_oldest_turn(history)
    notice = context.dropped_notice(n_history - len(history), n_ctx)
    over = size([*system, *history, last]) + reserve - n_ctx
    if over > 0:
        text = last.content
        keep = int(len(text) * max(0.0, 1 - over / max(1, int(count(text))))) - 16
        if keep < 32:
            raise HearthError(
                tr(
                    "The system prompt alone does not fit the {n_ctx}-token context: shorten it or raise the"
                    " context length."
                ).format(n_ctx=n_ctx)
            )
        last = ChatMessage("user", f"{text[: keep // 2]}\n[…]\n{text[len(text) - keep // 2 :]}")
        notice = (notice + " " if notice else "") + context.cut_notice(n_ctx)
    fitted = [*system, *history, last]
    used = size(fitted)
    return fitted, used, max(1, min(max_tokens, n_ctx - used)), notice
