"""Conversation flows over the store, shared by the GUI and the CLI: send, regenerate, edit.

Each flow writes the user's side first, opens an assistant message in status ``streaming`` and
returns what the engine needs. Regenerating adds another version of the reply, editing another
version of the user's message (with a new reply under it): nothing is deleted, the conversation
follows the newest version (the store's message tree). While tokens arrive the reply
(``app.assistant.reply``) saves the growing text with :meth:`ChatSession.save_partial` (at most
once a second, one UPDATE) and closes it with :meth:`finish`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from app.chat.store import ChatStore, Status
from app.chat.types import ChatMessage, Stats
from app.i18n import tr

TITLE_CHARS = 48
SAVE_EVERY_S = 1.0


@dataclass
class PendingReply:
    conversation_id: int
    message_id: int
    prompt: list[ChatMessage]


class ChatSession:
    def __init__(self, store: ChatStore) -> None:
        self.store = store
        self._last_save: dict[int, float] = {}

    def prompt_for(self, conversation_id: int, upto: int | None = None) -> list[ChatMessage]:
        """System prompt + every user message and every non-empty reply of the conversation as
        shown, oldest first (up to and including message ``upto`` if given)."""
        conv = self.store.conversation(conversation_id)
        out: list[ChatMessage] = []
        if conv.system_prompt.strip():
            out.append(ChatMessage("system", conv.system_prompt))
        for m in self.store.messages(conversation_id):
            if m.role == "user" or (m.role == "assistant" and m.content.strip()):
                out.append(ChatMessage(m.role, m.content))
            if m.id == upto:
                break
        return out

    def _open_reply(self, conversation_id: int, parent_id: int) -> PendingReply:
        prompt = self.prompt_for(conversation_id, upto=parent_id)
        reply = self.store.add_message(
            conversation_id, "assistant", "", status="streaming", parent_id=parent_id
        )
        return PendingReply(conversation_id, reply.id, prompt)

    def send(self, conversation_id: int, text: str) -> PendingReply:
        conv = self.store.conversation(conversation_id)
        if not self.store.messages(conversation_id) and conv.title in ("", "New chat", tr("New chat")):
            title = " ".join(text.split())
            title = title[:TITLE_CHARS] + ("…" if len(title) > TITLE_CHARS else "")
            self.store.update_conversation(conversation_id, title=title or tr("New chat"))
        user = self.store.add_message(conversation_id, "user", text)
        return self._open_reply(conversation_id, user.id)

    def regenerate(self, conversation_id: int, message_id: int | None = None) -> PendingReply:
        """Another version of reply ``message_id`` (default: the last reply shown), or an answer to
        a trailing user message; the earlier versions are kept."""
        msgs = self.store.messages(conversation_id)
        if message_id is None:
            target = next((m for m in reversed(msgs) if m.role in ("user", "assistant")), None)
        else:
            target = next((m for m in msgs if m.id == message_id), None)
        if target is None:
            raise ValueError("nothing to regenerate")
        if target.role == "user":
            return self._open_reply(conversation_id, target.id)
        if target.role != "assistant" or target.parent_id is None:
            raise ValueError("only a reply can be regenerated")
        return self._open_reply(conversation_id, target.parent_id)

    def edit(self, conversation_id: int, message_id: int, text: str) -> PendingReply:
        """A new version of a past user message, answered again; the old version and everything
        after it stay as the other branch."""
        msg = self.store.message(message_id)
        if msg.role != "user" or msg.conversation_id != conversation_id:
            raise ValueError("only the user's own messages can be edited")
        version = self.store.add_version(message_id, text)
        return self._open_reply(conversation_id, version.id)

    def save_partial(self, message_id: int, text: str, force: bool = False) -> None:
        """Persist the growing reply at most once a second, so a crash keeps most of it."""
        now = time.monotonic()
        if force or now - self._last_save.get(message_id, 0.0) >= SAVE_EVERY_S:
            self.store.update_message(message_id, content=text)
            self._last_save[message_id] = now

    def finish(
        self,
        message_id: int,
        text: str,
        stats: Stats | None,
        status: Status = "complete",
        sources: list[dict[str, Any]] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Store the reply's final text, status, stats and sources (a deleted message stays gone).
        ``details`` go with the stats: the model's name, the reply's duration, the thinking time."""
        self.store.update_message(
            message_id,
            content=text,
            status=status,
            stats={**(stats.to_dict() if stats else {}), **(details or {})},
            sources=sources,
        )
        self._last_save.pop(message_id, None)
