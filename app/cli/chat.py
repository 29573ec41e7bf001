"""``chat`` (interactive, streaming) and ``ask`` (one answer, optionally ``--json``) on the terminal.

Both run the same reply controller as the GUI (``app.assistant.reply``) on a worker thread, so the
main thread stays free for Ctrl+C: it stops the reply in every phase (the prompt being read
included) within a second, keeps what was printed, and exits with code 130 and one plain line.
Progress (searching documents, reading the prompt) goes to stderr, the answer to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

from app.assistant.reply import Finished, Phase, PhaseChanged, Reply, ReplyRequest
from app.chat.types import ChatMessage, Notice, PromptProgress, Token
from app.errors import HearthError
from app.settings import SamplingParams

T = TypeVar("T")
STOP_WAIT_S = 1.0


def register(sub: Any) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--model",
        default=None,
        help="path to a GGUF file, or 'starter' (default: settings); with --engine, the server's model",
    )
    common.add_argument(
        "--engine",
        default=None,
        metavar="URL|NAME",
        help="answer on a remote OpenAI-compatible server (an address or a saved server's name)",
    )
    common.add_argument("--ctx", type=int, default=None, help="context length in tokens")
    common.add_argument("--max-tokens", type=int, default=None, help="longest reply in tokens")
    common.add_argument("--temperature", type=float, default=None)
    common.add_argument("--seed", type=int, default=None)
    common.add_argument("--force", action="store_true", help="load even if the model may not fit in memory")

    p = sub.add_parser("chat", parents=[common], help="chat in the terminal", description=__doc__)
    p.add_argument("--system", default=None, help="system prompt")
    p.set_defaults(func=_chat)

    p = sub.add_parser("ask", parents=[common], help="answer one question and exit", description=__doc__)
    p.add_argument("question")
    p.add_argument("--system", default=None, help="system prompt")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--library", action="append", default=None, help="answer from this document library")
    p.add_argument("--chroma-url", default=None, help="use a Chroma server instead of the local index")
    p.set_defaults(func=_ask)


def _in_thread(work: Callable[[], Iterator[T]], stop: Callable[[], None]) -> Iterator[T]:
    """Run ``work`` on a daemon thread and yield what it yields (re-raising what it raises).

    On Ctrl+C, ``stop`` is called and what the thread still yields within a second is passed on (a
    stopped reply's last event); then KeyboardInterrupt is raised. If the thread is stuck in a C call
    (a model or the embedder loading), the process exits with 130 without it."""
    items: queue.Queue[tuple[str, Any]] = queue.Queue()

    def run() -> None:
        try:
            for item in work():
                items.put(("item", item))
        except BaseException as exc:
            items.put(("error", exc))
        items.put(("end", None))

    thread = threading.Thread(target=run, name="hearth-reply", daemon=True)
    thread.start()
    deadline: float | None = None
    while True:
        try:
            kind, value = items.get(timeout=0.1)  # a timeout keeps Ctrl+C prompt on every platform
        except queue.Empty:
            if deadline is not None and time.monotonic() > deadline:
                print("\nhearth: interrupted", file=sys.stderr, flush=True)
                sys.stdout.flush()
                os._exit(130)
            continue
        except KeyboardInterrupt:
            if deadline is not None:  # a second Ctrl+C
                raise
            stop()
            deadline = time.monotonic() + STOP_WAIT_S
            continue
        if kind == "end":
            if deadline is not None:
                raise KeyboardInterrupt
            return
        if kind == "error":
            raise value
        yield value


def _engine_and_params(args: argparse.Namespace) -> tuple[Any, SamplingParams, str]:
    from app import per_model, settings
    from app.chat.engine import LocalEngine
    from app.models import bundled

    loaded = settings.load()
    cfg = loaded.chat
    overrides = {
        k: v
        for k, v in (("max_tokens", args.max_tokens), ("temperature", args.temperature), ("seed", args.seed))
        if v is not None
    }
    system = cfg.system_prompt if args.system is None else args.system
    if args.engine:
        return _remote_engine(args, loaded.remote), replace(cfg.sampling(), **overrides), system
    model = args.model or cfg.model_path
    path = bundled.resolve(model)
    cfg = per_model.effective(cfg, path)  # this model file's own settings (Settings → Model)
    load = replace(
        cfg.load_params(), n_ctx=args.ctx or cfg.n_ctx, allow_oversize=args.force or cfg.allow_oversize
    )
    engine = LocalEngine()  # no disk prompt cache: one process per question, nothing to continue
    (info,) = _in_thread(lambda: iter([engine.load(path, load)]), stop=lambda: None)
    if info.load_note:
        print(info.load_note, file=sys.stderr)
    return engine, replace(cfg.sampling(), **overrides), system


def _remote_engine(args: argparse.Namespace, remote: Any) -> Any:
    """The remote engine for ``--engine`` (a saved server or an address), connected: its model picked
    from the server's list (``--model`` needed only when it offers several)."""
    from app.chat import servers
    from app.chat.remote import RemoteEngine

    server = servers.find(remote, args.engine)
    if args.ctx:  # the context length when the server does not say it
        server = replace(server, n_ctx=args.ctx)
    engine = RemoteEngine(server, remote, model=args.model or "")
    (info,) = _in_thread(lambda: iter([engine.ready()]), stop=lambda: None)
    where = f"on {engine.server.name} ({info.n_ctx} tokens of context)"
    print(f"Remote model {info.name} {where}", file=sys.stderr)
    return engine


class _Progress:
    """Phases and prompt-reading progress on stderr: one line rewritten in place on a terminal, one
    line per report otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.shown = False

    def show(self, text: str) -> None:
        if self.tty:
            print(f"\r\033[K{text}", end="", file=sys.stderr, flush=True)
            self.shown = True
        else:
            print(text, file=sys.stderr, flush=True)

    def clear(self) -> None:
        if self.shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
            self.shown = False


def _stream(engine: Any, request: ReplyRequest, echo: bool) -> tuple[Finished, bool]:
    """Run one reply, printing it; returns its end and whether Ctrl+C stopped it."""
    reply = Reply(request)
    progress = _Progress()
    finished: Finished | None = None
    interrupted = False
    try:
        for event in _in_thread(lambda: reply.run(engine), stop=reply.stop):
            if isinstance(event, PhaseChanged) and event.phase is Phase.RETRIEVING:
                progress.show(event.detail)
            elif isinstance(event, PromptProgress):
                left = event.seconds_left()
                eta = f" · ~{left:.0f} s left" if left is not None and left >= 1 else ""
                progress.show(f"Reading prompt {event.done:,} / {event.total:,} tokens{eta}")
            elif isinstance(event, Token):
                progress.clear()
                if echo:
                    print(event.text, end="", flush=True)
            elif isinstance(event, Notice):
                progress.clear()
                print(f"\n[{event.text}]", file=sys.stderr)
            elif isinstance(event, Finished):
                progress.clear()
                finished = event
    except KeyboardInterrupt:
        interrupted = True
    if finished is None:
        raise KeyboardInterrupt
    if finished.phase is Phase.FAILED:
        raise HearthError(finished.error)
    return finished, interrupted


def _chat(args: argparse.Namespace) -> int:
    engine, params, system = _engine_and_params(args)
    history = [ChatMessage("system", system)] if system else []
    print(f"Hearth chat with {engine.info.name} — empty line or Ctrl+D to quit.", file=sys.stderr)
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            break
        if not line:
            break
        history.append(ChatMessage("user", line))
        done, interrupted = _stream(engine, ReplyRequest(tuple(history), params), echo=True)
        print()
        if interrupted:
            raise KeyboardInterrupt
        stats = done.stats
        if stats is not None:
            speed = f"{stats.tokens_per_s:.1f} tok/s, " if stats.completion_tokens else ""
            print(f"[{speed}{stats.context_used}/{stats.n_ctx} tokens]", file=sys.stderr)
        history.append(ChatMessage("assistant", done.text))
    engine.unload()
    return 0


def _ask(args: argparse.Namespace) -> int:
    engine, params, system = _engine_and_params(args)
    messages = [ChatMessage("system", system)] if system else []
    messages.append(ChatMessage("user", args.question))
    docs = None
    if args.library:
        from app import settings

        docs = settings.load().docs
        if args.chroma_url is not None:
            docs = replace(docs, chroma_url=args.chroma_url)
    request = ReplyRequest(tuple(messages), params, tuple(args.library or ()), docs)
    done, interrupted = _stream(engine, request, echo=not args.json)
    stats = done.stats
    if args.json:
        out: dict[str, Any] = {"answer": done.text, "model": engine.info.name}
        if stats is not None:
            out |= {"ttft_ms": round(stats.ttft_ms, 1), "tokens_per_s": round(stats.tokens_per_s, 2)}
            out |= {k: v for k, v in stats.to_dict().items() if k not in ("ttft_ms", "tokens_per_s")}
        if args.library:
            out["sources"] = [
                {k: s.get(k) for k in ("n", "file", "path", "page", "location", "excerpt")}
                for s in done.sources
            ]
        print(json.dumps(out, ensure_ascii=False))
    else:
        print()
        for s in done.sources:
            print(f"[{s.get('n')}] {s.get('file')}, {s.get('location')}")
    if interrupted:  # what was generated is printed above; exit 130
        raise KeyboardInterrupt
    engine.unload()
    return 0
