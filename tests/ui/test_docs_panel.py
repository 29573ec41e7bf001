"""The Documents panel: real ingestion in jobs, live model updates, cancel, remove, drop, viewer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QRectF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QTextDocument, QTextFormat
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.docs.embeddings import get_embedder
from tests.support import documents, pdfs
from ui import jobs
from ui.doc_viewer import PageViewer, TextViewer, highlight_html, open_source
from ui.docs_models import DocRow, DocumentsModel
from ui.docs_panel import DocsPanel

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
    pdfs.image_only_pdf(tmp_path / "docs" / "scan.pdf", tmp_path)
    documents.docx_file(tmp_path / "docs" / "weaving.docx")
    panel.library_box.setCurrentText("papers")
    with (
        qtbot.waitSignal(panel.libraries_changed, timeout=WAIT) as libs,
        qtbot.waitSignal(panel.ingest_finished, timeout=WAIT) as done,
    ):
        panel.add_paths([str(tmp_path / "docs")])
        assert panel.busy() and panel.cancel_button.isEnabled()
    statuses = {Path(r["path"]).name: r["status"] for r in done.args[0]}
    assert statuses == {
        "facts.pdf": "indexed",
        "notes.pdf": "failed",
        "scan.pdf": "indexed",
        "weaving.docx": "indexed",
    }
    assert "papers" in libs.args[0]
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4 and not panel.busy(), timeout=WAIT)
    qtmodeltester.check(panel.model)
    rows = {Path(r.path).name: r for r in panel.model.rows()}
    assert rows["facts.pdf"].pages == 3 and rows["facts.pdf"].chunks >= 3
    assert "not a PDF" in (rows["notes.pdf"].error or "")
    assert rows["scan.pdf"].status_text == "indexed (OCR)" and rows["weaving.docx"].status_text == "indexed"
    assert errors == []

    panel.table.selectRow([r.path for r in panel.model.rows()].index(rows["notes.pdf"].path))
    panel.remove_selected()
    qtbot.waitUntil(lambda: "notes.pdf" not in {Path(r.path).name for r in panel.model.rows()}, timeout=WAIT)


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
    mime.setUrls([QUrl.fromLocalFile(str(pdf)), QUrl.fromLocalFile(str(tmp_path / "ignored.jpg"))])
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


def _ingest(paths: list[Path], library: str = "default") -> None:
    from app.docs.index import shared_index
    from app.docs.ingest import ingest

    for _ in ingest(paths, library, index=shared_index()):
        pass


def _yellow_pixels(viewer: PageViewer, box: QRectF) -> int:
    """Highlighted pixels inside ``box`` (page points) of the shown page image."""
    image = viewer.image.pixmap().toImage()
    scale = image.width() / viewer.document.pagePointSize(viewer.page).width()
    rect = QRectF(box.topLeft() * scale, box.size() * scale).toRect()
    count = 0
    for x in range(rect.left(), rect.right(), 3):
        for y in range(rect.top(), rect.bottom(), 2):
            c = image.pixelColor(x, y)
            count += c.red() > 200 and c.green() > 200 and c.blue() < 190
    return count


def test_viewer_renders_the_page_with_the_passage_boxed(qtbot: QtBot, tmp_path: Path) -> None:
    path = pdfs.fact_pdf(tmp_path / "facts.pdf", pages=4, facts=pdfs.FACTS[:2])
    fact = pdfs.FACTS[1]
    widget = open_source({"path": str(path), "page": fact.page, "kind": "pdf", "text": fact.sentence})
    assert isinstance(widget, PageViewer)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.rendered, timeout=WAIT):
        pass
    assert widget.page == fact.page - 1 and widget.page_box.value() == fact.page
    assert widget.info.text() == "facts.pdf, page 3"
    assert widget.boxes and _yellow_pixels(widget, widget.boxes[0]) > 20  # painted on the real page
    corner = widget.image.pixmap().toImage().pixelColor(2, 2)
    assert corner.name() == "#ffffff" and corner.alpha() == 255  # white paper, in dark mode too
    width = widget.image.pixmap().width()
    with qtbot.waitSignal(widget.rendered, timeout=WAIT):
        widget.set_zoom(widget._step(1))
    assert widget.image.pixmap().width() > width
    with qtbot.waitSignal(widget.rendered, timeout=WAIT):
        widget.next_button.click()
    assert widget.page == fact.page and widget.boxes == []  # the passage is on page 3 only
    widget.close()


def test_viewer_names_printed_page_labels(qtbot: QtBot, tmp_path: Path) -> None:
    widget = open_source(
        {"path": str(pdfs.labelled_pdf(tmp_path / "book.pdf")), "page": 2, "text": "Contents."}
    )
    qtbot.addWidget(widget)
    assert isinstance(widget, PageViewer)
    assert widget.info.text() == "book.pdf, p. ii (page 2)"
    widget.close()


def test_a_section_opens_as_stored_text_with_the_passage_marked(qtbot: QtBot, tmp_path: Path) -> None:
    (md,) = [f for f in documents.every_kind(tmp_path / "docs") if f.suffix == ".md"]
    _ingest([md])
    heading, body = documents.SECTIONS[2]
    md.unlink()  # the stored text is shown: the file itself is not read again
    widget = open_source({"path": str(md.resolve()), "page": 4, "kind": "markdown", "text": body})
    assert isinstance(widget, TextViewer)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: "Loading" not in widget.text.toPlainText(), timeout=WAIT)
    assert widget.info.text() == f"notes.md, {heading}"
    assert "background-color:#ffeb3b" in widget.text.toHtml() and body in widget.text.toPlainText()
    widget.close()


def test_a_pdf_qtpdf_cannot_open_falls_back_to_its_stored_text(qtbot: QtBot, tmp_path: Path) -> None:
    path = pdfs.fact_pdf(tmp_path / "facts.pdf", pages=2, facts=pdfs.FACTS[:1])
    _ingest([path])
    path.write_bytes(b"gone")  # replaced since it was indexed
    widget = open_source(
        {"path": str(path.resolve()), "page": 2, "kind": "pdf", "text": pdfs.FACTS[0].sentence}
    )
    assert isinstance(widget, TextViewer)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: "Marmalade" in widget.text.toPlainText(), timeout=WAIT)
    assert widget.info.text() == "facts.pdf, page 2"
    widget.close()


def test_highlight_html(qapp: QApplication) -> None:
    page = "Intro line.\nThe lighthouse keeper's cat\nis named Marmalade. More."
    out = highlight_html(page, "The lighthouse keeper's cat is named Marmalade.")
    mark = '<span style="background-color:#ffeb3b; color:#1a1a1a">'
    assert mark + "The lighthouse keeper&#x27;s cat\nis named Marmalade</span>" in out
    assert mark not in highlight_html(page, "absent words here")
    doc = QTextDocument()
    doc.setHtml(out)
    found = doc.find("lighthouse")
    fmt = found.charFormat()
    text, back = fmt.foreground().color(), fmt.background().color()
    assert fmt.hasProperty(QTextFormat.Property.ForegroundBrush)  # not the palette's (light in dark mode)
    assert text.lightness() < 64 < 128 < back.lightness()  # dark text on the yellow
