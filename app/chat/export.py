"""Export a conversation to Markdown or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

from app.chat.store import ChatStore

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
