"""Hearth's own OpenAI-compatible API: ``GET /v1/models``, ``POST /v1/chat/completions`` (streaming
over SSE or not) and ``POST /v1/embeddings``, on the standard library's threading HTTP server.

Every chat request becomes a :class:`~app.assistant.reply.Reply` submitted to the one engine thread
(:class:`~app.assistant.runner.EngineRunner`) at API priority: the app's own replies and loads go
first, at most ``queue_size`` requests wait, and one more is answered 503 with ``Retry-After``. A
client that disconnects (seen by a failed write, or by its socket closing while it waits) has its
request dropped from the queue or its generation stopped. The model id ``hearth/docs:LIBRARY``
answers grounded in that document library (retrieval as in the app) and returns its ``sources``.

Loopback only unless an API key is set: binding another interface without one is refused, and with
one every request needs ``Authorization: Bearer KEY``. CORS headers only for configured origins.
"""

from __future__ import annotations

import base64
import hmac
import ipaddress
import json
import logging
import os
import queue
import select
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from secrets import token_urlsafe
from typing import Any

from app import secrets
from app.assistant.reply import Finished, Phase, Reply, ReplyEvent, ReplyRequest
from app.assistant.runner import API, EngineRunner, QueueFull
from app.chat.engine import LocalEngine
from app.chat.types import ChatMessage, Token
from app.errors import HearthError
from app.settings import ApiSettings, DocsSettings, LoadParams, SamplingParams, Settings

log = logging.getLogger(__name__)

DOCS_PREFIX = "hearth/docs:"
MAX_BODY = 8 * 1024 * 1024
POLL_S = 0.25  # how often a waiting request checks that its client is still there
EMBED_MODEL = "hearth/embeddings"
KEY_ACCOUNT = "local-api"  # the API key's entry in the OS keyring
KEY_ENV = "HEARTH_API_KEY"  # or given for one run in the environment


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    api_key: str = ""  # required for any interface but loopback
    cors_origins: tuple[str, ...] = ()
    sampling: SamplingParams = field(default_factory=SamplingParams)
    load: LoadParams | None = None  # set: a request may name another installed model, loaded for it
    docs: DocsSettings | None = None


def api_key() -> str:
    """The key clients must send ('' if none is set)."""
    return os.environ.get(KEY_ENV) or secrets.get(KEY_ACCOUNT) or ""


def new_api_key() -> str:
    """Make a key, keep it in the OS keyring and return it (shown once to the user)."""
    key = "hearth-" + token_urlsafe(24)
    secrets.put(KEY_ACCOUNT, key)
    return key


def server_config(cfg: Settings, host: str | None = None, port: int | None = None, *,
                  switch_models: bool = False) -> ServerConfig:  # fmt: skip
    """The API's configuration from the settings (``host``/``port`` override them). With
    ``switch_models`` a request may name any installed model (``serve``); else the loaded one serves."""
    api = cfg.api
    load = cfg.chat.load_params() if switch_models else None
    return ServerConfig(host or api.host, api.port if port is None else port, api_key(), cors_origins(api),
                        cfg.chat.sampling(), load, cfg.docs)  # fmt: skip


def cors_origins(api: ApiSettings) -> tuple[str, ...]:
    """The origins CORS allows, from the settings' comma-separated list."""
    return tuple(o.strip() for o in api.cors_origins.split(",") if o.strip())


def check_config(config: ServerConfig) -> None:
    if not is_loopback(config.host) and not config.api_key:
        raise HearthError(
            f"Serving on {config.host} (not this computer only) needs an API key: make one with"
            f" 'hearth serve --new-api-key', or set {KEY_ENV}."
        )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ApiError(Exception):
    def __init__(
        self, status: int, message: str, kind: str = "invalid_request_error", **headers: str
    ) -> None:
        super().__init__(message)
        self.status, self.kind, self.headers = status, kind, headers


