"""The engine thread: one job at a time, the app's before waiting API requests, a bounded API queue,
dropped jobs told so, a reply that cannot start ends as failed, and a bounded shutdown."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from app.assistant.reply import Finished, Phase, Reply, ReplyEvent, ReplyRequest
from app.assistant.runner import API, APP, EngineRunner, QueueFull
from app.chat.engine import LocalEngine
from app.chat.types import ChatMessage
from app.errors import HearthError
from app.settings import SamplingParams


@pytest.fixture
def runner() -> Iterator[EngineRunner]:
    runner = EngineRunner(LocalEngine, max_waiting=2)
    yield runner
    runner.shutdown(5)


def hold(runner: EngineRunner) -> threading.Event:
    release, started = threading.Event(), threading.Event()

    def work(_r: EngineRunner) -> None:
        started.set()
        release.wait(30)

    runner.submit(work)
    assert started.wait(30)
    return release


def test_app_jobs_go_first_and_the_api_queue_is_bounded(runner: EngineRunner) -> None:
    release = hold(runner)
    order: list[str] = []
    done = threading.Event()
    runner.submit(lambda _r: order.append("api-1"), priority=API)
    runner.submit(lambda _r: order.append("api-2"), priority=API)
    with pytest.raises(QueueFull, match=r"2 requests are waiting\. Retry in \d+ s") as full:
        runner.submit(lambda _r: order.append("api-3"), priority=API)
    assert full.value.retry_after_s >= 1
    runner.submit(lambda _r: order.append("app"), priority=APP)  # the app's own are never refused
    runner.submit(lambda _r: done.set(), priority=API + 1)
    assert runner.waiting() == 4 and runner.waiting(API) == 2 and runner.busy
    release.set()
    assert done.wait(30)
    assert order == ["app", "api-1", "api-2"]


def test_cancel_drops_a_waiting_job(runner: EngineRunner) -> None:
    release = hold(runner)
    dropped: list[bool] = []
    ran: list[bool] = []
    job = runner.submit(lambda _r: ran.append(True), priority=API, on_drop=lambda: dropped.append(True))
    assert runner.cancel(job) and dropped == [True] and runner.waiting() == 0
    assert not runner.cancel(job)  # once
    release.set()
    runner.submit(lambda _r: None)
    runner.shutdown(5)
    assert ran == []


def test_a_reply_that_cannot_start_ends_failed(runner: EngineRunner) -> None:
    events: list[ReplyEvent] = []
    finished = threading.Event()

    def sink(event: ReplyEvent) -> None:
        events.append(event)
        if isinstance(event, Finished):
            finished.set()

    def prepare(_r: EngineRunner) -> None:
        raise HearthError("That model does not load.")

    request = ReplyRequest((ChatMessage("user", "hi"),), SamplingParams())
    runner.submit_reply(Reply(request), sink, prepare=prepare)
    assert finished.wait(30)
    assert isinstance(events[-1], Finished) and events[-1].phase is Phase.FAILED
    assert events[-1].error == "That model does not load."
    finished.clear()
    runner.submit_reply(Reply(request), sink)  # no model loaded: the reply says so
    assert finished.wait(30)
    assert isinstance(events[-1], Finished) and events[-1].error == "No model is loaded."


def test_shutdown_drops_waiting_replies_and_refuses_new_jobs(runner: EngineRunner) -> None:
    release = hold(runner)
    reply = Reply(ReplyRequest((ChatMessage("user", "hi"),), SamplingParams()))
    runner.submit_reply(reply, lambda _e: None, priority=API)
    threading.Timer(0.2, release.set).start()
    assert runner.shutdown(10)
    assert reply.phase is Phase.INTERRUPTED
    with pytest.raises(HearthError, match="closing"):
        runner.submit(lambda _r: None)
