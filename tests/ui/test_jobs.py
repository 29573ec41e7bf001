"""ui.jobs: the pooled job's signal vocabulary (started, progress, result, failed, cancelled, finished)."""

from __future__ import annotations

from collections.abc import Iterator

from pytestqt.qtbot import QtBot

from app.cancel import CancelToken
from app.errors import HearthError
from ui import jobs


def counting(cancel: CancelToken) -> Iterator[int]:
    for i in range(3):
        cancel.raise_if_cancelled()
        yield i
    return 42  # type: ignore[misc]


def test_generator_job_reports_progress_then_result(qtbot: QtBot) -> None:
    job = jobs.Job(counting)
    progress: list[int] = []
    results: list[int] = []
    job.signals.progress.connect(progress.append)
    job.signals.result.connect(results.append)
    with qtbot.waitSignal(job.signals.finished, timeout=5000):
        jobs.start(job)
    assert progress == [0, 1, 2]
    assert results == [42]
    qtbot.waitUntil(lambda: job not in jobs.running())


def test_expected_error_becomes_plain_message(qtbot: QtBot) -> None:
    def fail(cancel: CancelToken) -> None:
        raise HearthError("Disk is full.")

    job = jobs.Job(fail)
    with qtbot.waitSignal(job.signals.failed, timeout=5000) as blocker:
        jobs.start(job)
    assert blocker.args == ["Disk is full."]


def test_cancelled_job(qtbot: QtBot) -> None:
    job = jobs.Job(counting)
    job.cancel()
    with qtbot.waitSignals([job.signals.cancelled, job.signals.finished], timeout=5000):
        jobs.start(job)
