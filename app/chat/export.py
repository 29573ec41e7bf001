"""Export a conversation to Markdown or JSON, and import one from JSON.

:func:`from_json` takes Hearth's own export (the conversation as shown) or any JSON object with a
``messages`` list of ``{"role", "content"}`` (OpenAI's shape); anything else is refused with a plain
reason, and nothing is written unless the whole file is read.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.chat.store import ChatStore, Conversation, Message
from app.errors import HearthError

MAX_IMPORT_BYTES = 64 * 1024 * 1024
_STATUSES = {"complete", "interrupted", "stopped", "failed"}

ROLE_TITLES = {"system": "System", "user": "You", "assistant": "Assistant"}


def to_json(store: ChatStore, conversation_id: int) -> str:
    conv = store.conversation(conversation_id)
    data = asdict(conv)
    data["messages"] = [asdict(m) for m in store.messages(conversation_id)]
    return json.dumps(data, indent=2, ensure_ascii=False)


def to_markdown(store: ChatStore, conversation_id: int) -> str:
    conv = store.conversation(conversation_id)
    parts = [f"# {conv.title}\n"]
    if conv.system_prompt.strip():
        parts.append(f"**System:** {conv.system_prompt}\n")
    for m in store.messages(conversation_id):
        note = "" if m.status == "complete" else f" *({m.status})*"
        parts.append(f"## {ROLE_TITLES.get(m.role, m.role)}{note}\n\n{m.content}\n")
        for i, src in enumerate(m.sources, 1):
            parts.append(f"[{i}] {src.get('file', '?')}, page {src.get('page', '?')}\n")
    return "\n".join(parts)


def from_file(store: ChatStore, path: Path) -> Conversation:
    """:func:`from_json` of a file, refused before it is read when it is too large (OSError: unreadable)."""
    _check_size(path.stat().st_size)
    return from_json(store, path.read_text(encoding="utf-8", errors="replace"))


def from_json(store: ChatStore, text: str) -> Conversation:
    """A new conversation from an exported one (see the module's docstring)."""
    _check_size(len(text))
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise HearthError(f"This is not a chat export: not valid JSON ({exc}).") from None
    raw = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise HearthError('This is not a chat export: it has no "messages" list.')
    messages = [_message(i, m) for i, m in enumerate(raw, 1)]
    libraries = data.get("libraries")
    like = Conversation(
        id=0,
        title=_text(data.get("title"), "Imported chat")[:200],
        system_prompt=_text(data.get("system_prompt"), ""),
        libraries=[x for x in libraries if isinstance(x, str)] if isinstance(libraries, list) else [],
        created=0.0,
        updated=0.0,
    )
    return store.add_chain(like, messages)


def _check_size(n: int) -> None:
    if n > MAX_IMPORT_BYTES:
        raise HearthError("This file is too large to be a chat export (over 64 MB).")


def _text(value: Any, default: str) -> str:
    return value if isinstance(value, str) and value.strip() else default


def _message(n: int, raw: Any) -> Message:
    role = raw.get("role") if isinstance(raw, dict) else None
    content = raw.get("content") if isinstance(raw, dict) else None
    if role not in ("system", "user", "assistant") or not isinstance(content, str):
        raise HearthError(
            f'This is not a chat export: message {n} has no "role" (user, assistant or system) and text.'
        )
    status = raw.get("status")
    stats, sources, created = raw.get("stats"), raw.get("sources"), raw.get("created")
    return Message(
        id=0,
        conversation_id=0,
        role=role,
        content=content,
        status=status if status in _STATUSES else "interrupted" if status == "streaming" else "complete",
        stats=stats if isinstance(stats, dict) else {},
        sources=[x for x in sources if isinstance(x, dict)] if isinstance(sources, list) else [],
        created=float(created) if isinstance(created, int | float) and 0 < created < 4e9 else time.time(),
    )
