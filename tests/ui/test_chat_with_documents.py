"""A chat grounded in a document library: retrieval on the worker, the answer's own citation shown as a
source card, the uncited rest folded, and a click opening the real page with the passage boxed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from app.docs.citations import cited_numbers, split_sources
from app.docs.index import DocIndex
from app.docs.ingest import ingest
from tests.support.pdfs import FACTS, fact_pdf
from tests.ui.conftest import REPLY_TIMEOUT_MS
from ui import doc_viewer
from ui.main_window import MainWindow

# asks for the source number outright: the 135M starter model cites only when asked this plainly
QUESTION = "Which source, [1] or [2], names the lighthouse keeper's cat?"


def index_pdf(pdf: Path, library: str) -> None:
    index = DocIndex()
    try:
        for _ in ingest([pdf], library, index=index):
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
        window.send(QUESTION)
    qtbot.waitUntil(lambda: not window.controller.busy)
    reply = window.store.messages(window.conversation_id or 0)[-1]
    assert reply.status == "complete"
    assert cited_numbers(reply.content), reply.content  # the answer itself cites a source
    cited, others = split_sources(reply.content, reply.sources)
    assert [(s["file"], s["page"]) for s in cited] == [("keeper.pdf", fact.page)]
    shown = window.view.plain_text()
    assert f"keeper.pdf, page {fact.page}" in shown
    assert f"+{len(others)} more retrieved" in shown  # the uncited passages are folded away

    opened: list[dict[str, object]] = []
    window.view.source_requested.connect(opened.append)
    window.view.cards[-1].body.anchorClicked.emit(
        QUrl("source:0")
    )  # the reply's first card: the cited source
    assert opened and opened[0]["page"] == fact.page
    viewer = doc_viewer._open[-1]  # the in-app viewer the click opened, at the cited page
    assert isinstance(viewer, doc_viewer.PageViewer)
    qtbot.waitUntil(lambda: viewer.image.pixmap() is not None and not viewer.image.pixmap().isNull())
    assert viewer.page == fact.page - 1 and viewer.path.endswith("keeper.pdf")
    assert viewer.boxes, "the cited passage is boxed on the rendered page"
    viewer.close()
