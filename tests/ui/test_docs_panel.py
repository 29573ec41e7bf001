"""The Documents panel: real ingestion in jobs, live model updates, cancel, remove, drop, viewer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.docs.embeddings import get_embedder
from tests.support import pdfs
from ui import jobs
from ui.docs_models import DocRow, DocumentsModel
from ui.docs_panel import DocsPanel
from ui.pdf_viewer import PdfViewer, highlight_html, open_source, search_phrase

WAIT = 120_000


@pytest.fixture(scope="module", autouse=True)
def _embedder_loaded() -> None:
    get_embedder()  # load the model once, outside the per-test timeouts


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[DocsPanel]:
    p = DocsPanel()
    qtbot.addWidget(p)
    p.show()
    qtbot.waitUntil(lambda: not jobs.running(p), timeout=WAIT)
    yield p
    p.shutdown()
    jobs.wait(WAIT)


def test_model_is_valid(qtmodeltester: ModelTester) -> None:
    model = DocumentsModel()
    model.set_rows(
        [DocRow("/a/x.pdf", "complete", 3, 7), DocRow("/a/y.pdf", "failed", error="password protected")]
    )
    model.upsert(DocRow("/a/z.pdf", "indexing"))
    model.upsert(DocRow("/a/x.pdf", "complete", 4, 8))
    model.remove_path("/a/y.pdf")
    qtmodeltester.check(model)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["x.pdf", "z.pdf"]
    assert model.index(0, 2).data() == "4"


def test_add_folder_lists_statuses_and_libraries(
    panel: DocsPanel, qtbot: QtBot, tmp_path: Path, qtmodeltester: ModelTester, errors: list[str]
) -> None:
    (tmp_path / "docs").mkdir()
    pdfs.fact_pdf(tmp_path / "docs" / "facts.pdf", pages=3, facts=pdfs.FACTS[:1])
    (tmp_path / "docs" / "notes.pdf").write_text("not a pdf")
    panel.library_box.setCurrentText("papers")
    with (
        qtbot.waitSignal(panel.libraries_changed, timeout=WAIT) as libs,
        qtbot.waitSignal(panel.ingest_finished, timeout=WAIT) as done,
    ):
        panel.add_paths([str(tmp_path / "docs")])
        assert panel.busy() and panel.cancel_button.isEnabled()
    statuses = {Path(r["path"]).name: r["status"] for r in done.args[0]}
    assert statuses == {"facts.pdf": "indexed", "notes.pdf": "failed"}
    assert "papers" in libs.args[0]
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 and not panel.busy(), timeout=WAIT)
    qtmodeltester.check(panel.model)
    rows = {Path(r.path).name: r for r in panel.model.rows()}
    assert rows["facts.pdf"].pages == 3 and rows["facts.pdf"].chunks >= 3
    assert "not a PDF" in (rows["notes.pdf"].error or "")
    assert errors == []

    panel.table.selectRow([r.path for r in panel.model.rows()].index(rows["notes.pdf"].path))
    panel.remove_selected()
    qtbot.waitUntil(lambda: [Path(r.path).name for r in panel.model.rows()] == ["facts.pdf"], timeout=WAIT)


def test_cancel_keeps_finished_files(panel: DocsPanel, qtbot: QtBot, tmp_path: Path) -> None:
    files = [
        str(pdfs.fact_pdf(tmp_path / f"f{i}.pdf", pages=6, facts=(), seed=i, sentences=30)) for i in range(4)
    ]
    done: list[bool] = []
    panel.add_paths(files)
    assert panel._ingest is not None
    panel._ingest.signals.cancelled.connect(lambda: done.append(True))
    qtbot.waitUntil(lambda: any(r.status == "complete" for r in panel.model.rows()), timeout=WAIT)
    panel.cancel()
    qtbot.waitUntil(lambda: not panel.busy(), timeout=WAIT)
    assert done == [True]
    qtbot.waitUntil(lambda: not jobs.running(panel), timeout=WAIT)
    assert 1 <= sum(r.status == "complete" for r in panel.model.rows()) < 4
    assert all(r.status in ("complete", "failed") for r in panel.model.rows())


def test_watched_folder_follows_changes_and_is_resumed_after_restart(
    panel: DocsPanel, qtbot: QtBot, tmp_path: Path, errors: list[str]
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    pdfs.fact_pdf(folder / "a.pdf", pages=1, facts=())
    panel.settings.watch_interval_s = 0.2
    panel.library_box.setCurrentText("inbox")
    qtbot.waitUntil(lambda: not jobs.running(panel), timeout=WAIT)

    def names() -> set[str]:
        return {Path(r.path).name for r in panel.model.rows() if r.status == "complete"}

    panel.watch_folder(str(folder))
    qtbot.waitUntil(lambda: names() == {"a.pdf"}, timeout=WAIT)
    (folder / "sub").mkdir()
    pdfs.fact_pdf(folder / "sub" / "b.pdf", pages=1, facts=(), seed=2)
    qtbot.waitUntil(lambda: names() == {"a.pdf", "b.pdf"}, timeout=WAIT)
    (folder / "a.pdf").unlink()
    qtbot.waitUntil(lambda: names() == {"b.pdf"}, timeout=WAIT)
    assert "(1)" in panel.watch_button.text()
    assert errors == []

    panel.shutdown()  # "restart": a new panel resumes the watch from disk
    again = DocsPanel()
    qtbot.addWidget(again)
    try:
        assert list(again._watchers) == [str(folder.resolve())]
        assert any("Stop watching" in a.text() for a in again.watch_menu.actions())
        again.unwatch_folder(str(folder.resolve()))
        assert again._watchers == {} and again.watch_button.text() == "Watched folders"
    finally:
        again.shutdown()


def test_drop_pdf_starts_indexing(panel: DocsPanel, qtbot: QtBot, tmp_path: Path) -> None:
    pdf = pdfs.fact_pdf(tmp_path / "dropped.pdf", pages=1, facts=())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pdf)), QUrl.fromLocalFile(str(tmp_path / "ignored.txt"))])
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    assert DocsPanel.dropped_paths(event) == [str(pdf)]
    with qtbot.waitSignal(panel.ingest_finished, timeout=WAIT) as done:
        panel.dropEvent(event)
    assert done.args[0][0]["status"] == "indexed"


def test_viewer_shows_page_with_passage(qtbot: QtBot, tmp_path: Path) -> None:
    path = pdfs.fact_pdf(tmp_path / "facts.pdf", pages=4, facts=pdfs.FACTS[:2])
    fact = pdfs.FACTS[1]
    viewer = PdfViewer()
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.loaded, timeout=WAIT) as loaded:
        viewer.open(path, fact.page, fact.sentence)
    assert loaded.args == [True]
    html = viewer.text.toHtml()
    assert "Zephyr turbine" in html and "Page 3." in viewer.text.toPlainText()
    assert "background-color:#ffeb3b" in html  # the passage is visibly marked, not only anchored
    assert "facts.pdf, page 3" in viewer.info.text()


def test_open_source_falls_back_to_text_view(qtbot: QtBot, tmp_path: Path) -> None:
    path = pdfs.fact_pdf(tmp_path / "facts.pdf", pages=2, facts=pdfs.FACTS[:1])
    widget = open_source({"path": str(path), "page": 2, "text": pdfs.FACTS[0].sentence}, parent=None)
    qtbot.addWidget(widget)
    if isinstance(widget, PdfViewer):
        qtbot.waitUntil(lambda: "Marmalade" in widget.text.toPlainText(), timeout=WAIT)
    widget.close()


def test_highlight_helpers() -> None:
    page = "Intro line.\nThe lighthouse keeper's cat\nis named Marmalade. More."
    out = highlight_html(page, "The lighthouse keeper's cat is named Marmalade.")
    mark = '<span style="background-color:#ffeb3b">'
    assert mark + "The lighthouse keeper&#x27;s cat\nis named Marmalade.</span>" in out
    assert mark not in highlight_html(page, "absent words here")
    assert search_phrase("a\nThe copper bell in the east tower was cast") == "The copper bell in the east"
