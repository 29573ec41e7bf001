"""The conversation view: a scrolling column of message cards (``ui.message_card``).

Showing a conversation again reuses the card of every message that has not changed, so a new turn
or the end of a reply builds one or two cards, not the whole history. The reply in progress is a
live card at the end that takes each batch of text (only its open block is redrawn). While the
view is at the bottom it follows the growing reply; scrolled up, it stays where the user is.
Card actions arrive as signals with the message id.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from app.chat.store import Message
from ui.message_card import MessageCard


class MessageView(QScrollArea):
    edit_requested = Signal(int)  # user message id
    regenerate_requested = Signal(int)  # reply id
    delete_requested = Signal(int)
    branch_requested = Signal(int)
    version_requested = Signal(int)  # the version (message id) to show
    source_requested = Signal(dict)  # a cited source: file, path, page, excerpt

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageView")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column = self._column = QWidget()
        self._layout = QVBoxLayout(column)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(10)
        self._layout.addStretch(1)
        self.setWidget(column)
        self.cards: list[MessageCard] = []
        self._live: MessageCard | None = None
        self._actions_enabled = True
        self._follow = True  # keep the newest text in sight
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(lambda v: setattr(self, "_follow", v >= bar.maximum() - 8))
        bar.rangeChanged.connect(self._on_range)

    # content ---------------------------------------------------------------------------------

    def set_messages(self, messages: list[Message]) -> None:
        """Show these messages (a conversation, or one after a change), reusing unchanged cards."""
        old = {c.message.id: c for c in self.cards if not c.live}
        if self._live is not None:
            self._replace_cards([c for c in self.cards if not c.live], [self._live])
        cards = []
        for m in messages:
            card = old.pop(m.id, None)
            if card is None or card.message != m:
                card = self._new_card(m)
            cards.append(card)
        self._replace_cards(cards, old.values())
        self._follow = True
        self._on_range()

    def begin_reply(self, message: Message) -> None:
        """Add the live card of a reply being written (``message``: its stored row, for the id and
        versions); then :meth:`append_text` gives it the text."""
        if self._live is not None:
            self._replace_cards([c for c in self.cards if c is not self._live], [self._live])
        self._live = self._new_card(message, live=True)
        self._replace_cards([*self.cards, self._live], [])

    def append_text(self, text: str) -> None:
        if self._live is not None:
            self._live.append(text)

    def set_actions_enabled(self, enabled: bool) -> None:
        """Actions that change the conversation wait while a reply is being written."""
        self._actions_enabled = enabled
        for c in self.cards:
            c.set_actions_enabled(enabled)

    def plain_text(self) -> str:
        return "\n\n".join(c.plain_text() for c in self.cards)

    def _new_card(self, message: Message, live: bool = False) -> MessageCard:
        card = MessageCard(message, live=live)
        card.action.connect(self._on_action)
        card.source_requested.connect(self.source_requested)
        card.set_actions_enabled(self._actions_enabled)
        return card

    def _replace_cards(self, cards: list[MessageCard], dropped: Iterable[MessageCard]) -> None:
        for c in list(dropped):
            if c is self._live:
                self._live = None
            c.setParent(None)
            c.deleteLater()
        for i, c in enumerate(cards):
            if self._layout.indexOf(c) != i:
                self._layout.insertWidget(i, c)
        self.cards = cards

    # behaviour -------------------------------------------------------------------------------

    @Slot()
    def _on_range(self, *_: object) -> None:
        if self._follow:
            bar = self.verticalScrollBar()
            bar.setValue(bar.maximum())

    @Slot(str, int)
    def _on_action(self, kind: str, message_id: int) -> None:
        signal = {
            "edit": self.edit_requested,
            "regenerate": self.regenerate_requested,
            "delete": self.delete_requested,
            "branch": self.branch_requested,
            "version": self.version_requested,
        }[kind]
        signal.emit(message_id)

    def changeEvent(self, event: QEvent) -> None:  # light/dark switch: cards take the new colours
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the colours in the cards' HTML are the old ones
            live = self._live
            messages = [c.message for c in self.cards if not c.live]
            self._replace_cards([], self.cards)
            self.set_messages(messages)
            if live is not None:
                self.begin_reply(live.message)
                self.append_text(live.text)
