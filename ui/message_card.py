"""One message as a card: role, time, a reply's model and speed, its actions, versions, thinking, body.

The body is a read-only rich-text view sized to its text (the conversation scrolls, not the card),
filled from ``app.chat.render`` (Markdown, highlighted code with a "Copy" link per block). While a
reply streams, only its last, still-open block is rendered again per batch: the blocks before it are
closed for good and stay in the document; an open code block is plain text each batch appends to,
highlighted once it closes; a batch of plain prose is appended as it is, not rendered at all. Links
the app made act (``copy:N``, ``source:N``, ``more:``, ``all:``); web links open in the browser when
clicked; anything else the model wrote is plain text. A long user message (a pasted document) shows
its first FOLD_CHARS characters until "Show all" is clicked: a 4,000-token paste (~18,000
characters) took ~12 ms to render and ~10 ms per layout on a 2-core VM, and sending it stalled the
window for 51 ms as the reply began (16–25 ms folded at 1,200 characters).
Under a reply: a card per source it cites, a warning per cited sentence its passage may not
support, the uncited ones folded as "+N more retrieved".
"""

from __future__ import annotations

import html
import time

from PySide6.QtCore import QDate, QDateTime, QLocale, QRectF, QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.chat import reasoning, render
from app.chat.store import Message
from app.docs import citations
from app.i18n import tr, tr_noop

GROW_LINES = 4  # a growing (streamed) body is this many lines taller at a time
FOLD_CHARS = 1200  # a longer user message shows this much of itself (~13 lines) until "Show all"
ROLE_NAMES = {"system": tr_noop("System"), "user": tr_noop("You"), "assistant": tr_noop("Assistant")}
STATUS_NOTES = {
    "interrupted": tr_noop("interrupted: the app closed before this reply finished"),
    "stopped": tr_noop("stopped"),
    "failed": tr_noop("failed"),
}


def _muted(widget: QWidget, theme: render.Theme) -> None:
    """Draw ``widget``'s text in the theme's muted colour (a palette, not a style sheet)."""
    pal = widget.palette()
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        pal.setColor(role, QColor(theme.muted))
    widget.setPalette(pal)


def theme_of(widget: QWidget) -> render.Theme:
    return render.Theme(dark=widget.palette().color(QPalette.ColorRole.Base).lightness() < 128)


def meta_text(m: Message) -> str:
    """ "14:02 · SmolLM2-135M · 120 tokens · 95.1 tok/s · 1.4 s" (what is known of it)."""
    parts = [_when(m.created)] if m.created else []
    s = m.stats
    if m.role == "assistant":
        if s.get("model"):
            parts.append(str(s["model"]))
        if s.get("completion_tokens"):
            parts.append(tr("{count} tokens").format(count=s["completion_tokens"]))
        if s.get("tokens_per_s"):
            parts.append(tr("{speed} tok/s").format(speed=f"{s['tokens_per_s']:.1f}"))
        if s.get("duration_ms"):
            parts.append(_seconds(s["duration_ms"] / 1000))
    return " · ".join(parts)


def _when(t: float) -> str:
    """The time of a message (and its date if not today), in the language's own format."""
    when = QDateTime.fromSecsSinceEpoch(int(t))
    short = QLocale.FormatType.ShortFormat
    if when.date() == QDate.currentDate():
        return QLocale().toString(when.time(), short)
    return QLocale().toString(when, short)


