"""Hearth's own OpenAI-compatible API on the real starter model, driven by the official ``openai``
client: models, chat (streaming and not), embeddings, grounded answers, errors, the API key, CORS,
the bounded queue (503 with Retry-After), clients that leave, and 8 concurrent clients."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import openai
import pytest

from app.assistant.reply import Reply
from app.assistant.runner import APP, EngineRunner
from app.assistant.server import ApiServer, ServerConfig
from app.chat.engine import LocalEngine
from app.errors import HearthError
from app.settings import DocsSettings, LoadParams

QUEUE = 4
GREEDY = {"temperature": 0.0, "seed": 1, "max_tokens": 24}


@pytest.fixture(scope="module")
def engine(starter_model: Path) -> Iterator[LocalEngine]:
    engine = LocalEngine()
    engine.load(starter_model, LoadParams(n_ctx=2048))
    yield engine
    engine.unload()


class Recorder(EngineRunner):
    """The engine thread, keeping every reply it was given (what the model generated, server side)."""

    def __init__(self, engine: LocalEngine) -> None:
        super().__init__(lambda: engine, max_waiting=QUEUE)
        self.replies: list[Reply] = []

    def submit_reply(self, reply: Reply, *args: Any, **kw: Any) -> Any:
        job = super().submit_reply(reply, *args, **kw)
        self.replies.append(reply)
        return job

    def generated(self, prompt: str) -> list[str]:
        return [r.text for r in self.replies if r.request.messages[-1].content == prompt]


@pytest.fixture
def runner(engine: LocalEngine) -> Iterator[Recorder]:
    runner = Recorder(engine)
    yield runner
    runner._local = None  # the module's engine outlives this runner
    runner.shutdown(5)


@pytest.fixture
def serve(runner: EngineRunner, starter_model: Path) -> Iterator[Callable[..., ApiServer]]:
    servers: list[ApiServer] = []

    def make(**kw: Any) -> ApiServer:
        kw.setdefault("port", 0)
        # passages not cut to the measured prompt speed (on a loaded test machine: none would fit)
        kw.setdefault("docs", DocsSettings(first_token_budget_s=600))
        api = ApiServer(runner, ServerConfig(**kw), installed=lambda: [("starter.gguf", starter_model)])
        servers.append(api.start())
        return api

    yield make
    for api in servers:
        api.close()


@pytest.fixture
def api(serve: Callable[..., ApiServer]) -> ApiServer:
    return serve()


_clients: list[openai.OpenAI] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    """Each test's clients close with it: a pooled socket left to the garbage collector is a warning
    (an error here) in whichever test happens to be running then."""
    yield
    while _clients:
        _clients.pop().close()


def client(api: ApiServer, key: str = "none") -> openai.OpenAI:
    url = f"http://127.0.0.1:{api.port}/v1"  # also for a server on all interfaces
    _clients.append(openai.OpenAI(base_url=url, api_key=key, max_retries=0, timeout=280))
    return _clients[-1]


def ask(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def test_models_chat_and_streaming(api: ApiServer, runner: Recorder) -> None:
    c = client(api)
    assert "starter.gguf" in [m.id for m in c.models.list().data]
    done = c.chat.completions.create(model="starter.gguf", messages=ask("Name three colours."), **GREEDY)
    text = done.choices[0].message.content
    assert text and runner.generated("Name three colours.") == [text]
    assert done.choices[0].finish_reason == "length" and done.usage is not None
    assert done.usage.completion_tokens == 24 and done.usage.prompt_tokens > 0
    timings = (done.model_extra or {})["timings"]  # llama.cpp's names: the engine's own figures
    assert timings["predicted_n"] == 24 and timings["prompt_ms"] > 0 and timings["predicted_per_second"] > 0

    parts, usage, reasons = [], None, []
    for chunk in c.chat.completions.create(model="hearth", messages=ask("Name three colours."), stream=True,
                                           stream_options={"include_usage": True}, **GREEDY):  # fmt: skip
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            parts.append(choice.delta.content or "")
            reasons.append(choice.finish_reason)
    assert [text, "".join(parts)] == runner.generated("Name three colours.") and len(parts) > 5
    assert reasons[-1] == "length" and usage is not None and usage.completion_tokens == 24


def test_stop_strings_and_sampling_fields(api: ApiServer) -> None:
    c = client(api)
    full = c.chat.completions.create(model="hearth", messages=ask("Count from 1 to 10."), **GREEDY)
    text = full.choices[0].message.content or ""
    assert len(text) > 4
    stop = text[len(text) // 2 : len(text) // 2 + 2]
    cut = c.chat.completions.create(
        model="hearth", messages=ask("Count from 1 to 10."), stop=[stop], **GREEDY
    )
    assert cut.choices[0].message.content == text[: text.index(stop)]
    assert cut.choices[0].finish_reason == "stop"


def test_embeddings_are_the_document_embedder(api: ApiServer) -> None:
    from app.docs.embeddings import get_embedder

    c = client(api)
    texts = ["The lighthouse keeper", "a harbour at dawn"]
    got = c.embeddings.create(model="hearth/embeddings", input=texts)  # the client asks for base64
    want = get_embedder(DocsSettings().embedding_model).embed(texts)
    assert [d.index for d in got.data] == [0, 1] and got.usage.prompt_tokens > 0
    assert np.allclose(np.array([d.embedding for d in got.data]), want, atol=1e-6)
    plain = httpx.post(
        api.url + "/embeddings", json={"input": "a harbour at dawn", "encoding_format": "float"}
    )
    assert np.allclose(plain.json()["data"][0]["embedding"], want[1], atol=1e-6)
    raw = httpx.post(api.url + "/embeddings", json={"input": ["x"], "encoding_format": "base64"}).json()
    assert len(np.frombuffer(base64.b64decode(raw["data"][0]["embedding"]), "<f4")) == want.shape[1]


def test_grounded_answers_return_their_sources(api: ApiServer, tmp_path: Path) -> None:
    from app.docs.index import shared_index
    from app.docs.ingest import ingest
    from tests.support import pdfs

    for _ in ingest([pdfs.fact_pdf(tmp_path / "facts.pdf")], "manuals", index=shared_index()):
        pass
    fact = pdfs.FACTS[1]
    c = client(api)
    assert "hearth/docs:manuals" in [m.id for m in c.models.list().data]
    done = c.chat.completions.create(model="hearth/docs:manuals", messages=ask(fact.question), **GREEDY)
    sources = (done.model_extra or {})["sources"]
    assert any(s["file"] == "facts.pdf" and s["page"] == fact.page for s in sources)
    chunks = list(c.chat.completions.create(model="hearth/docs:manuals", messages=ask(fact.question),
                                            stream=True, **GREEDY))  # fmt: skip
    assert (chunks[-1].model_extra or {})["sources"] == sources
    with pytest.raises(openai.NotFoundError, match="No document library named 'nope'"):
        c.chat.completions.create(model="hearth/docs:nope", messages=ask("hi"))


def test_errors_are_openai_errors(api: ApiServer) -> None:
    c = client(api)
    with pytest.raises(openai.NotFoundError, match="No installed model named 'gpt-9'"):
        c.chat.completions.create(model="gpt-9", messages=ask("hi"))
    with pytest.raises(openai.BadRequestError, match="'messages' must be a non-empty list"):
        c.chat.completions.create(model="hearth", messages=[])
    with pytest.raises(openai.BadRequestError, match="'temperature' must be a number"):
        c.chat.completions.create(model="hearth", messages=ask("hi"), temperature="hot")  # type: ignore[arg-type]
    bad = httpx.post(api.url + "/chat/completions", content=b"{not json")
    assert bad.status_code == 400 and bad.json()["error"]["message"] == "The request body is not valid JSON."
    assert httpx.get(api.url + "/nothing").status_code == 404
    assert httpx.get(api.url + "/chat/completions").status_code == 405


def test_api_key_and_interfaces(serve: Callable[..., ApiServer], runner: EngineRunner) -> None:
    with pytest.raises(HearthError, match="needs an API key"):
        ApiServer(runner, ServerConfig(host="0.0.0.0", port=0))
    api = serve(host="0.0.0.0", api_key="k-42")
    with pytest.raises(openai.AuthenticationError, match="Missing or wrong API key"):
        client(api, "wrong").models.list()
    assert httpx.get(f"http://127.0.0.1:{api.port}/v1/models").status_code == 401  # every request
    assert client(api, "k-42").models.list().data
    with pytest.raises(openai.AuthenticationError):
        client(api, "wrong").chat.completions.create(model="hearth", messages=ask("hi"))


def test_cors_only_when_configured(serve: Callable[..., ApiServer]) -> None:
    plain = serve()
    r = httpx.get(plain.url + "/models", headers={"Origin": "http://localhost:3000"})
    assert "access-control-allow-origin" not in r.headers
    api = serve(cors_origins=("http://localhost:3000",))
    ok = httpx.get(api.url + "/models", headers={"Origin": "http://localhost:3000"})
    assert ok.headers["access-control-allow-origin"] == "http://localhost:3000"
    other = httpx.get(api.url + "/models", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    pre = httpx.request("OPTIONS", api.url + "/chat/completions", headers={"Origin": "http://localhost:3000"})
    assert pre.status_code == 204 and "POST" in pre.headers["access-control-allow-methods"]


def block_engine(runner: EngineRunner) -> threading.Event:
    """An app job that holds the engine thread until the event is set."""
    release = threading.Event()
    started = threading.Event()

    def hold(_r: EngineRunner) -> None:
        started.set()
        release.wait(60)

    runner.submit(hold, priority=APP)
    assert started.wait(30)
    return release


def wait_until(check: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def test_a_full_queue_answers_503_with_retry_after(api: ApiServer, runner: EngineRunner) -> None:
    release = block_engine(runner)
    results: list[Any] = []

    def one(i: int) -> None:
        try:
            done = client(api).chat.completions.create(model="hearth", messages=ask(f"Say {i}."), **GREEDY)
            results.append(done.choices[0].message.content)
        except openai.APIStatusError as exc:
            results.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(QUEUE)]
    for t in threads:
        t.start()
    wait_until(lambda: runner.waiting() == QUEUE)
    with pytest.raises(openai.APIStatusError) as refused:
        client(api).chat.completions.create(model="hearth", messages=ask("One too many."), **GREEDY)
    assert refused.value.status_code == 503 and int(refused.value.response.headers["retry-after"]) >= 1
    assert "The engine is busy: 4 requests are waiting" in refused.value.message
    release.set()
    for t in threads:
        t.join(120)
    assert len(results) == QUEUE and all(isinstance(r, str) and r for r in results)


def test_a_client_that_leaves_is_dropped_or_stopped(api: ApiServer, runner: Recorder) -> None:
    release = block_engine(runner)
    body = {"model": "hearth", "messages": ask("Tell a long story."), "stream": True, "max_tokens": 400}
    # waiting in the queue: the client goes before anything was sent back
    data = json.dumps(body).encode()
    sock = socket.create_connection(("127.0.0.1", api.port))
    sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n%s" % (len(data), data))  # fmt: skip
    wait_until(lambda: runner.waiting() == 1)
    sock.close()
    wait_until(lambda: runner.waiting() == 0)  # dropped without running
    release.set()
    wait_until(lambda: not runner.busy)

    # generating: the client reads three tokens and goes; the reply stops long before 400 tokens
    with httpx.Client(timeout=60) as http, http.stream("POST", api.url + "/chat/completions", json=body) as r:
        lines = 0
        for line in r.iter_lines():
            lines += line.startswith("data:")
            if lines == 4:
                break
    wait_until(lambda: not runner.busy)
    reply = runner.replies[-1]
    assert reply.cancel.cancelled and reply.stats is not None and reply.stats.completion_tokens < 400


def test_eight_concurrent_clients(api: ApiServer, runner: Recorder) -> None:
    prompts = [f"Write one sentence about the number {i}." for i in range(8)]
    barrier = threading.Barrier(8)
    outcome: dict[int, Any] = {}

    def one(i: int) -> None:
        barrier.wait(30)
        try:
            stream = client(api).chat.completions.create(
                model="hearth", messages=ask(prompts[i]), stream=True, **GREEDY
            )
            outcome[i] = "".join(ch.choices[0].delta.content or "" for ch in stream if ch.choices)
        except openai.APIStatusError as exc:
            outcome[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(240)
    assert sorted(outcome) == list(range(8))
    answered = {i: v for i, v in outcome.items() if isinstance(v, str)}
    refused = [v for v in outcome.values() if not isinstance(v, str)]
    assert len(answered) >= 1 and len(answered) + len(refused) == 8
    for exc in refused:  # cleanly refused: 503 with Retry-After
        assert exc.status_code == 503 and int(exc.response.headers["retry-after"]) >= 1
    for i, text in answered.items():  # each client got what was generated for its own prompt
        assert [text] == runner.generated(prompts[i]), i
    assert len(runner.replies) == len(answered)  # the refused ones never reached the engine
