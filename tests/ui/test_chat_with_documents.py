"""A chat grounded in a document library: retrieval on the worker, sources saved and clickable."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from app.docs.index import DocIndex
from app.docs.ingest import ingest
from tests.support.pdfs import FACTS, fact_pdf
from tests.ui.conftest import REPLY_TIMEOUT_MS
from ui import pdf_viewer
from ui.main_window import MainWindow


def index_pdf(pdf: Path, library: str) -> None:
    index = DocIndex()
    try:
        gen = ingest([pdf], library, index=index)
        for _ in gen:
            pass
    finally:
        index.close()


def test_answer_cites_the_page_and_opens_it(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    fact = FACTS[0]
    index_pdf(fact_pdf(tmp_path / "keeper.pdf", pages=6), "notes")
    window.set_libraries(["notes"])
    window.choose_library("notes", True)
    assert window.docs_button.text() == "Documents: notes"
    assert window.store.conversation(window.conversation_id or 0).libraries == ["notes"]

    with qtbot.waitSignal(window.controller.reply_finished, timeout=REPLY_TIMEOUT_MS):
        window.send(fact.question)
    qtbot.waitUntil(lambda: not window.controller.busy)
    reply = window.store.messages(window.conversation_id or 0)[-1]
    assert reply.status == "complete"
    assert any(s["file"] == "keeper.pdf" and s["page"] == fact.page for s in reply.sources)
    assert f"keeper.pdf, page {fact.page}" in window.view.plain_text()

    opened: list[dict[str, object]] = []
    window.view.source_requested.connect(opened.append)
    n = next(i for i, s in enumerate(reply.sources) if s["page"] == fact.page)
    window.view._on_anchor(QUrl(f"source:{n}"))
    assert opened and opened[0]["page"] == fact.page
    viewer = pdf_viewer._open[-1]  # the in-app viewer the click opened, at the cited page
    if not isinstance(viewer, pdf_viewer.PdfViewer):  # QtPdf build: a rendered page instead
        viewer.close()
        return
    assert viewer.page == fact.page and viewer.path.endswith("keeper.pdf")
    qtbot.waitUntil(lambda: "Loading" not in viewer.text.toPlainText(), timeout=10_000)
    assert "Could not read" not in viewer.text.toPlainText()
    viewer.close()
