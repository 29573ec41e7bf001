"""Open a cited source inside the app: the real PDF page with the passage highlighted, or the section.

``open_source(source)`` takes one of the JSON sources from ``app.docs.rag`` ({path, page (unit),
label, kind, text...}). A PDF opens in :class:`PageViewer`: QtPdf renders the page off the GUI
thread (``QPdfPageRenderer``, multi-threaded), the passage is found in QtPdf's own text of the page
(``app.docs.locate``) and its character range turned into boxes (``getSelectionAtIndex``) painted
over the page; zoom, page navigation, and the view scrolls to the passage. QtPdf only opens files
the time-bounded worker already read into the index. Anything else (a section of a document
without pages, a PDF that QtPdf cannot open) opens in :class:`TextViewer`: the text stored in the
index when it was read, the passage highlighted; the file is never parsed again here.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPainter, QPalette, QPixmap
from PySide6.QtPdf import QPdfDocument, QPdfPageRenderer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.cancel import CancelToken
from app.docs.locate import find_span
from app.docs.readers import location
from app.i18n import tr
from ui import jobs

HIGHLIGHT = "#ffeb3b"
HIGHLIGHT_TEXT = "#1a1a1a"  # dark text on the yellow in either colour scheme (dark mode's is light)
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
_open: list[QWidget] = []  # keep top-level viewers alive until closed


def highlight_html(page_text: str, passage: str) -> str:
    """``page_text`` as HTML with ``passage`` in dark text on a yellow background (Qt's rich text has no
    <mark>)."""
    span = find_span(page_text, passage)
    if span is None:
        return f"<pre style='white-space: pre-wrap'>{html.escape(page_text)}</pre>"
    a, b = span
    body = (
        html.escape(page_text[:a])
        + f'<a name="hit"></a><span style="background-color:{HIGHLIGHT}; color:{HIGHLIGHT_TEXT}">'
        + html.escape(page_text[a:b])
        + "</span>"
        + html.escape(page_text[b:])
    )
    return f"<pre style='white-space: pre-wrap'>{body}</pre>"


def _external(path: str, page: int) -> None:
    url = QUrl.fromLocalFile(path)
    url.setFragment(f"page={page}")
    QDesktopServices.openUrl(url)


class TextViewer(QWidget):
    """A page or section as the index stored it, with the passage marked."""

    loaded = Signal(bool)  # the text is shown (True) or could not be read (False)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = ""
        self.page = 1
        self.passage = ""
        self.info = QLabel(self)
        self.external = QPushButton(tr("Open in its app"), self)
        self.external.clicked.connect(lambda: _external(self.path, self.page))
        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        top.addWidget(self.external)
        self.text = QTextBrowser(self)
        self.text.setObjectName("docUnitText")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text)
        self.resize(800, 900)

    def open(self, path: str | Path, page: int = 1, passage: str = "", chroma_url: str = "") -> None:
        """Show unit ``page`` of ``path`` from the index with ``passage`` highlighted (read in a job)."""
        self.path, self.page, self.passage = str(path), max(1, page), passage
        self.setWindowTitle(Path(path).name)
        self.info.setText(Path(path).name)
        self.text.setPlainText(tr("Loading…"))
        target = self.path, self.page

        def work(cancel: CancelToken) -> tuple[str, str, str] | None:
            from app.docs.index import shared_index

            return shared_index(chroma_url).stored_unit(*target)

        jobs.run(
            work,
            self,
            tr("reading a document's text"),
            key="unit",
            on_result=self._show,
            on_failed=self._failed,
        )

    def _show(self, stored: tuple[str, str, str] | None) -> None:
        if stored is None:
            self._failed(tr("it is not in the index (any more)"))
            return
        text, label, kind = stored
        where = f"{Path(self.path).name}, {location(kind, self.page, label)}"
        self.info.setText(where)
        self.setWindowTitle(where)
        self.text.setHtml(highlight_html(text, self.passage))
        self.text.scrollToAnchor("hit")
        self.loaded.emit(True)

    def _failed(self, message: str) -> None:
        self.text.setPlainText(tr("Could not show this passage: {reason}").format(reason=message))
        self.loaded.emit(False)


class PageViewer(QWidget):
    """A PDF rendered by QtPdf, one page at a time, the cited passage boxed in yellow."""

    rendered = Signal(int)  # 0-based page now shown

    def __init__(self, document: QPdfDocument, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        document.setParent(self)
        self.path = path
        self.passage = ""
        self.passage_page = -1
        self.boxes: list[QRectF] = []  # the passage's boxes on the current page, in page points
        self.page = 0
        self.zoom = 1.0
        self._request = 0
        self.renderer = QPdfPageRenderer(self)
        self.renderer.setRenderMode(QPdfPageRenderer.RenderMode.MultiThreaded)
        self.renderer.setDocument(document)
        self.renderer.pageRendered.connect(self._on_rendered)

        self.info = QLabel(self)
        self.page_box = QSpinBox(self)
        self.page_box.setAccessibleName(tr("Page"))
        self.page_box.setRange(1, max(1, document.pageCount()))
        self.page_box.setPrefix(tr("page "))
        self.page_box.setSuffix(tr(" of {count}").format(count=document.pageCount()))
        self.page_box.valueChanged.connect(lambda v: self.show_page(v - 1))
        buttons = {}
        for name, text, slot in (
            ("prev", "◀", lambda: self.show_page(self.page - 1)),
            ("next", "▶", lambda: self.show_page(self.page + 1)),
            ("zoom_out", "−", lambda: self.set_zoom(self._step(-1))),
            ("zoom_in", "+", lambda: self.set_zoom(self._step(1))),
            ("external", tr("Open in PDF viewer"), lambda: _external(self.path, self.page + 1)),
        ):
            buttons[name] = QPushButton(text, self)
            buttons[name].clicked.connect(slot)
        self.prev_button, self.next_button = buttons["prev"], buttons["next"]
        self.zoom_label = QLabel("100 %", self)
        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        for w in (buttons["prev"], self.page_box, buttons["next"], buttons["zoom_out"], self.zoom_label):
            top.addWidget(w)
        top.addWidget(buttons["zoom_in"])
        top.addWidget(buttons["external"])
        self.image = QLabel(self)
        self.image.setObjectName("pdfPageImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroller = QScrollArea(self)
        self.scroller.setBackgroundRole(QPalette.ColorRole.Dark)  # around the page, as PDF viewers do
        self.scroller.setWidget(self.image)
        self.scroller.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.scroller, 1)
        self.setWindowTitle(Path(path).name)
        self.resize(860, 1000)

    def _step(self, direction: int) -> float:
        i = min(range(len(ZOOMS)), key=lambda j: abs(ZOOMS[j] - self.zoom))
        return ZOOMS[max(0, min(len(ZOOMS) - 1, i + direction))]

    def highlight(self, page: int, passage: str) -> None:
        """Show 0-based ``page`` with ``passage`` boxed (the boxes come from QtPdf's text of the page)."""
        self.passage, self.passage_page = passage, page
        self.show_page(page)

    def passage_boxes(self, page: int) -> list[QRectF]:
        """Boxes (page points) of the passage on ``page``: its characters found in QtPdf's text."""
        if page != self.passage_page or not self.passage:
            return []
        text = self.document.getAllText(page).text()
        span = find_span(text, self.passage)
        if span is None:
            return []
        selection = self.document.getSelectionAtIndex(page, span[0], span[1] - span[0])
        return [polygon.boundingRect() for polygon in selection.bounds()]

    def show_page(self, page: int) -> None:
        page = max(0, min(page, self.document.pageCount() - 1))
        self.page = page
        self.boxes = self.passage_boxes(page)
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < self.document.pageCount() - 1)
        label = self.document.pageLabel(page)
        where = location("pdf", page + 1, label if label != str(page + 1) else "")
        self.info.setText(f"{Path(self.path).name}, {where}")
        self._render()

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self.zoom_label.setText(f"{zoom * 100:.0f} %")
        self._render()

    def _scale(self) -> float:
        """Pixels per PDF point: 96 dpi at 100 %, times the screen's device pixel ratio."""
        return self.zoom * 96 / 72 * self.devicePixelRatioF()

    def _render(self) -> None:
        size = self.document.pagePointSize(self.page) * self._scale()
        self._request = self.renderer.requestPage(self.page, QSize(round(size.width()), round(size.height())))

    def _on_rendered(self, page: int, size: QSize, image: QImage, options: Any, request: int) -> None:
        if request != self._request:  # a newer page or zoom was asked for meanwhile
            return
        # QtPdf leaves the page transparent: put it on white paper, or dark mode shows black text
        # on a dark window and light mode a page without edges
        pixmap = QPixmap(image.size())
        pixmap.fill(Qt.GlobalColor.white)
        scale = self._scale()
        painter = QPainter(pixmap)
        painter.drawImage(0, 0, image)
        color = QColor(HIGHLIGHT)  # over the page's own dark text on white: readable in either scheme
        color.setAlpha(110)
        for box in self.boxes:
            painter.fillRect(QRectF(box.topLeft() * scale, box.size() * scale), color)
        painter.end()
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.image.setPixmap(pixmap)
        if self.boxes:
            top = QPointF(self.boxes[0].topLeft()) * self.zoom * 96 / 72
            self.scroller.ensureVisible(int(top.x()), int(top.y()), 0, self.scroller.height() // 3)
        self.rendered.emit(page)


def pdf_document(path: str) -> QPdfDocument | None:
    """The PDF opened by QtPdf, or None if QtPdf cannot open it."""
    document = QPdfDocument()
    if document.load(path) != QPdfDocument.Error.None_ or document.pageCount() == 0:
        document.deleteLater()
        return None
    return document


def open_source(source: dict[str, Any], parent: QWidget | None = None, chroma_url: str = "") -> QWidget:
    """Open a citation in-app: the rendered PDF page with the passage boxed, else the stored text."""
    path = str(source.get("path") or source.get("file") or "")
    page = int(source.get("page") or 1)
    passage = str(source.get("text") or source.get("excerpt") or "")
    widget: QWidget
    document = pdf_document(path) if str(source.get("kind") or "pdf") == "pdf" else None
    if document is not None:
        viewer = PageViewer(document, path, parent)
        viewer.highlight(page - 1, passage)
        widget = viewer
    else:
        text = TextViewer(parent)
        text.open(path, page, passage, chroma_url)
        widget = text
    if parent is None:  # a window of its own, freed when closed
        widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _open.append(widget)
        widget.destroyed.connect(lambda *_: _open.remove(widget) if widget in _open else None)
    widget.show()
    return widget