class ApiServer:
    """The API on ``config.host:config.port``, answering on ``runner``'s engine."""

    def __init__(
        self,
        runner: EngineRunner,
        config: ServerConfig,
        installed: Callable[[], list[tuple[str, Path]]] | None = None,
        libraries: Callable[[], list[str]] | None = None,
    ) -> None:
        check_config(config)
        self.runner = runner
        self.config = config
        self._installed = installed or _installed_models
        self._libraries = libraries or _libraries
        self._embed_lock = threading.Lock()
        try:
            self._httpd = _Server((config.host, config.port), _handler(self))
        except OSError as exc:
            raise HearthError(f"Cannot serve on {config.host}:{config.port}: {exc.strerror or exc}.") from exc
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = self.config.host if ":" not in self.config.host else f"[{self.config.host}]"
        return f"http://{host}:{self.port}/v1"

    def start(self) -> ApiServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="hearth-api", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)

    # requests (handler threads) --------------------------------------------------------------

    def models(self) -> dict[str, Any]:
        data = [
            {"id": name, "object": "model", "created": 0, "owned_by": "hearth"}
            for name, _ in self._installed()
        ]
        data += [
            {"id": DOCS_PREFIX + lib, "object": "model", "created": 0, "owned_by": "hearth"}
            for lib in self._libraries()
        ]
        return {"object": "list", "data": data}

    def chat_request(self, body: dict[str, Any]) -> tuple[Reply, Callable[[EngineRunner], None] | None, str]:
        """The reply for a request body, what to run first on the engine thread, and the model id."""
        raw = body.get("messages")
        if not isinstance(raw, list) or not raw:
            raise ApiError(400, "'messages' must be a non-empty list.")
        messages = tuple(_message(m) for m in raw)
        if messages[-1].role != "user":
            raise ApiError(400, "The last message must be the user's.")
        model = str(body.get("model") or "")
        libraries: tuple[str, ...] = ()
        prepare = None
        if model.startswith(DOCS_PREFIX):
            library = model[len(DOCS_PREFIX) :]
            if library not in self._libraries():
                raise ApiError(404, f"No document library named {library!r}.", "model_not_found")
            libraries = (library,)
        elif model and model != "hearth":
            prepare = self._model_switch(model)
        request = ReplyRequest(messages, _sampling(self.config.sampling, body), libraries, self.config.docs,
                               checkpoint=False)  # fmt: skip
        return Reply(request), prepare, model or "hearth"

    def _model_switch(self, model: str) -> Callable[[EngineRunner], None] | None:
        found = [path for name, path in self._installed() if model in (name, str(path))]
        if not found:
            raise ApiError(404, f"No installed model named {model!r}: see GET /v1/models.", "model_not_found")
        path, load = found[0], self.config.load

        def prepare(runner: EngineRunner) -> None:
            engine = runner.engine()
            info = engine.info
            if info is not None and Path(info.path) == path:
                return
            if load is None:
                loaded = Path(info.path).name if info else "no model"
                raise HearthError(f"Hearth's window has {loaded} loaded, not {model}: load it there first.")
            assert isinstance(engine, LocalEngine)
            engine.load(path, load)

        return prepare

    def embed(self, body: dict[str, Any]) -> dict[str, Any]:
        texts = body.get("input")
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            raise ApiError(400, "'input' must be a string or a list of strings.")
        from app.docs.embeddings import get_embedder

        docs = self.config.docs or DocsSettings()
        with self._embed_lock:
            embedder = get_embedder(docs.embedding_model)
            vectors = embedder.embed(texts)
            tokens = sum(embedder.count_tokens(t) for t in texts)
        b64 = body.get("encoding_format") == "base64"
        data = [
            {
                "object": "embedding",
                "index": i,
                "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode() if b64 else v.tolist(),
            }
            for i, v in enumerate(vectors)
        ]
        model = str(body.get("model") or EMBED_MODEL)
        return {"object": "list", "data": data, "model": model,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}  # fmt: skip


def _installed_models() -> list[tuple[str, Path]]:
    from app.models import library

    return [(m.name, m.path) for m in library.installed() if not m.error]


def _libraries() -> list[str]:
    from app.docs.index import shared_index

    return shared_index().libraries()


def _message(raw: Any) -> ChatMessage:
    if not isinstance(raw, dict) or raw.get("role") not in ("system", "user", "assistant"):
        raise ApiError(400, "Each message needs a role (system, user or assistant) and content.")
    content = raw.get("content")
    if isinstance(content, list):  # content parts: the text ones
        content = "".join(
            str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("type") == "text"
        )
    if not isinstance(content, str):
        raise ApiError(400, "A message's content must be text.")
    return ChatMessage(raw["role"], content)


