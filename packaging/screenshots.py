"""Screenshots of every page of Hearth, light and dark, for the README: ``make screenshots``.

Runs the real window (under Xvfb: ``make screenshots`` starts it with ``xvfb-run``; this script
starts it itself when there is no display) on a fresh ``HEARTH_HOME``, and puts it in real states:
a chat answered by the bundled starter model (a code block, a list, a regenerated reply with its
‹ 1/2 › versions), a generated PDF indexed and a question answered from it (source cards), the
citation viewer at the cited page, the Models tab (recommended list with predicted speeds), the
remote servers tab and its Add dialog, Settings, About and Keyboard shortcuts. Each page is grabbed
from the screen once the X server has painted it, in the light scheme and then the dark one, and
written as an optimized PNG to ``docs/screenshots/<page>-<scheme>.png`` (``--language de``: the
window in German, ``<page>-<scheme>-de.png``).

Dark: ``QStyleHints.setColorScheme(Dark)`` where the platform theme follows it (GNOME, KDE, Windows,
macOS); a bare X server has no theme to ask, so there the Fusion style gets a dark palette instead.
Either way the app's own colours follow the palette (message cards: ``ui.message_card.theme_of``).

    python packaging/screenshots.py [--out DIR] [--pages about,chat] [--schemes light,dark] [--language de]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
WINDOW_SIZE = (1200, 760)
SCREEN = "-screen 0 1400x900x24"
SCHEMES = ("light", "dark")
LOAD_S = 120.0
REPLY_S = 180.0

# the first chat: the starter model (135M) writes a code block and a list when asked this plainly
CODE_PROMPT = "Write a Python function that reverses a string. Put the code in a code block."
LIST_PROMPT = "Give me a bulleted list of three tips for writing readable Python code."
# the document chat: asks for the source number outright (see tests/ui/test_chat_with_documents.py)
DOC_QUESTION = "Which source, [1] or [2], names the lighthouse keeper's cat?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated, of: " + ", ".join(PAGES))
    parser.add_argument("--schemes", default=",".join(SCHEMES))
    parser.add_argument("--home", type=Path, help="HEARTH_HOME to use (default: a fresh temporary one)")
    parser.add_argument("--language", default="en", help="e.g. de: <page>-<scheme>-de.png in that language")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:  # run as a file: the checkout's packages (app, ui, tests.support)
        sys.path.insert(0, str(ROOT))
    pages = [p for p in args.pages.split(",") if p]
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    if needs_display():
        return under_xvfb(argv if argv is not None else sys.argv[1:])
    with fresh_home(args.home) as home:
        print(f"screenshots: HEARTH_HOME={home}, out={args.out}", flush=True)
        written = capture(pages, args.schemes.split(","), args.out, args.language)
    for path in written:
        print(f"  {path} ({path.stat().st_size // 1024} KiB)")
    return 0


def needs_display() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and platform != "xcb":
        return False  # offscreen (the test), wayland, ...
    return not os.environ.get("DISPLAY")


def under_xvfb(argv: list[str]) -> int:
    """Run this script again inside a virtual X server."""
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        print("screenshots: no display and no xvfb-run (apt-get install xvfb)", file=sys.stderr)
        return 2
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    cmd = [xvfb_run, "-a", "-s", SCREEN, sys.executable, str(Path(__file__).resolve()), *argv]
    return subprocess.run(cmd, env=env, check=False).returncode


@contextmanager
def fresh_home(home: Path | None) -> Iterator[Path]:
    """Point every file the app writes at ``home`` (a new temporary folder by default): the
    screenshots show a first run's data, never the user's chats. The Hub is out of reach."""
    with tempfile.TemporaryDirectory(prefix="hearth-screens-") as tmp:
        path = home or Path(tmp) / "home"
        path.mkdir(parents=True, exist_ok=True)
        os.environ["HEARTH_HOME"] = str(path)
        os.environ["HF_HOME"] = str(Path(tmp) / "hf-home")
        os.environ["HF_ENDPOINT"] = "http://127.0.0.1:9"  # nothing here asks the Hub
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        yield path


# -- driving the app -------------------------------------------------------------------------------


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Run the event loop until ``condition()`` holds (as pytest-qt's ``waitUntil`` does)."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    timer = QTimer(interval=20)
    timer.timeout.connect(loop.quit)
    timer.start()
    try:
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"screenshots: timed out waiting for {what}")
            loop.exec()
    finally:
        timer.stop()


def settle(ms: int = 300) -> None:
    """Let layouts, renders and the X server's painting finish."""
    end = time.monotonic() + ms / 1000
    wait_until(lambda: time.monotonic() >= end, ms / 1000 + 5, "the window to settle")


