"""The remote engine against a real OpenAI-compatible server (llama-cpp-python's ``llama_cpp.server`` on
the starter model), faults injected by a proxy in front of it: every fault ends in one plain message,
a reply cut by the network keeps its text as interrupted, and the engine answers again afterwards."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import settings
from app.assistant.reply import Finished, Phase, Reply, ReplyRequest
from app.chat import remote_probe, servers
from app.chat.remote import RemoteEngine, fit_messages, sse_data
from app.chat.servers import RemoteServer
from app.chat.session import ChatSession
from app.chat.store import ChatStore
from app.chat.types import ChatMessage, Token
from app.errors import HearthError
from app.settings import RemoteSettings, SamplingParams
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.openai_server import Running, free_port, llama_cpp_server, self_signed

GREEDY = SamplingParams(temperature=0.0, max_tokens=24, seed=1)
LONG = SamplingParams(temperature=0.0, max_tokens=400, seed=1)
QUESTION = (ChatMessage("user", "Write a long story about a lighthouse keeper."),)
KEY = "test-key-5f1d"


@pytest.fixture
def server(llama_server: Running) -> Running:
    return llama_server


@pytest.fixture
def proxy(server: Running) -> Iterator[FaultProxy]:
    with FaultProxy(server.url) as p:
        yield p


_engines: list[RemoteEngine] = []


@pytest.fixture(autouse=True)
def _close_engines() -> Iterator[None]:
    yield
    while _engines:
        _engines.pop().unload()


def engine_for(url: str, **kw: object) -> RemoteEngine:
    remote = RemoteSettings(read_timeout_s=float(kw.pop("read_timeout_s", 30.0)))  # type: ignore[arg-type]
    engine = RemoteEngine(RemoteServer("gpu-box", servers.normalize_url(url), n_ctx=2048), remote, **kw)  # type: ignore[arg-type]
    _engines.append(engine)
    return engine


def run(engine: RemoteEngine, params: SamplingParams = GREEDY, **kw: object) -> Finished:
    events = list(Reply(ReplyRequest(QUESTION, params, **kw)).run(engine))  # type: ignore[arg-type]
    assert isinstance(events[-1], Finished)
    return events[-1]


def test_streams_the_same_text_as_the_server_with_stats(server: Running, proxy: FaultProxy) -> None:
    engine = engine_for(proxy.url)
    done = run(engine)
    assert done.phase is Phase.DONE and done.text
    # the same request without streaming, straight to the server: greedy, so the same text
    direct = engine_for(server.url)
    plain = (
        direct.http()
        .post(
            server.url + "/v1/chat/completions",
            json={
                "messages": [{"role": "user", "content": QUESTION[0].content}],
                **{"max_tokens": 24, "temperature": 0.0, "top_p": GREEDY.top_p, "top_k": GREEDY.top_k},
                **{"min_p": GREEDY.min_p, "repeat_penalty": GREEDY.repeat_penalty, "seed": 1},
            },
            timeout=120,
        )
        .json()
    )
    assert done.text == plain["choices"][0]["message"]["content"]
    stats = done.stats
    assert stats is not None and stats.finish_reason == "length"
    assert stats.completion_tokens == plain["usage"]["completion_tokens"] == 24
    assert stats.ttft_ms > 0 and stats.tokens_per_s > 0 and stats.n_ctx == 2048
    assert abs(stats.prompt_tokens - plain["usage"]["prompt_tokens"]) <= plain["usage"]["prompt_tokens"]
    assert ("POST", "/v1/chat/completions") in proxy.seen.requests


def test_the_model_comes_from_the_server_list(proxy: FaultProxy, starter_model: Path) -> None:
    engine = engine_for(proxy.url)
    info = engine.ready()
    assert info.name == str(starter_model) and info.remote and engine.models == [str(starter_model)]
    assert info.n_ctx == 2048 and "setting" in engine.context_source  # llama_cpp.server does not say
    with pytest.raises(HearthError, match=r"has no model 'nope'\. It offers: "):
        engine_for(proxy.url, model="nope").ready()


def test_stop_closes_the_stream(server: Running, proxy: FaultProxy) -> None:
    reply = Reply(ReplyRequest(QUESTION, LONG))
    engine = engine_for(proxy.url)
    tokens = 0
    for event in reply.run(engine):
        if isinstance(event, Token):
            tokens += 1
            if tokens == 3:
                t0 = time.perf_counter()
                reply.stop()
    assert time.perf_counter() - t0 < 5
    assert reply.phase is Phase.STOPPED and reply.text and reply.stats is not None
    assert reply.stats.completion_tokens == 3
    deadline = time.monotonic() + 30  # the server notices the client leaving and stops generating
    while "disconnected" not in server.log.read_text(errors="replace").lower():
        assert time.monotonic() < deadline, "the server never saw the client go"
        time.sleep(0.1)


def test_stop_before_the_first_token(proxy: FaultProxy) -> None:
    proxy.fault = Fault("stall", after=-1)  # the server "reads the prompt" forever: no answer yet
    reply = Reply(ReplyRequest(QUESTION, LONG))
    engine = engine_for(proxy.url)
    engine.ready()
    events = reply.run(engine)
    for event in events:
        if type(event).__name__ == "PromptProgress":
            break
    import threading

    threading.Timer(0.5, reply.stop).start()
    t0 = time.perf_counter()
    rest = list(events)
    assert time.perf_counter() - t0 < 5
    assert isinstance(rest[-1], Finished) and rest[-1].phase is Phase.STOPPED and rest[-1].text == ""


@pytest.mark.parametrize(
    ("fault", "phase", "message"),
    [
        (Fault("status", 404), Phase.FAILED, r"gpu-box has no model '.*' \(HTTP 404: injected fault\)"),
        (Fault("status", 503), Phase.FAILED, r"gpu-box failed \(HTTP 503: injected fault\)\. Try again"),
        (Fault("status", 401), Phase.FAILED, r"refused the request \(HTTP 401.*API key is missing or wrong"),
        (Fault("drop", after=4), Phase.INTERRUPTED, "broke off: the connection was closed before the"),
        (Fault("stall", after=4), Phase.INTERRUPTED, "broke off: it sent nothing for 1 s"),
        (Fault("garbage", after=4), Phase.INTERRUPTED, "broke off: it sent a part of the reply that is not"),
        (Fault("drop", after=0), Phase.FAILED, "broke off: the connection was closed"),
    ],
    ids=["404", "503", "401", "dropped", "silent", "bad-json", "dropped-before-text"],
)
def test_faults_give_one_plain_message_and_the_chat_goes_on(
    proxy: FaultProxy, tmp_path: Path, fault: Fault, phase: Phase, message: str
) -> None:
    store = ChatStore(tmp_path / "chats.sqlite3")
    session = ChatSession(store)
    conv = store.create_conversation()
    pending = session.send(conv.id, QUESTION[0].content)
    engine = engine_for(proxy.url, read_timeout_s=1.0)
    engine.ready()
    proxy.fault = fault
    request = ReplyRequest(
        tuple(pending.prompt), LONG, conversation_id=conv.id, message_id=pending.message_id
    )
    done = list(Reply(request, session).run(engine))[-1]
    assert isinstance(done, Finished) and done.phase is phase
    assert len(done.error.splitlines()) == 1 and "Traceback" not in done.error
    import re

    assert re.search(message, done.error), done.error
    stored = store.message(pending.message_id)
    assert stored.status == phase.value and stored.content == done.text
    if phase is Phase.INTERRUPTED:
        assert done.text and done.stats is not None and done.stats.completion_tokens == 3
    proxy.fault = Fault()
    proxy.release.set()
    assert run(engine).phase is Phase.DONE  # the same engine answers again
    store.close()


def test_connection_refused_is_one_plain_message() -> None:
    engine = engine_for(f"http://127.0.0.1:{free_port()}")
    done = run(engine)
    assert done.phase is Phase.FAILED
    assert done.error.startswith("Cannot connect to gpu-box at http://127.0.0.1:")
    assert "the connection was refused: is the server running" in done.error


@pytest.fixture(scope="module")
def tls_server(
    starter_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Running, Path]]:
    folder = tmp_path_factory.mktemp("tls-server")
    cert, key = self_signed(folder)
    with llama_cpp_server(starter_model, folder, api_key=KEY, tls=(cert, key)) as running:
        yield running, cert


def test_https_proxy_no_proxy_and_api_key(
    tls_server: tuple[Running, Path], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    running, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    caplog.set_level(logging.DEBUG)
    with FaultProxy() as forward:
        monkeypatch.setenv("HTTPS_PROXY", forward.url)
        assert run(engine_for(running.url, api_key=KEY)).phase is Phase.DONE
        assert ("CONNECT", f"127.0.0.1:{running.port}") in forward.seen.requests

        wrong = run(engine_for(running.url, api_key="wrong-key"))
        assert wrong.phase is Phase.FAILED and "API key is missing or wrong" in wrong.error

        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        before = len(forward.seen.requests)
        assert run(engine_for(running.url, api_key=KEY)).phase is Phase.DONE
        assert len(forward.seen.requests) == before  # straight to the server
    assert KEY not in caplog.text and "wrong-key" not in caplog.text


def test_api_key_lives_in_the_keyring_not_in_settings(hearth_home: Path, proxy: FaultProxy) -> None:
    cfg = settings.load()
    servers.save(cfg.remote, RemoteServer("gpu-box", proxy.url, n_ctx=2048), api_key="s3cret-key")
    settings.save(cfg)
    assert "s3cret-key" not in (hearth_home / "settings.json").read_text()
    (saved,) = servers.saved(settings.load().remote)
    assert saved.url == proxy.url + "/v1" and saved.api_key() == "s3cret-key"
    engine = RemoteEngine(saved)
    _engines.append(engine)
    assert run(engine).phase is Phase.DONE
    assert proxy.seen.authorization[-1] == "Bearer s3cret-key"  # sent on every request
    assert servers.find(cfg.remote, proxy.url) == saved  # an address finds the saved server (and key)
    servers.remove(cfg.remote, "gpu-box")
    assert saved.api_key() is None and servers.saved(cfg.remote) == []


def test_grounded_answer_retrieves_locally_within_the_remote_context(
    proxy: FaultProxy, tmp_path: Path
) -> None:
    from app.docs.index import shared_index
    from app.docs.ingest import ingest
    from tests.support import pdfs

    pdf = pdfs.fact_pdf(tmp_path / "facts.pdf")
    for _ in ingest([pdf], "remote-lib", index=shared_index()):
        pass
    fact = pdfs.FACTS[1]
    engine = engine_for(proxy.url)
    reply = Reply(ReplyRequest((ChatMessage("user", fact.question),), GREEDY, ("remote-lib",)))
    done = list(reply.run(engine))[-1]
    assert isinstance(done, Finished) and done.phase is Phase.DONE, done.error
    assert any(s["page"] == fact.page for s in done.sources)
    assert done.stats is not None and done.stats.context_used <= 2048


def test_server_context_length_shapes() -> None:
    engine = engine_for("http://127.0.0.1:9")  # nothing is asked: the list entry says it
    assert remote_probe.context_length(engine, {"id": "m", "max_model_len": 32768}, "m") == (
        32768,
        "the server's model list (max_model_len)",
    )
    assert remote_probe.context_length(engine, {"id": "m", "loaded_context_length": 8192}, "m")[0] == 8192


def test_sse_parsing_and_prompt_fitting() -> None:
    lines = [": comment", 'data: {"a": 1}', "", "event: x", "data: line1", "data:line2", "", "data: [DONE]"]
    assert list(sse_data(lines)) == ['{"a": 1}', "line1\nline2", "[DONE]"]
    history = [ChatMessage("user" if i % 2 == 0 else "assistant", "word " * 200) for i in range(10)]
    msgs = [ChatMessage("system", "Be brief."), *history, ChatMessage("user", "And now?")]
    fitted, used, max_tokens, notice = fit_messages(msgs, 1024, 256, lambda s: len(s) // 4)
    assert fitted[0].role == "system" and fitted[-1].content == "And now?" and fitted[1].role == "user"
    assert used + 256 <= 1024 and max_tokens == 256 and notice.startswith("Dropped the ")
    huge = [ChatMessage("user", "x" * 20_000)]
    (cut,), _, _, notice = fit_messages(huge, 1024, 256, lambda s: len(s) // 4)
    assert "[…]" in cut.content and len(cut.content) < 4000 and "middle was left out" in notice