def _seconds(s: float) -> str:
    if s < 60:
        return tr("{seconds} s").format(seconds=f"{s:.1f}")
    return tr("{minutes} min {seconds} s").format(minutes=int(s // 60), seconds=int(s % 60))


class MessageBody(QTextBrowser):
    """Rich text sized to its content; the app's own links become signals.

    A body that takes streamed text (``growing``) grows in steps of GROW_LINES lines, leaving blank
    space under the newest line: each change of its height relays out the column and scrolls the
    view, which repaints everything visible twice (5–8 ms on a 2-core EPYC VM, against
    0.3–0.5 ms for text added within a line). Line by line, at ~3 new lines a second, that took
    ~2 % of a core from a model sharing the cores with the window."""

    anchor = Signal(str, str)  # kind, argument: ("copy", "0"), ("source", "1"), ("more", "")

    def __init__(self, parent: QWidget | None = None, growing: bool = False) -> None:
        super().__init__(parent)
        self._growing = growing
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # a growing body paints its own background (the reply card's Base colour): text added to it
        # then repaints only the body, not the card and the column under it as well
        self.viewport().setAutoFillBackground(growing)
        self.document().setDocumentMargin(2)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.anchorClicked.connect(self._on_anchor)

    def _fit(self, *_: object) -> None:
        height = int(self.document().size().height() + 0.99) + 2 * self.frameWidth()
        if self._growing:
            step = GROW_LINES * self.fontMetrics().lineSpacing()
            height = -(-height // step) * step
        if height != self.height():
            self.setFixedHeight(height)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.height())

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit()

    @Slot(QUrl)
    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)  # the user clicked it: the one request that leaves
            return
        kind, _, arg = url.toString().partition(":")
        self.anchor.emit(kind, arg)


class MessageCard(QFrame):
    """A message and its actions. A ``live`` card (a reply being written) starts empty and takes
    the streamed text with :meth:`append`; the stored partial text is not used.

    The card paints its own rounded frame from the palette: a style sheet would cascade to every
    widget of every card, and polishing and painting through it is what made sending a message
    stall the window (a new turn builds two cards). The thinking fold is built when reasoning
    first appears."""

    thinking_button: QToolButton  # (only once the message has reasoning)
    thinking_view: QPlainTextEdit

    action = Signal(str, int)  # "edit" | "regenerate" | "delete" | "branch" | "version", message id
    source_requested = Signal(dict)

    def __init__(self, message: Message, live: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = message
        self.live = live
        self.setObjectName("messageCard")
        self.setProperty("role", message.role)
        self._theme = theme_of(self)
        self._code: list[str] = []  # code blocks of the closed part, then of the open block
        self._sources: list[dict[str, object]] = []
        self._expanded = False  # all sources shown, the uncited ones too
        self._unfolded = False  # all of a long user message shown
        self.text = message.content if not live else ""  # all of it, reasoning included
        self._frozen = 0  # characters of the answer rendered for good (live cards)
        self._live_start = 0  # where the open block begins in the document
        self._closed_code = 0  # how many of self._code belong to the closed part
        self._code_shown: str | None = None  # the open code block's text as drawn (plain, appended to)
        self._open_drawn: str | None = None  # the open block's text as drawn now (not code)
        self._thinking_since: float | None = None
        self._reasoning_shown = ""
        self._build()
        if not live:  # a live card starts empty: the window passes it the text received so far
            self._render_final()

    # layout ----------------------------------------------------------------------------------

    def _button(self, text: str, tip: str, slot: object) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.setAccessibleName(tip)
        b.clicked.connect(slot)
        self._head.addWidget(b)
        return b

    def _build(self) -> None:
        m = self.message
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(4)
        self._head = QHBoxLayout()
        role = ROLE_NAMES.get(m.role)
        self.role_label = QLabel(f"<b>{tr(role) if role else m.role}</b>")
        self.meta_label = QLabel(meta_text(m))
        self.meta_label.setObjectName("messageMeta")
        _muted(self.meta_label, self._theme)
        self._head.addWidget(self.role_label)
        self._head.addWidget(self.meta_label)
        self._head.addStretch(1)
        self.prev_button = self._button("‹", tr("Previous version"), lambda: self._version(-1))
        self.version_label = QLabel(f"{m.version}/{len(m.versions)}")
        self.version_label.setObjectName("versionLabel")
        self._head.addWidget(self.version_label)
        self.next_button = self._button("›", tr("Next version"), lambda: self._version(+1))
        several = len(m.versions) > 1
        for w in (self.prev_button, self.version_label, self.next_button):
            w.setVisible(several)
        self.prev_button.setEnabled(m.version > 1)
        self.next_button.setEnabled(m.version < len(m.versions))
        self.action_buttons: list[QToolButton] = [self.prev_button, self.next_button]
        self.copy_button = self._button(tr("Copy"), tr("Copy this message"), self.copy)
        if m.role == "user":
            self.action_buttons.append(
                self._button(tr("Edit"), tr("Edit: send a new version"), lambda: self._emit("edit"))
            )
        if m.role == "assistant":
            self.action_buttons.append(
                self._button(
                    tr("Regenerate"),
                    tr("Regenerate: write another version"),
                    lambda: self._emit("regenerate"),
                )
            )
        self.action_buttons.append(
            self._button(
                tr("Branch"),
                tr("Branch from here: a new chat up to this message"),
                lambda: self._emit("branch"),
            )
        )
        self.action_buttons.append(
            self._button(
                tr("Delete"), tr("Delete this message and what follows it"), lambda: self._emit("delete")
            )
        )
        layout.addLayout(self._head)

        self.body = MessageBody(growing=self.live)
        self.body.document().setDefaultStyleSheet(self._css())
        self.body.anchor.connect(self._on_anchor)
        layout.addWidget(self.body)

    def _ensure_thinking(self) -> None:
        if hasattr(self, "thinking_view"):
            return
        self.thinking_button = QToolButton()
        self.thinking_button.setCheckable(True)
        self.thinking_button.setAutoRaise(True)
        self.thinking_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.thinking_button.setArrowType(Qt.ArrowType.RightArrow)
        self.thinking_button.toggled.connect(self._fold)
        self.thinking_view = QPlainTextEdit(readOnly=True)
        self.thinking_view.setObjectName("thinking")
        self.thinking_view.setMaximumHeight(220)
        _muted(self.thinking_view, self._theme)
        self.thinking_view.hide()
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.thinking_button)  # under the header, above the body
        layout.insertWidget(2, self.thinking_view)

    def paintEvent(self, event: QPaintEvent) -> None:
        pal = self.palette()
        fill = QPalette.ColorRole.AlternateBase if self.message.role == "user" else QPalette.ColorRole.Base
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pal.color(QPalette.ColorRole.Midlight))
        painter.setBrush(pal.color(fill))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)

    def _css(self) -> str:
        t = self._theme
        link = self.palette().color(QPalette.ColorRole.Link).name()
        return (
            "h1 { font-size: x-large; } h2 { font-size: large; } h3, h4, h5, h6 { font-size: medium; }"
            f" pre {{ white-space: pre-wrap; margin: 0; }} .note {{ color: {t.muted}; font-style: italic; }}"
            f" a {{ color: {link}; }} th {{ font-weight: bold; }}"
        )

    def set_actions_enabled(self, enabled: bool) -> None:
        m = self.message
        for b in self.action_buttons:
            b.setEnabled(enabled and not self.live)
        if enabled and not self.live:
            self.prev_button.setEnabled(m.version > 1)
            self.next_button.setEnabled(m.version < len(m.versions))

    # rendering -------------------------------------------------------------------------------

    def _render_final(self) -> None:
        self._open_drawn = None
        m = self.message
        parts = reasoning.split(m.content)
        if parts.has_reasoning:
            ms = m.stats.get("thinking_ms")
            title = tr("Thought for {time}").format(time=_seconds(ms / 1000)) if ms else tr("Thought")
            self._show_reasoning(parts.reasoning, title)
        answer = parts.answer
        if m.role == "user" and not self._unfolded:
            answer = render.preview(answer, FOLD_CHARS)
        rendered = render.to_html(answer, self._theme)
        self._code = rendered.code
        note = STATUS_NOTES.get(m.status)
        tail = f'<p class="note">({html.escape(tr(note))})</p>' if note else ""
        if answer != parts.answer:
            more = tr("Show all · {count} characters").format(count=f"{len(parts.answer):,}")
            tail += f'<p class="note"><a href="all:">{html.escape(more)}</a></p>'
        self._sources = []
        self.body.setHtml(rendered.html + tail + self._sources_html())

    def _show_reasoning(self, text: str, title: str) -> None:
        self._ensure_thinking()
        self.thinking_button.setText(title)
        self.thinking_button.show()
        if text.startswith(self._reasoning_shown) and self._reasoning_shown:
            cursor = self.thinking_view.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(text[len(self._reasoning_shown) :])
        elif text != self._reasoning_shown:
            self.thinking_view.setPlainText(text)
        self._reasoning_shown = text

    def append(self, text: str) -> None:
        """More of the reply: the reasoning grows in its fold, the answer's open block is redrawn."""
        if not text:
            return
        self.text += text
        parts = reasoning.split(self.text)
        if parts.has_reasoning:
            if self._thinking_since is None:
                self._thinking_since = time.monotonic()
            took = _seconds(time.monotonic() - self._thinking_since)
            title = tr("Thinking… {time}") if parts.thinking else tr("Thought for {time}")
            self._show_reasoning(parts.reasoning, title.format(time=took))
            if parts.thinking:
                return
        answer = parts.answer[self._frozen :]
        cursor = QTextCursor(self.body.document())
        drawn = self._open_drawn
        if (
            drawn is not None
            and answer.startswith(drawn)
            and render.adds_plain_text(drawn, answer[len(drawn) :])
        ):
            cursor.movePosition(QTextCursor.MoveOperation.End)  # in the format of the text before it
            if not cursor.charFormat().isAnchor():  # (after a link, the new text must not join it)
                cursor.insertText(answer[len(drawn) :])
                self._open_drawn = answer
                return
        self._open_drawn = None
        closed, open_ = render.split_open(answer)
        if closed:
            done = render.to_html(closed, self._theme, code_base=self._closed_code)
            self._replace_open(cursor, done.html)
            self._code = self._code[: self._closed_code] + done.code
            self._closed_code = len(self._code)
            self._frozen += len(closed)
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())  # a fresh block: no style carried over
            self._live_start = cursor.position()
            self._code_shown = None
        fence = render.open_fence(open_)
        if fence is not None:  # an open code block: append its new text, no re-render
            lang, code = fence
            self._code = [*self._code[: self._closed_code], code]
            if self._code_shown is not None and code.startswith(self._code_shown):
                cursor.movePosition(QTextCursor.MoveOperation.End)
                cursor.insertText(code[len(self._code_shown) :])
            else:
                self._replace_open(cursor, render.code_live_html(lang, code, self._theme))
            self._code_shown = code
            return
        self._code_shown = None
        live = render.to_html(open_, self._theme, code_base=self._closed_code)
        self._code = self._code[: self._closed_code] + live.code
        self._replace_open(cursor, live.html)
        self._open_drawn = open_.rstrip(" ")  # a paragraph's trailing spaces are not drawn

    def _replace_open(self, cursor: QTextCursor, html_text: str) -> None:
        cursor.setPosition(self._live_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        cursor.setBlockFormat(QTextBlockFormat())
        cursor.setCharFormat(QTextCharFormat())
        cursor.insertHtml(html_text.rstrip())  # no trailing space after the block: text may follow

    def _source_card(self, src: dict[str, object]) -> str:
        self._sources.append(src)
        excerpt = html.escape(str(src.get("excerpt", ""))[:160])
        title = html.escape(citations.where(src))
        return (
            f'<p class="note"><a href="source:{len(self._sources) - 1}">[{src.get("n", "?")}] {title}</a>'
            f" — {excerpt}</p>"
        )

    def _sources_html(self) -> str:
        m = self.message
        cited, others = citations.split_sources(m.content, m.sources)
        out = "".join(self._source_card(dict(s)) for s in cited)
        for claim in citations.check_claims(m.content, m.sources):
            if not claim.supported:
                refs = "".join(f"[{n}]" for n in claim.cited)
                said = html.escape(claim.sentence)
                warning = tr("⚠ Check this claim, {refs} may not say it: “{sentence}”")
                out += f'<p class="note">{warning.format(refs=refs, sentence=said)}</p>'
        if others and self._expanded:
            out += "".join(self._source_card(dict(s)) for s in others)
        elif others:
            more = tr("+{count} more retrieved").format(count=len(others))
            out += f'<p class="note"><a href="more:">{more}</a></p>'
        return out

    # actions ---------------------------------------------------------------------------------

    def plain_text(self) -> str:
        return f"{self.role_label.text()}\n{self.body.toPlainText()}".replace("<b>", "").replace("</b>", "")

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(reasoning.answer_only(self.text))

    def _emit(self, kind: str) -> None:
        self.action.emit(kind, self.message.id)

    def _version(self, step: int) -> None:
        m = self.message
        i = m.version - 1 + step
        if 0 <= i < len(m.versions):
            self.action.emit("version", m.versions[i])

    def _fold(self, open_: bool) -> None:
        self.thinking_view.setVisible(open_)
        self.thinking_button.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)

    @Slot(str, str)
    def _on_anchor(self, kind: str, arg: str) -> None:
        if kind == "copy" and arg.isdigit() and int(arg) < len(self._code):
            QGuiApplication.clipboard().setText(self._code[int(arg)])
        elif kind == "source" and arg.isdigit() and int(arg) < len(self._sources):
            self.source_requested.emit(self._sources[int(arg)])
        elif kind == "more" and not self.live:
            self._expanded = True
            self._render_final()
        elif kind == "all" and not self.live:
            self._unfolded = True
            self._render_final()
