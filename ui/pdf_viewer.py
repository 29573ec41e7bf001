"""Open a cited PDF at its page inside the app, with the passage highlighted.

``open_source(source)`` takes one of the JSON sources from ``app.docs.rag`` ({path, page, excerpt,
text...}). With QtPdf (``PySide6.QtPdf``/``QtPdfWidgets``, not in every PySide6 build: the 6.12
wheels here lack it) the real page is rendered and the passage found with ``QPdfSearchModel``.
Without it, the page's text is read in a background job (pypdf) and shown with the passage marked,
plus a button to open the system's PDF viewer (``QDesktopServices.openUrl``).
"""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.cancel import CancelToken
from ui import jobs

HAVE_QTPDF = importlib.util.find_spec("PySide6.QtPdf") is not None
_open: list[QWidget] = []  # keep top-level viewers alive until closed


def search_phrase(text: str, words: int = 6) -> str:
    """A short phrase from the passage that the PDF's text layer contains verbatim on one line."""
    for line in text.splitlines():
        tokens = re.findall(r"\S+", line)
        if len(tokens) >= 3:
            return " ".join(tokens[:words])
    return " ".join(text.split()[:words])


HIGHLIGHT = "#ffeb3b"


def highlight_html(page_text: str, passage: str) -> str:
    """``page_text`` as HTML with ``passage`` (matched whitespace-insensitively) on a yellow
    background (Qt's rich text has no <mark>)."""
    words = passage.split()
    if words:
        pattern = r"\s+".join(re.escape(w) for w in words)
        m = re.search(pattern, page_text)
        if m is None and len(words) > 8:  # the page text may differ slightly: try its first words
            m = re.search(r"\s+".join(re.escape(w) for w in words[:8]), page_text)
        if m is not None:
            a, b = m.span()
            body = (
                html.escape(page_text[:a])
                + f'<a name="hit"></a><span style="background-color:{HIGHLIGHT}">'
                + html.escape(page_text[a:b])
                + "</span>"
                + html.escape(page_text[b:])
            )
            return f"<pre style='white-space: pre-wrap'>{body}</pre>"
    return f"<pre style='white-space: pre-wrap'>{html.escape(page_text)}</pre>"


def _read_page(path: str, page: int) -> str:
    """Text of one page (worker thread; pypdf is imported here, never on the GUI thread)."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    from app.docs.chunking import clean_page  # the text chunks (and so citations) were cut from

    return clean_page(reader.pages[max(0, min(page, len(reader.pages)) - 1)].extract_text() or "")


class PdfViewer(QWidget):
    """One cited page: rendered with QtPdf when available, else its text with the passage marked."""

    loaded = Signal(bool)  # the page is shown (True) or could not be read (False)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = ""
        self.page = 1
        self.passage = ""
        self.info = QLabel(self)
        self.external = QPushButton("Open in PDF viewer", self)
        self.external.clicked.connect(self.open_external)
        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        top.addWidget(self.external)
        self.text = QTextBrowser(self)
        self.text.setObjectName("pdfPageText")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text)
        self.resize(800, 900)

    def open(self, path: str | Path, page: int = 1, passage: str = "") -> None:
        """Show 1-based ``page`` of ``path`` with ``passage`` highlighted (loads in the background)."""
        self.path, self.page, self.passage = str(path), max(1, page), passage
        self.setWindowTitle(f"{Path(path).name} — page {self.page}")
        self.info.setText(f"{Path(path).name}, page {self.page}")
        self.text.setPlainText("Loading…")
        target = self.path, self.page

        def work(cancel: CancelToken) -> str:
            return _read_page(*target)

        jobs.run(work, self, "reading a PDF page", key="page", on_result=self._show, on_failed=self._failed)

    def _show(self, page_text: str) -> None:
        self.text.setHtml(highlight_html(page_text, self.passage))
        self.text.scrollToAnchor("hit")
        self.loaded.emit(True)

    def _failed(self, message: str) -> None:
        self.text.setPlainText(f"Could not read this page: {message}")
        self.loaded.emit(False)

    def open_external(self) -> None:
        url = QUrl.fromLocalFile(self.path)
        url.setFragment(f"page={self.page}")
        QDesktopServices.openUrl(url)


def _qtpdf_viewer(path: str, page: int, phrase: str, parent: QWidget | None) -> QWidget | None:
    """The rendered page via QtPdf, or None if QtPdf cannot load the file."""
    from PySide6.QtCore import QPointF
    from PySide6.QtPdf import QPdfDocument, QPdfSearchModel
    from PySide6.QtPdfWidgets import QPdfView

    view = QPdfView(parent)
    document = QPdfDocument(view)
    if document.load(path) != QPdfDocument.Error.None_ or document.pageCount() == 0:
        view.deleteLater()
        return None
    search = QPdfSearchModel(view)
    search.setDocument(document)
    view.setDocument(document)
    view.setSearchModel(search)
    view.setPageMode(QPdfView.PageMode.MultiPage)
    view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
    target = max(0, min(page, document.pageCount()) - 1)
    view.pageNavigator().jump(target, QPointF(0, 0))

    def select_hit() -> None:  # the search runs incrementally: pick the hit on our page when it comes
        for i in range(search.rowCount()):
            link = search.resultAtIndex(i)
            if link.page() == target:
                view.setCurrentSearchResultIndex(i)
                view.pageNavigator().jump(link)
                search.countChanged.disconnect(select_hit)
                return

    search.countChanged.connect(select_hit)
    search.setSearchString(phrase)
    view.setWindowTitle(f"{Path(path).name} — page {target + 1}")
    view.resize(800, 1000)
    widget: QWidget = view
    return widget


def open_source(source: dict[str, Any], parent: QWidget | None = None) -> QWidget:
    """Open a citation's PDF at its page in-app (rendered if QtPdf exists, else its text)."""
    path = str(source.get("path") or source.get("file") or "")
    page = int(source.get("page") or 1)
    passage = str(source.get("text") or source.get("excerpt") or "")
    widget: QWidget | None = _qtpdf_viewer(path, page, search_phrase(passage), parent) if HAVE_QTPDF else None
    if widget is None:
        viewer = PdfViewer(parent)
        viewer.open(path, page, passage)
        widget = viewer
    if parent is None:  # a window of its own, freed when closed
        widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _open.append(widget)
        widget.destroyed.connect(lambda *_: _open.remove(widget) if widget in _open else None)
    widget.show()
    return widget