class Stage:
    """The main window and whatever state the requested pages need, built once, on demand."""

    def __init__(self, language: str) -> None:
        from app import settings
        from ui.main_window import MainWindow

        s = settings.load()
        s.appearance.language = language
        s.chat.temperature = 0.0  # the same screenshots every run
        s.chat.max_tokens = 160
        s.chat.n_ctx = 2048
        settings.save(s)
        self.window = MainWindow()
        self.window.resize(*WINDOW_SIZE)
        self.window.move(0, 0)
        self.window.show()
        wait_until(lambda: self.window.controller.model_info is not None, LOAD_S, "the starter model")
        self._done: set[str] = set()
        self.cited: dict[str, Any] | None = None
        self.chat_id: int | None = None
        self.doc_chat_id: int | None = None

    def need(self, step: str) -> None:
        if step not in self._done:
            self._done.add(step)
            getattr(self, "_" + step.replace("-", "_"))()

    def ask(self, text: str) -> None:
        w = self.window
        w.send(text)
        wait_until(lambda: not w.controller.busy, REPLY_S, "a reply")

    def _chat(self) -> None:
        w = self.window
        self.ask(CODE_PROMPT)
        self.ask(LIST_PROMPT)
        # a second version of the last reply (‹ 2/2 ›), sampled: greedy would repeat the first
        w.settings.chat.temperature = 0.8
        w.settings.chat.seed = 7
        w.regenerate()
        wait_until(lambda: not w.controller.busy, REPLY_S, "the regenerated reply")
        w.settings.chat.temperature = 0.0
        w.settings.chat.seed = -1
        self.chat_id = w.conversation_id

    def _documents(self) -> None:
        from app.docs.citations import split_sources
        from app.docs.index import DocIndex
        from app.docs.ingest import ingest
        from tests.support.pdfs import fact_pdf

        w = self.window
        folder = Path(os.environ["HEARTH_HOME"]) / "Documents"
        folder.mkdir(exist_ok=True)
        pdf = fact_pdf(folder / "keeper.pdf", pages=6)
        index = DocIndex()
        try:
            for _ in ingest([pdf], "notes", index=index):
                pass
        finally:
            index.close()
        w.new_chat()
        w.set_libraries(["notes"])
        w.choose_library("notes", True)
        self.ask(DOC_QUESTION)
        self.doc_chat_id = w.conversation_id
        reply = w.store.messages(w.conversation_id or 0)[-1]
        cited, others = split_sources(reply.content, reply.sources)
        shown = [*cited, *others]
        self.cited = dict(shown[0]) if shown else None
        panel = w.docs_panel
        job = panel.refresh()
        wait_until(lambda: job.done, LOAD_S, "the library list")
        panel.library_box.setCurrentText("notes")  # lists its documents (a job of its own)
        wait_until(lambda: panel.model.rowCount() > 0, LOAD_S, "the documents of the library")

    def show_chat(self, conversation_id: int | None) -> None:
        w = self.window
        w.tabs.setCurrentIndex(0)
        if conversation_id is not None:
            w.select_conversation(conversation_id)


def _page_chat(stage: Stage) -> Any:
    stage.need("chat")
    stage.show_chat(stage.chat_id)
    return stage.window


def _page_chat_documents(stage: Stage) -> Any:
    stage.need("documents")
    stage.show_chat(stage.doc_chat_id)
    return stage.window


def _page_documents(stage: Stage) -> Any:
    stage.need("documents")
    stage.window.tabs.setCurrentWidget(stage.window.docs_panel)
    return stage.window


def _page_citation(stage: Stage) -> Any:
    from ui import doc_viewer

    stage.need("documents")
    if stage.cited is None:
        raise RuntimeError("screenshots: the document answer retrieved no source")
    viewer = doc_viewer.open_source(stage.cited)
    viewer.resize(860, 820)
    viewer.move(20, 20)
    if isinstance(viewer, doc_viewer.PageViewer):
        wait_until(lambda: not viewer.image.pixmap().isNull(), LOAD_S, "the PDF page")
    return viewer


def _page_models(stage: Stage) -> Any:
    page = stage.window.models_page
    stage.window.tabs.setCurrentWidget(page)
    page.tabs.setCurrentIndex(0)
    wait_until(lambda: page.recommended.rowCount() > 0, LOAD_S, "the recommended models")
    return stage.window


def _page_remote_servers(stage: Stage) -> Any:
    from app.chat.servers import RemoteServer

    w = stage.window
    panel = w.remote_panel
    if not panel.saved():
        server = RemoteServer("LM Studio on the desk", "http://192.168.1.20:1234/v1")
        from app import settings
        from app.chat import servers

        servers.save(w.settings.remote, server)  # saved only: testing it would reach the address
        settings.save(w.settings)
        panel.refresh()
        panel.list.setCurrentRow(0)
    w.tabs.setCurrentWidget(w.models_page)
    w.models_page.tabs.setCurrentWidget(panel)
    return w


