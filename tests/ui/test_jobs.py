"""ui.jobs: one way to run background work (progress, result, failed, cancelled, finished), two pools,
late answers dropped."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import shiboken6
from PySide6.QtCore import QObject, QThread
from pytestqt.qtbot import QtBot

from app.cancel import CancelToken
from app.errors import HearthError
from ui import jobs

WAIT = 10_000


def counting(cancel: CancelToken) -> Iterator[int]:
    for i in range(3):
        cancel.raise_if_cancelled()
        yield i
    return 42  # type: ignore[misc]


def test_generator_job_reports_progress_then_result(qtbot: QtBot) -> None:
    owner = QObject()
    seen: list[object] = []
    threads: set[object] = set()

    def note(item: object) -> None:
        seen.append(item)
        threads.add(QThread.currentThread())

    job = jobs.run(counting, owner, "counting", on_progress=note, on_result=note,
                   on_finished=lambda: note("finished"))  # fmt: skip
    qtbot.waitUntil(lambda: job.done, timeout=WAIT)
    assert seen == [0, 1, 2, 42, "finished"]
    assert threads == {owner.thread()}  # every callback ran in the GUI thread
    assert job not in jobs.running()


def test_failure_is_shown_plainly_then_passed_on(qtbot: QtBot, errors: list[str]) -> None:
    def fail(cancel: CancelToken) -> None:
        raise HearthError("Disk is full.")

    def crash(cancel: CancelToken) -> None:
        raise KeyError("x")

    owner = QObject()
    failed: list[str] = []
    a = jobs.run(fail, owner, "saving", on_failed=failed.append)
    b = jobs.run(crash, owner, "sorting", on_failed=failed.append)
    qtbot.waitUntil(lambda: a.done and b.done, timeout=WAIT)
    assert sorted(failed) == sorted(errors) == ["Disk is full.", "sorting failed unexpectedly: 'x'"]


def test_cancelled_job(qtbot: QtBot) -> None:
    owner = QObject()
    seen: list[str] = []
    gate = threading.Event()

    def wait_then_count(cancel: CancelToken) -> Iterator[int]:
        gate.wait(WAIT / 1000)
        return (yield from counting(cancel))

    job = jobs.run(wait_then_count, owner, "counting", on_cancelled=lambda: seen.append("cancelled"))
    jobs.cancel_all(owner)
    gate.set()
    qtbot.waitUntil(lambda: job.done, timeout=WAIT)
    assert seen == ["cancelled"]


def test_a_newer_request_drops_the_older_answer(qtbot: QtBot) -> None:
    owner = QObject()
    results: list[str] = []
    slow_gate = threading.Event()

    def slow(cancel: CancelToken) -> str:
        slow_gate.wait(WAIT / 1000)
        return "old"

    old = jobs.run(slow, owner, "search", key="search", on_result=results.append)
    new = jobs.run(lambda cancel: "new", owner, "search", key="search", on_result=results.append)
    qtbot.waitUntil(lambda: new.done, timeout=WAIT)
    slow_gate.set()  # the old answer arrives late
    qtbot.waitUntil(lambda: old.done, timeout=WAIT)
    assert results == ["new"] and old.superseded and old.cancel_token.cancelled


def test_long_work_never_holds_up_interactive_work(qtbot: QtBot) -> None:
    owner = QObject()
    release = threading.Event()
    busy = jobs.pool("long").maxThreadCount() + 2  # more long jobs than the long pool has threads
    long_jobs = [
        jobs.run(lambda c: release.wait(WAIT / 1000), owner, "download", kind="long") for _ in range(busy)
    ]
    quick = jobs.run(lambda cancel: "page", owner, "page view")
    try:
        qtbot.waitUntil(lambda: quick.done, timeout=WAIT)
        assert not any(j.done for j in long_jobs)
    finally:
        release.set()
        qtbot.waitUntil(lambda: all(j.done for j in long_jobs), timeout=WAIT)


def test_callbacks_stop_when_the_owner_is_gone(qtbot: QtBot) -> None:
    owner = QObject()
    gate = threading.Event()
    seen: list[str] = []
    job = jobs.run(
        lambda cancel: gate.wait(WAIT / 1000), owner, "listing", on_result=lambda r: seen.append("r")
    )
    owner.deleteLater()  # e.g. a viewer window closed while its page loads
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner), timeout=WAIT)
    gate.set()
    qtbot.waitUntil(lambda: job.done, timeout=WAIT)  # still cleaned up
    assert seen == [] and job not in jobs.running()


def test_a_finished_job_keeps_its_owner_free(qtbot: QtBot) -> None:
    box = {"owner": QObject()}
    alive = weakref.ref(box["owner"])
    job = jobs.run(
        lambda c: 1, box["owner"], "listing", key="k", on_result=lambda r: box["owner"].isWindowType()
    )
    qtbot.waitUntil(lambda: job.done, timeout=WAIT)
    del box["owner"]
    gc.collect()
    assert alive() is None  # a closed viewer or page is freed, though its last job was keyed


def test_jobs_wait_for_the_windows_first_frame(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel

    window = QLabel("first frame")
    qtbot.addWidget(window)
    events: list[str] = []
    jobs.hold_until_painted(window, lambda: events.append("then"))
    job = jobs.run(lambda _c: events.append("job ran"), window, "held")
    qtbot.wait(200)
    assert events == []  # not painted yet: nothing started
    window.show()
    qtbot.waitUntil(lambda: job.done, timeout=WAIT)
    assert sorted(events) == ["job ran", "then"]
    after = jobs.run(lambda _c: None, window, "not held")  # from now on jobs start at once
    qtbot.waitUntil(lambda: after.done, timeout=WAIT)


def test_a_window_closed_before_its_first_frame_holds_nothing(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel

    window = QLabel("never shown")
    jobs.hold_until_painted(window, lambda: None)
    window.deleteLater()
    qtbot.wait(50)
    owner = QObject()
    job = jobs.run(lambda _c: None, owner, "after")
    qtbot.waitUntil(lambda: job.done, timeout=jobs.HOLD_AT_MOST_MS + WAIT)
