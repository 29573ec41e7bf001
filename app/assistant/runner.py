"""The engine thread: one thread owns the engines, and every load, reply and unload runs on it in turn.

The GUI, the CLI's ``serve`` and the local API server all submit work here, so one model is in memory
and llama.cpp is driven by one thread. Jobs run one at a time, the app's own (the GUI's chat, model
loads) before API requests; at most ``max_waiting`` API requests wait, a further one is refused with
:class:`QueueFull` (the server answers 503 with ``Retry-After``). A waiting job whose client left is
dropped without running; a running reply is stopped through the reply itself. Shutdown stops the
running reply, drops what waits and joins the thread within a timeout (a model still loading cannot
be interrupted: the caller is told so and may exit without waiting).

Engines: the local one (``local_factory``, made on first use) and remote ones by key (server name,
model), made by ``remote_factory`` and kept until :meth:`forget_remote`.
"""

from __future__ import annotations

import collections
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.assistant.reply import Phase, Reply, ReplyEvent
from app.chat.engine import Engine
from app.chat.servers import RemoteKey
from app.errors import HearthError
from app.i18n import tr

log = logging.getLogger(__name__)

APP, API = 0, 1  # job priorities: lower runs first
_RECENT = 16  # API jobs whose duration sets Retry-After


class QueueFull(HearthError):
    def __init__(self, waiting: int, retry_after_s: int) -> None:
        super().__init__(f"The engine is busy: {waiting} requests are waiting. Retry in {retry_after_s} s.")
        self.retry_after_s = retry_after_s


@dataclass(eq=False)
class Job:
    work: Callable[[EngineRunner], None]
    priority: int = APP
    on_drop: Callable[[], None] | None = None  # told when the job is dropped without running
    reply: Reply | None = None  # set for replies: shutdown stops it
    seq: int = 0


class EngineRunner:
    def __init__(
        self,
        local_factory: Callable[[], Engine],
        remote_factory: Callable[[RemoteKey], Engine] | None = None,
        max_waiting: int = 4,
        name: str = "hearth-engine",
    ) -> None:
        self._local_factory = local_factory
        self._remote_factory = remote_factory
        self._local: Engine | None = None
        self._remotes: dict[RemoteKey, Engine] = {}
        self.max_waiting = max_waiting
        self._cond = threading.Condition()
        self._waiting: list[Job] = []
        self._current: Job | None = None
        self._closing = False
        self._seq = itertools.count()
        self._api_seconds: collections.deque[float] = collections.deque(maxlen=_RECENT)
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    # submitting (any thread) ---------------------------------------------------------------------

    def submit(
        self,
        work: Callable[[EngineRunner], None],
        *,
        priority: int = APP,
        on_drop: Callable[[], None] | None = None,
        reply: Reply | None = None,
    ) -> Job:
        job = Job(work, priority, on_drop, reply, next(self._seq))
        with self._cond:
            if self._closing:
                raise HearthError(tr("Hearth is closing."))
            if priority == API:
                waiting = sum(j.priority == API for j in self._waiting)
                if waiting >= self.max_waiting:
                    raise QueueFull(waiting, self._retry_after(waiting))
            self._waiting.append(job)
            self._waiting.sort(key=lambda j: (j.priority, j.seq))
            self._cond.notify()
        return job

    def submit_reply(
        self,
        reply: Reply,
        sink: Callable[[ReplyEvent], None],
        *,
        remote: RemoteKey | None = None,
        priority: int = APP,
        on_drop: Callable[[], None] | None = None,
        prepare: Callable[[EngineRunner], None] | None = None,
    ) -> Job:
        """Run ``reply`` on the engine for ``remote`` (None: the local one), each event to ``sink`` on
        the engine thread. ``prepare`` runs first on that thread (e.g. load the requested model)."""

        def work(runner: EngineRunner) -> None:
            try:
                if prepare is not None:
                    prepare(runner)
                engine = runner.engine(remote)
            except HearthError as exc:  # e.g. the requested model does not load: the reply fails
                final = reply.abandon(Phase.FAILED, str(exc))
                if final is not None:
                    sink(final)
                return
            for event in reply.run(engine):  # never raises: failures end as Finished
                sink(event)

        return self.submit(work, priority=priority, on_drop=on_drop, reply=reply)

    def cancel(self, job: Job) -> bool:
        """Drop ``job`` if it has not started (True); a running reply is stopped with reply.stop()."""
        with self._cond:
            if job not in self._waiting:
                return False
            self._waiting.remove(job)
        if job.on_drop is not None:
            job.on_drop()
        return True

    def waiting(self, priority: int | None = None) -> int:
        with self._cond:
            return sum(priority is None or j.priority == priority for j in self._waiting)

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._current is not None or bool(self._waiting)

    def _retry_after(self, waiting: int) -> int:
        typical = sorted(self._api_seconds)[len(self._api_seconds) // 2] if self._api_seconds else 5.0
        return int(min(120, max(1, typical * (waiting + 1) + 0.999)))

    # the engine thread ---------------------------------------------------------------------------

    def engine(self, remote: RemoteKey | None = None) -> Engine:
        """The local engine, or the remote one for ``remote`` (engine thread only)."""
        if remote is None:
            if self._local is None:
                self._local = self._local_factory()
            return self._local
        if remote not in self._remotes:
            if self._remote_factory is None:
                raise HearthError("Remote servers are not available here.")
            self._remotes[remote] = self._remote_factory(remote)
        return self._remotes[remote]

    def forget_remote(self) -> None:
        """Drop the remote engines (their saved settings changed); new ones are made when needed."""

        def forget(runner: EngineRunner) -> None:
            for engine in runner._remotes.values():
                engine.unload()
            runner._remotes.clear()

        self.submit(forget)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._waiting and not self._closing:
                    self._cond.wait()
                if self._closing and not self._waiting:
                    break
                job = self._waiting.pop(0)
                self._current = job
            t0 = time.monotonic()
            try:
                job.work(self)
            except Exception:
                log.exception("engine job failed")
            finally:
                with self._cond:
                    self._current = None
                    if job.priority == API:
                        self._api_seconds.append(time.monotonic() - t0)
        for engine in [*self._remotes.values(), *([self._local] if self._local else [])]:
            try:
                engine.unload()
            except Exception:
                log.exception("unloading an engine failed")

    def shutdown(self, timeout_s: float = 1.0) -> bool:
        """Stop the running reply, drop waiting jobs, end the thread. False if it is still busy after
        ``timeout_s`` (e.g. loading a model): the caller may then exit without it."""
        with self._cond:
            self._closing = True
            dropped, self._waiting = self._waiting, []
            current = self._current
            self._cond.notify_all()
        for job in dropped:
            if job.reply is not None:
                job.reply.abandon(Phase.INTERRUPTED)
            if job.on_drop is not None:
                job.on_drop()
        if current is not None and current.reply is not None:
            current.reply.stop(Phase.INTERRUPTED)
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            if current is not None and current.reply is not None:
                current.reply.abandon(Phase.INTERRUPTED)
            log.warning("the engine thread did not stop within %.1f s; exiting without it", timeout_s)
            return False
        return True