def _page_add_server(stage: Stage) -> Any:
    from ui.remote_servers import AddServerDialog

    _page_remote_servers(stage)
    dialog = AddServerDialog(stage.window.remote_panel)
    dialog.name.setText("gpu-box")
    dialog.url.setText("http://192.168.1.20:8080")
    dialog.resize(max(dialog.sizeHint().width(), 520), dialog.sizeHint().height())
    return dialog


def _page_settings(stage: Stage) -> Any:
    from ui.settings_dialog import SettingsDialog

    w = stage.window
    info = w.controller.model_info
    offload = info is not None and info.offload_supported
    return SettingsDialog(w.settings, w, offload, w.prompt_cache, w._model_file())


def _page_about(stage: Stage) -> Any:
    from ui.about import AboutDialog

    return AboutDialog(stage.window)


def _page_shortcuts(stage: Stage) -> Any:
    from ui.shortcuts import ShortcutsDialog

    return ShortcutsDialog(stage.window)


PAGES: dict[str, Callable[[Stage], Any]] = {
    "chat": _page_chat,
    "chat-documents": _page_chat_documents,
    "documents": _page_documents,
    "citation": _page_citation,
    "models": _page_models,
    "remote-servers": _page_remote_servers,
    "add-server": _page_add_server,
    "settings": _page_settings,
    "about": _page_about,
    "shortcuts": _page_shortcuts,
}


# -- colours and capture ---------------------------------------------------------------------------


def set_scheme(app: Any, scheme: str) -> None:
    """Light or dark: the platform theme's own scheme where it has one, else a dark Fusion palette."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    wanted = Qt.ColorScheme.Dark if scheme == "dark" else Qt.ColorScheme.Light
    hints = QGuiApplication.styleHints()
    hints.setColorScheme(wanted)
    settle(100)
    if hints.colorScheme() == wanted:
        return
    app.setPalette(dark_palette() if scheme == "dark" else app.style().standardPalette())


def dark_palette() -> Any:
    from PySide6.QtGui import QColor, QPalette

    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colours = {
        role.Window: "#2b2b2b",
        role.WindowText: "#e8e8e8",
        role.Base: "#1f1f1f",
        role.AlternateBase: "#2f2f2f",
        role.ToolTipBase: "#3a3a3a",
        role.ToolTipText: "#e8e8e8",
        role.PlaceholderText: "#8c8c8c",
        role.Text: "#e8e8e8",
        role.Button: "#353535",
        role.ButtonText: "#e8e8e8",
        role.BrightText: "#ff6b6b",
        role.Light: "#4a4a4a",
        role.Midlight: "#3c3c3c",
        role.Mid: "#2e2e2e",
        role.Dark: "#1a1a1a",
        role.Shadow: "#000000",
        role.Highlight: "#3d7bd9",
        role.HighlightedText: "#ffffff",
        role.Link: "#6cb0ff",
        role.LinkVisited: "#b59cff",
    }
    for r, colour in colours.items():
        p.setColor(r, QColor(colour))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, QColor("#7a7a7a"))
    return p


def grab(widget: Any) -> Any:
    """The widget's window as the X server painted it (``QWidget.grab`` where the platform cannot)."""
    from PySide6.QtGui import QGuiApplication

    screen = widget.screen() or QGuiApplication.primaryScreen()
    pixmap = screen.grabWindow(widget.winId()) if screen is not None else None
    if pixmap is None or pixmap.isNull() or pixmap.size() != widget.size():
        pixmap = widget.grab()
    return pixmap.toImage()


def save_png(image: Any, path: Path) -> None:
    """Write ``image`` as a small PNG: reduced to 256 colours (UI has few), maximum compression."""
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    import io

    pil = Image.open(io.BytesIO(bytes(buffer.data().data()))).convert("RGB")
    small = pil.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    path.parent.mkdir(parents=True, exist_ok=True)
    small.save(path, "PNG", optimize=True)


def capture(pages: list[str], schemes: list[str], out: Path, language: str = "en") -> list[Path]:
    from ui.app import create_app

    app = create_app([sys.argv[0]])
    stage = Stage(language)
    suffix = "" if language == "en" else f"-{language}"
    written: list[Path] = []
    try:
        for name in pages:  # build every state first: the schemes then show the same ones
            widget = PAGES[name](stage)
            _close_extra(stage, widget)
        for scheme in schemes:
            set_scheme(app, scheme)
            for name in pages:
                widget = PAGES[name](stage)
                widget.show()
                widget.raise_()
                settle(400)
                path = out / f"{name}-{scheme}{suffix}.png"
                save_png(grab(widget), path)
                written.append(path)
                _close_extra(stage, widget)
    finally:
        stage.window.close()
        settle(100)
    return written


def _close_extra(stage: Stage, widget: Any) -> None:
    if widget is not stage.window:
        widget.close()
        widget.deleteLater()


if __name__ == "__main__":
    sys.exit(main())