def _sampling(base: SamplingParams, body: dict[str, Any]) -> SamplingParams:
    fields: dict[str, Any] = {}
    for name, kind in (("temperature", float), ("top_p", float), ("top_k", int), ("min_p", float),
                       ("repeat_penalty", float), ("seed", int), ("max_tokens", int)):  # fmt: skip
        value = body.get(name)
        if name == "max_tokens" and value is None:
            value = body.get("max_completion_tokens")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ApiError(400, f"'{name}' must be a number.")
        fields[name] = kind(value)
    if fields.get("max_tokens", 1) < 1:
        raise ApiError(400, "'max_tokens' must be at least 1.")
    stop = body.get("stop")
    if stop is not None:
        stops = [stop] if isinstance(stop, str) else stop
        if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
            raise ApiError(400, "'stop' must be a string or a list of strings.")
        fields["stop"] = tuple(s for s in stops if s)
    return replace(base, **fields)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)


def _client_gone(sock: socket.socket) -> bool:
    """True when the peer closed its end (readable with nothing to read)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def _handler(api: ApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "Hearth"
        # TCP_NODELAY: each SSE frame leaves at once; with Nagle's algorithm a frame written right
        # after another (the role chunk, then the first token) waits for the client's delayed ACK
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s %s", self.address_string(), format % args)

        # plumbing ----------------------------------------------------------------------------

        def _cors(self) -> None:
            origin = self.headers.get("Origin")
            if origin and ("*" in api.config.cors_origins or origin in api.config.cors_origins):
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Vary", "Origin")

        def _json(self, status: int, payload: dict[str, Any], **headers: str) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k.replace("_", "-"), v)
            self._cors()
            self.end_headers()
            self.wfile.write(data)

        def _error(self, exc: ApiError) -> None:
            self._json(exc.status, {"error": {"message": str(exc), "type": exc.kind, "code": exc.status}},
                       **exc.headers)  # fmt: skip

        def _authorized(self) -> None:
            key = api.config.api_key
            if not key:
                return
            given = self.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {key}".encode()):
                raise ApiError(
                    401, "Missing or wrong API key (Authorization: Bearer KEY).", "authentication_error"
                )

        def _body(self) -> dict[str, Any]:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                raise ApiError(400, "Bad Content-Length.") from None
            if length > MAX_BODY:
                self.close_connection = True
                raise ApiError(413, f"The request is larger than {MAX_BODY // 2**20} MiB.")
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                raise ApiError(400, "The request body is not valid JSON.") from None
            if not isinstance(body, dict):
                raise ApiError(400, "The request body must be a JSON object.")
            return body

        def _route(self, method: str) -> None:
            path = self.path.split("?", 1)[0].rstrip("/")
            try:
                self._authorized()
                if method == "GET" and path == "/v1/models":
                    self._json(200, api.models())
                elif method == "POST" and path == "/v1/chat/completions":
                    self._chat(self._body())
                elif method == "POST" and path == "/v1/embeddings":
                    self._json(200, api.embed(self._body()))
                elif path in ("/v1/models", "/v1/chat/completions", "/v1/embeddings"):
                    raise ApiError(405, f"{method} is not allowed on {path}.")
                else:
                    raise ApiError(404, f"No such endpoint: {path}.", "not_found")
            except ApiError as exc:
                self._error(exc)
            except HearthError as exc:
                self._error(ApiError(500, str(exc), "server_error"))
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_OPTIONS(self) -> None:  # CORS preflight
            self.send_response(204 if self.headers.get("Origin") else 405)
            if api.config.cors_origins:
                self._cors()
                self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
            self.send_header("Content-Length", "0")
            self.end_headers()

        # chat --------------------------------------------------------------------------------

        def _chat(self, body: dict[str, Any]) -> None:
            reply, prepare, model = api.chat_request(body)
            stream = bool(body.get("stream"))
            opts = body.get("stream_options")
            usage_chunk = stream and isinstance(opts, dict) and bool(opts.get("include_usage"))
            events: queue.Queue[ReplyEvent | None] = queue.Queue()
            cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
            out = _Stream(self, cid, created, model, reply) if stream else None
            deliver = events.put if out is None else out.deliver(events.put)
            try:
                job = api.runner.submit_reply(reply, deliver, priority=API, prepare=prepare,
                                              on_drop=lambda: events.put(None))  # fmt: skip
            except QueueFull as exc:
                raise ApiError(503, str(exc), "server_busy", Retry_After=str(exc.retry_after_s)) from None
            except HearthError as exc:
                raise ApiError(503, str(exc), "server_busy") from None
            try:
                finished = self._wait(events, reply, job, out)
            except (BrokenPipeError, ConnectionResetError, OSError):
                self.close_connection = True
                if not api.runner.cancel(job):
                    reply.stop()
                return
            if finished is None:  # dropped before it ran (client gone, or closing)
                self.close_connection = True
                return
            self._answer(finished, out, cid, created, model, usage_chunk)

        def _wait(
            self, events: queue.Queue[ReplyEvent | None], reply: Reply, job: Any, out: _Stream | None
        ) -> Finished | None:
            while True:
                try:
                    event = events.get(timeout=POLL_S)
                except queue.Empty:
                    if _client_gone(self.connection):
                        raise ConnectionResetError from None
                    continue
                if out is not None and out.broken:
                    raise ConnectionResetError
                if event is None or isinstance(event, Finished):
                    return event

        def _answer(
            self, done: Finished, out: _Stream | None, cid: str, created: int, model: str, usage_chunk: bool
        ) -> None:
            stats = done.stats
            reason = "length" if stats is not None and stats.finish_reason == "length" else "stop"
            usage = {
                "prompt_tokens": stats.prompt_tokens if stats else 0,
                "completion_tokens": stats.completion_tokens if stats else 0,
                "total_tokens": (stats.prompt_tokens + stats.completion_tokens) if stats else 0,
            }
            extra: dict[str, Any] = {"sources": done.sources} if done.sources else {}
            if stats is not None:  # as llama.cpp's server reports them
                extra["timings"] = {"prompt_n": stats.prompt_tokens, "prompt_ms": round(stats.ttft_ms, 2),
                                    "predicted_n": stats.completion_tokens,
                                    "predicted_per_second": round(stats.tokens_per_s, 2)}  # fmt: skip
            failed = done.phase is Phase.FAILED
            if failed and (out is None or not out.started):
                raise ApiError(500, done.error, "server_error")
            if out is None:
                message = {"role": "assistant", "content": done.text}
                choice = {"index": 0, "message": message, "finish_reason": reason, "logprobs": None}
                self._json(200, {"id": cid, "object": "chat.completion", "created": created, "model": model,
                                 "choices": [choice], "usage": usage, **extra})  # fmt: skip
                return
            if failed:
                out.send({"error": {"message": done.error, "type": "server_error"}})
            else:
                out.chunk({}, reason, **extra)
                if usage_chunk:
                    out.send({"id": cid, "object": "chat.completion.chunk", "created": created,
                              "model": model, "choices": [], "usage": usage})  # fmt: skip
            out.end()

    return Handler


class _Stream:
    """A chat completion as server-sent events in HTTP/1.1 chunks; the headers and the role chunk go
    out with the first token (so a request that fails before it can still answer with a status).

    Tokens are written by the engine thread as it makes them (:meth:`deliver`), not handed to the
    request's thread first: one thread wake-up less before the client sees each token. The request's
    thread writes only once the reply has finished. A write that fails stops the reply."""

    def __init__(
        self, handler: BaseHTTPRequestHandler, cid: str, created: int, model: str, reply: Reply
    ) -> None:
        self.h, self.cid, self.created, self.model, self.reply = handler, cid, created, model, reply
        self.started = False
        self.broken = False  # a token's write failed: the client is gone

    def deliver(self, other: Callable[[ReplyEvent], None]) -> Callable[[ReplyEvent], None]:
        """The reply's event sink: tokens are written out here, the other events go to ``other``."""

        def sink(event: ReplyEvent) -> None:
            if not isinstance(event, Token):
                other(event)
            elif not self.broken:
                try:
                    self.token(event.text)
                except OSError:
                    self.broken = True
                    self.reply.stop()
                    other(event)  # wakes the request's thread, which closes the connection

        return sink

    def _frame(self, payload: dict[str, Any] | str) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        data = b"data: " + text.encode() + b"\n\n"
        self.h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        h = self.h
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Cache-Control", "no-cache")
        h.send_header("Transfer-Encoding", "chunked")
        h._cors()  # type: ignore[attr-defined]
        h.end_headers()
        self._frame(self._chunk({"role": "assistant", "content": ""}, None))

    def _chunk(self, delta: dict[str, Any], reason: str | None, **extra: Any) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": reason}
        return {"id": self.cid, "object": "chat.completion.chunk", "created": self.created,
                "model": self.model, "choices": [choice], **extra}  # fmt: skip

    def send(self, payload: dict[str, Any]) -> None:
        self._start()
        self._frame(payload)

    def chunk(self, delta: dict[str, Any], reason: str | None, **extra: Any) -> None:
        self.send(self._chunk(delta, reason, **extra))

    def token(self, text: str) -> None:
        self.chunk({"content": text}, None)

    def end(self) -> None:
        self._start()
        self._frame("[DONE]")
        self.h.wfile.write(b"0\r\n\r\n")
