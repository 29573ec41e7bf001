"""``chat`` (interactive, streaming) and ``ask`` (one answer, optionally ``--json``) on the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import Any

from app.chat.types import ChatMessage, Stats, Token
from app.settings import SamplingParams


def register(sub: Any) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--model", default=None, help="path to a GGUF file, or 'starter' (default: settings)")
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


def _engine_and_params(args: argparse.Namespace) -> tuple[Any, SamplingParams, str]:
    from app import settings
    from app.chat.engine import LocalEngine
    from app.models import bundled

    cfg = settings.load().chat
    model = args.model or cfg.model_path
    path = bundled.resolve(model)
    load = replace(
        cfg.load_params(), n_ctx=args.ctx or cfg.n_ctx, allow_oversize=args.force or cfg.allow_oversize
    )
    overrides = {
        k: v
        for k, v in (("max_tokens", args.max_tokens), ("temperature", args.temperature), ("seed", args.seed))
        if v is not None
    }
    engine = LocalEngine()
    engine.load(path, load)
    system = cfg.system_prompt if args.system is None else args.system
    return engine, replace(cfg.sampling(), **overrides), system


def _stream(
    engine: Any, messages: list[ChatMessage], params: SamplingParams, echo: bool
) -> tuple[str, Stats]:
    from app.cancel import CancelToken

    text, stats = "", None
    cancel = CancelToken()
    try:
        for event in engine.stream(messages, params, cancel):
            if isinstance(event, Token):
                text += event.text
                if echo:
                    print(event.text, end="", flush=True)
            elif isinstance(event, Stats):
                stats = event
            else:
                print(f"\n[{event.text}]", file=sys.stderr)
    except KeyboardInterrupt:
        cancel.cancel()
    assert stats is not None or cancel.cancelled
    return text, stats or Stats(0, 0, 0, 0, 0, 0, 0, "cancelled")


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
        text, stats = _stream(engine, history, params, echo=True)
        print()
        print(f"[{stats.tokens_per_s:.1f} tok/s, {stats.context_used}/{stats.n_ctx} tokens]", file=sys.stderr)
        history.append(ChatMessage("assistant", text))
    engine.unload()
    return 0


def _ask(args: argparse.Namespace) -> int:
    engine, params, system = _engine_and_params(args)
    messages = [ChatMessage("system", system)] if system else []
    messages.append(ChatMessage("user", args.question))
    sources: list[dict[str, Any]] = []
    if args.library:
        from app import settings
        from app.assistant.grounding import ground

        docs = settings.load().docs
        if args.chroma_url is not None:
            docs = replace(docs, chroma_url=args.chroma_url)
        grounded = ground(
            messages, args.library, engine.info.n_ctx, params.max_tokens, engine.count_tokens, docs
        )
        messages, sources = grounded.messages, grounded.sources
    text, stats = _stream(engine, messages, params, echo=not args.json)
    if args.json:
        out: dict[str, Any] = {
            "answer": text,
            "model": engine.info.name,
            "ttft_ms": round(stats.ttft_ms, 1),
            "tokens_per_s": round(stats.tokens_per_s, 2),
            **{k: v for k, v in stats.to_dict().items() if k not in ("ttft_ms", "tokens_per_s")},
        }
        if args.library:
            out["sources"] = [
                {k: s.get(k) for k in ("n", "file", "path", "page", "location", "excerpt")} for s in sources
            ]
        print(json.dumps(out, ensure_ascii=False))
    else:
        print()
        for s in sources:
            print(f"[{s.get('n')}] {s.get('file')}, {s.get('location')}")
    engine.unload()
    return 0
