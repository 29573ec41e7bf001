"""Main window: conversation sidebar, message view, input, status bar, menus.

The window only paints: a reply is an ``app.assistant.reply.Reply`` run by the
:class:`InferenceController` on its own thread (which also stores it); the window shows its phases,
progress and text, and every error goes through the message bridge. A reply keeps going when the
user switches to another chat (its text is shown again on switching back); deleting its chat or
closing the window stops it, keeping what was written.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPoint, QSettings, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import atomic, paths, per_model
from app import settings as settings_mod
from app.assistant.reply import Finished, Phase, PhaseChanged, Reply, ReplyRequest
from app.chat import export, servers
from app.chat.engine import LocalEngine
from app.chat.prompt_cache import PromptCache
from app.chat.remote import RemoteEngine
from app.chat.session import ChatSession, PendingReply
from app.chat.store import ChatStore
from app.chat.types import ModelInfo, Notice, PromptProgress
from app.errors import HearthError
from app.i18n import tr, tr_noop
from app.models import bundled, setup
from app.settings import ChatSettings
from ui import about, appearance, doc_viewer, i18n, jobs, messages
from ui import app as ui_app
from ui.api_switch import ApiSwitch
from ui.chat_input import ChatInput
from ui.conversations import ConversationDelegate, ConversationListModel
from ui.docs_panel import DocsPanel
from ui.first_run import WelcomePanel
from ui.inference import InferenceController
from ui.message_view import MessageView
from ui.models_page import ModelsPage
from ui.remote_servers import EnginePicker, RemoteServersPanel
from ui.settings_dialog import Edited, SettingsDialog
from ui.shortcuts import ShortcutsDialog

log = logging.getLogger(__name__)

MiB = 2**20
PHASE_TEXT = {
    Phase.RETRIEVING: tr_noop("Searching documents…"),
    Phase.READING: tr_noop("Reading prompt…"),
    Phase.STREAMING: "",
}


def window_settings() -> QSettings:
    """QSettings holds only window geometry, in an INI file under HEARTH_HOME."""
    return QSettings(str(paths.home() / "window.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    def __init__(self, controller: InferenceController | None = None, store: ChatStore | None = None) -> None:
        super().__init__()
        ui_app.skip_pyside_source_scan()  # the engine thread's imports (llama.cpp, the embedder) come next
        self.setWindowTitle(tr("Hearth"))
        self.settings = settings_mod.load()
        setup.apply(self.settings.models)  # the download folder and the Hub proxy
        appearance.apply(self.settings.appearance)
        i18n.install(self.settings.appearance.language)  # before any widget takes its texts
        self.store = store or ChatStore()
        self.session = ChatSession(self.store)
        self.prompt_cache = PromptCache(paths.prompt_cache_dir(), self.settings.chat.prompt_cache_mb * MiB)
        self.controller = controller or InferenceController(
            lambda: LocalEngine(self.prompt_cache), parent=self, remote_factory=self._remote_engine
        )
        self.conversation_id: int | None = None
        self.live_text = ""  # the running reply's text as painted (batches received so far)
        self._progress: tuple[PromptProgress, float] | None = None  # last progress, when it came
        self._closed = False
        self.exit_without_waiting = False  # set on close when the inference thread was still busy
        # the first frame first: the model load and the panels' background work start once painted
        jobs.hold_until_painted(self, self._load_chosen_model)
        self._build()
        self._connect()
        self._restore_geometry()
        if self.conv_model.rowCount() == 0:
            self.new_chat()
        else:
            self.select_conversation(self.conv_model.id_at(0))

    # layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.search_box = QLineEdit(placeholderText=tr("Search chats"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName(tr("Search chats"))
        self.new_button = QPushButton(tr("New chat"))
        self.conv_model = ConversationListModel(self.store, self)
        self.conv_list = QListView()
        self.conv_list.setObjectName("conversationList")
        self.conv_list.setModel(self.conv_model)
        self.conv_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.conv_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.conv_list.setItemDelegate(ConversationDelegate(self.conv_list))
        self.conv_list.setAccessibleName(tr("Chats"))
        self.folder_box = QComboBox()
        self.folder_box.setAccessibleName(tr("Folder"))
        self.folder_box.setToolTip(tr("Show the chats of one folder"))
        self._fill_folders()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.new_button)
        side_layout.addWidget(self.folder_box)
        side_layout.addWidget(self.search_box)
        side_layout.addWidget(self.conv_list)

        self.system_prompt = QLineEdit(placeholderText=tr("System prompt for this chat"))
        self.system_prompt.setObjectName("systemPrompt")
        self.system_prompt.setAccessibleName(tr("System prompt"))
        self.libraries: list[str] = []  # document libraries known to the index
        self.docs_menu = QMenu(self)
        self.docs_menu.aboutToShow.connect(self._fill_docs_menu)
        self.docs_button = QPushButton()  # a push button's menu arrow has room of its own (a tool
        self.docs_button.setMenu(self.docs_menu)  # button's is drawn over the end of its text)
        self.docs_button.setToolTip(tr("Answer from these document libraries, citing file and page"))
        self.engine_picker = EnginePicker()
        top = QHBoxLayout()
        top.addWidget(self.system_prompt, 1)
        top.addWidget(self.engine_picker)
        top.addWidget(self.docs_button)
        self.view = MessageView()
        self.input = ChatInput()
        self.input.setAccessibleName(tr("Message"))
        self.send_button = QPushButton(tr("Send"))
        self.stop_button = QPushButton(tr("Stop"))
        self.regen_button = QPushButton(tr("Regenerate"))
        self.edit_banner = QLabel()
        self.edit_banner.hide()
        self.phase_label = QLabel()  # "Searching documents…", "Reading prompt 1,200 / 4,000 tokens…"
        self.phase_label.setObjectName("replyPhase")
        self._progress_timer = QTimer(self, interval=250)
        self._progress_timer.timeout.connect(self._paint_progress)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_banner, 1)
        buttons.addWidget(self.phase_label, 1)
        buttons.addStretch()
        for b in (self.regen_button, self.stop_button, self.send_button):
            buttons.addWidget(b)
        chat = QWidget()
        chat_layout = QVBoxLayout(chat)
        chat_layout.addLayout(top)
        chat_layout.addWidget(self.view, 1)
        chat_layout.addWidget(self.input)
        chat_layout.addLayout(buttons)

        splitter = QSplitter()
        splitter.addWidget(side)
        splitter.addWidget(chat)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 700])
        self.models_page = ModelsPage(self.settings.models)
        self.remote_panel = RemoteServersPanel(self.settings)
        self.models_page.tabs.addTab(self.remote_panel, tr("Remote servers"))
        self.welcome = WelcomePanel(self.models_page)  # the first screen, while a chat is empty
        chat_layout.insertWidget(1, self.welcome)
        self.welcome.set_model(self.settings.chat.model_path)
        self.docs_panel = DocsPanel(self.settings.docs)
        self.tabs = QTabWidget()
        self.tabs.addTab(splitter, tr("Chat"))
        self.tabs.addTab(self.models_page, tr("Models"))
        self.tabs.addTab(self.docs_panel, tr("Documents"))
        self.setAcceptDrops(True)  # PDFs and folders dropped anywhere go to the Documents tab
        self.setCentralWidget(self.tabs)

        self.model_label = QLabel(tr("No model"))
        self.speed_label = QLabel("")
        self.context_label = QLabel("")
        self.device_label = QLabel("")
        bar = self.statusBar()
        for w, width in (
            (self.model_label, 120),
            (self.speed_label, 80),
            (self.context_label, 130),
            (self.device_label, 70),
        ):
            w.setMinimumWidth(width)
            bar.addPermanentWidget(w)

        file_menu = self.menuBar().addMenu(tr("&File"))
        self._action(file_menu, tr("&New chat"), self.new_chat, QKeySequence.StandardKey.New)
        self._action(file_menu, tr("&Open model…"), self.open_model_dialog, QKeySequence.StandardKey.Open)
        self._action(file_menu, tr("Export chat as &Markdown…"), lambda: self.export_chat("md"))
        self._action(file_menu, tr("Export chat as &JSON…"), lambda: self.export_chat("json"))
        self._action(file_menu, tr("&Import chat from JSON…"), self.import_chat)
        file_menu.addSeparator()
        self._action(file_menu, tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        chat_menu = self.menuBar().addMenu(tr("&Chat"))
        self._action(chat_menu, tr("&Stop"), self.stop, "Esc")
        self._action(chat_menu, tr("&Regenerate"), self.regenerate, "Ctrl+R")
        self._action(chat_menu, tr("&Settings…"), self.open_settings, QKeySequence.StandardKey.Preferences)
        self.api_switch = ApiSwitch(self.settings, self.controller.runner, self)
        chat_menu.addAction(self.api_switch.action)
        self._action(chat_menu, tr("Search c&hats"), self.search_box.setFocus, QKeySequence.StandardKey.Find)
        help_menu = about.install(self)
        self._action(help_menu, tr("&Keyboard shortcuts"), lambda: ShortcutsDialog(self).exec(), "Ctrl+/")
        self._action(help_menu, tr("Open &log folder"), self.open_log_folder)
        self._update_buttons()

    def _action(self, menu: QMenu, text: str, slot: object, shortcut: object = None) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[call-overload]
        return action

    def _connect(self) -> None:
        bridge = messages.bridge()
        bridge.error.connect(self._show_error)
        bridge.info.connect(self._show_info)
        self.new_button.clicked.connect(self.new_chat)
        # the search scans every message: run it once typing pauses, not on every key
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(lambda: self.conv_model.set_search(self.search_box.text()))
        self.search_box.textChanged.connect(self._search_changed)
        self.conv_list.clicked.connect(lambda idx: self.select_conversation(self.conv_model.id_at(idx.row())))
        self.conv_list.customContextMenuRequested.connect(self._conversation_menu)
        self.folder_box.activated.connect(lambda i: self.conv_model.set_folder(self.folder_box.itemData(i)))
        self.system_prompt.editingFinished.connect(self._save_system_prompt)
        self.input.submitted.connect(self.send)
        self.input.stop_requested.connect(self.stop)
        self.send_button.clicked.connect(lambda: self.send(self.input.toPlainText().strip()))
        self.stop_button.clicked.connect(self.stop)
        self.regen_button.clicked.connect(lambda: self.regenerate())
        self.view.edit_requested.connect(self.begin_edit)
        self.view.regenerate_requested.connect(self.regenerate)
        self.view.delete_requested.connect(self.delete_message)
        self.view.branch_requested.connect(self.branch_from)
        self.view.version_requested.connect(self.show_version)
        self.view.source_requested.connect(self.open_source)
        self.models_page.load_requested.connect(self._load_from_library)
        self.remote_panel.changed.connect(self._remote_servers_changed)
        self.engine_picker.picked.connect(self.choose_engine)
        self.welcome.download_requested.connect(lambda _pick: self.tabs.setCurrentWidget(self.models_page))
        self.docs_panel.libraries_changed.connect(self.set_libraries)
        c = self.controller
        c.model_loading.connect(
            lambda name: self.model_label.setText(tr("Loading {name}…").format(name=name))
        )
        c.model_loaded.connect(self._on_model_loaded)
        c.model_failed.connect(self._on_model_failed)
        c.reply_text.connect(self._on_reply_text)
        c.reply_event.connect(self._on_reply_event)
        c.reply_finished.connect(self._on_reply_finished)
        messages.report_data_files()  # e.g. a damaged settings.json kept aside while starting

    def _update_buttons(self) -> None:
        busy = self.controller.busy
        local = self.controller.model_info is not None and not self.controller.loading
        ready = local or self._remote_key() is not None
        self.send_button.setEnabled(ready and not busy)
        self.stop_button.setEnabled(busy)
        self.regen_button.setEnabled(ready and not busy and self.conversation_id is not None)
        self.view.set_actions_enabled(not busy)

    # model -----------------------------------------------------------------------------------

    def load_model(self, model: str, allow_oversize: bool = False) -> None:
        try:
            path = bundled.resolve(model)
        except Exception as exc:
            messages.bridge().show_error(str(exc))
            return
        self._requested_model = model
        self.stop()
        params = per_model.effective(self.settings.chat, Path(path)).load_params()
        self.controller.load(path, replace(params, allow_oversize=allow_oversize or params.allow_oversize))
        self._update_buttons()

    def _load_chosen_model(self) -> None:
        if not self._closed:
            self.load_model(self.settings.chat.model_path)

    def open_model_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Open a GGUF model"), str(Path.home()), tr("GGUF models (*.gguf)")
        )
        if path:
            self.load_model(path)

    @Slot(object)
    def _on_model_loaded(self, info: ModelInfo) -> None:
        self.settings.chat.model_path = getattr(self, "_requested_model", info.path)
        settings_mod.save(self.settings)
        name = tr(bundled.STARTER_NAME) if self.settings.chat.model_path == bundled.STARTER else info.name
        self.welcome.set_model(self.settings.chat.model_path)
        self.model_label.setText(name)
        self.device_label.setText(info.device)
        self.context_label.setText(tr("{used} / {total} tokens").format(used=0, total=info.n_ctx))
        if info.load_note:
            messages.bridge().show_info(info.load_note)
        self._update_buttons()

    @Slot(str, bool)
    def _on_model_failed(self, message: str, may_override: bool) -> None:
        self.model_label.setText(tr("No model"))
        self._update_buttons()
        if may_override:
            question = f"{message}\n\n{tr('Load it anyway?')}"
            answer = QMessageBox.question(self, tr("Model may not fit"), question)
            if answer == QMessageBox.StandardButton.Yes:
                self.load_model(self._requested_model, allow_oversize=True)
                return
        messages.bridge().show_error(message)

    # conversations ---------------------------------------------------------------------------

    def _search_changed(self, text: str) -> None:
        if text:
            self._search_timer.start()
        else:  # cleared: the full list at once (no scan needed)
            self._search_timer.stop()
            self.conv_model.set_search("")

    def new_chat(self) -> None:
        conv = self.store.create_conversation(system_prompt=self.settings.chat.system_prompt)
        self.search_box.clear()
        self.conv_model.reload()
        self.select_conversation(conv.id)
        self.input.setFocus()

    def select_conversation(self, conversation_id: int) -> None:
        """Show a conversation; a reply running in another one goes on (and shows again here)."""
        self.conversation_id = conversation_id
        self._cancel_edit()
        self._mark_current()
        conv = self.store.conversation(conversation_id)
        self.system_prompt.setText(conv.system_prompt)
        self._show_docs_choice(conv.libraries)
        self.engine_picker.fill(servers.saved(self.settings.remote), conv.engine)
        self._update_buttons()
        self._show_conversation(conversation_id)
        self._update_buttons()

    def _show_conversation(self, conversation_id: int, reply: Reply | None = None) -> None:
        """Show the chat; ``reply``: the one about to start (default: the one being written)."""
        msgs = self.store.messages(conversation_id)
        self.welcome.setVisible(not msgs)
        reply = reply or self.controller.reply
        if reply is None or reply.conversation_id != conversation_id:
            self.view.set_messages(msgs)
            return
        self.view.set_messages([m for m in msgs if m.id != reply.request.message_id])
        self.view.begin_reply(self.store.message(reply.request.message_id or 0))
        self.view.append_text(self.live_text)

    def _save_system_prompt(self) -> None:
        if self.conversation_id is not None:
            self.store.update_conversation(self.conversation_id, system_prompt=self.system_prompt.text())

    def _conversation_menu(self, pos: QPoint) -> None:
        index = self.conv_list.indexAt(pos)
        if not index.isValid():
            return
        conv = self.conv_model.conversation_at(index.row())
        menu = QMenu(self)
        menu.addAction(
            tr("Unpin") if conv.pinned else tr("Pin"), lambda: self.pin_conversation(conv.id, not conv.pinned)
        )
        menu.addAction(tr("Move to folder…"), lambda: self.move_to_folder(conv.id))
        menu.addAction(tr("Duplicate"), lambda: self.duplicate_conversation(conv.id))
        menu.addAction(tr("Rename"), lambda: self.rename_conversation(conv.id))
        menu.addAction(tr("Delete"), lambda: self.delete_conversation(conv.id))
        menu.exec(self.conv_list.viewport().mapToGlobal(pos))

    def _fill_folders(self) -> None:
        """The folder filter: every chat, the chats in no folder, then each folder by name."""
        current = self.folder_box.currentData() if self.folder_box.count() else None
        self.folder_box.clear()
        self.folder_box.addItem(tr("All chats"), None)
        self.folder_box.addItem(tr("Not in a folder"), "")
        for name in self.store.folders():
            self.folder_box.addItem(f"📁 {name}", name)
        row = self.folder_box.findData(current)
        self.folder_box.setCurrentIndex(max(0, row))
        if row < 0 and current is not None:  # the folder shown is gone (emptied): show every chat
            self.conv_model.set_folder(None)

    def pin_conversation(self, conversation_id: int, pinned: bool = True) -> None:
        self.store.set_pinned(conversation_id, pinned)
        self.conv_model.reload()
        self._mark_current()

    def move_to_folder(self, conversation_id: int, folder: str | None = None) -> None:
        """Into ``folder`` ('' = out of any); None asks, offering the folders there are."""
        if folder is None:
            names = ["", *self.store.folders()]
            current = self.store.conversation(conversation_id).folder
            folder, ok = QInputDialog.getItem(
                self, tr("Move to folder"), tr("Folder (a new name makes a new folder; empty: none):"), names,
                names.index(current) if current in names else 0, True,
            )  # fmt: skip
            if not ok:
                return
        self.store.set_folder(conversation_id, folder)
        self._fill_folders()
        self.conv_model.reload()
        self._mark_current()

    def duplicate_conversation(self, conversation_id: int) -> None:
        copy = self.store.duplicate(conversation_id)
        self.conv_model.reload()
        self.select_conversation(copy.id)

    def import_chat(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Import chat"), "", tr("Chat exports (*.json);;All files (*)")
        )
        if path:
            self.read_import(Path(path))

    def read_import(self, path: Path) -> None:
        """A new chat from an exported one; a file that is not one is left alone, with a plain reason."""
        try:
            conv = export.from_file(self.store, path)
        except OSError as exc:
            why = exc.strerror or exc
            messages.bridge().show_error(tr("Could not read {path}: {reason}").format(path=path, reason=why))
            return
        except HearthError as exc:
            messages.bridge().show_error(
                tr("Could not import {name}: {reason}").format(name=path.name, reason=exc)
            )
            return
        self.search_box.clear()
        self.conv_model.reload()
        self.select_conversation(conv.id)
        messages.bridge().show_info(tr("Imported “{title}”").format(title=conv.title))

    def _mark_current(self) -> None:
        """Select the shown chat in the list (where the list shows it)."""
        row = self.conv_model.row_of(self.conversation_id) if self.conversation_id is not None else -1
        if row >= 0:
            self.conv_list.setCurrentIndex(self.conv_model.index(row))

    def rename_conversation(self, conversation_id: int, title: str | None = None) -> None:
        if title is None:
            current = self.store.conversation(conversation_id).title
            title, ok = QInputDialog.getText(self, tr("Rename chat"), tr("Title:"), text=current)
            if not ok:
                return
        if title.strip():
            self.store.update_conversation(conversation_id, title=title.strip())
            self.conv_model.reload()

    def delete_conversation(self, conversation_id: int, confirm: bool = True) -> None:
        if confirm:
            title = self.store.conversation(conversation_id).title
            question = tr("Delete “{title}” and all its messages?").format(title=title)
            answer = QMessageBox.question(self, tr("Delete chat"), question)
            if answer != QMessageBox.StandardButton.Yes:
                return
        reply = self.controller.reply
        if reply is not None and reply.conversation_id == conversation_id:
            reply.stop()  # its last writes find no row: the chat is gone, as asked
        self.store.delete_conversation(conversation_id)
        self.conv_model.reload()
        if conversation_id == self.conversation_id:
            self.conversation_id = None
            if self.conv_model.rowCount():
                self.select_conversation(self.conv_model.id_at(0))
            else:
                self.new_chat()

    def export_chat(self, fmt: str) -> None:
        if self.conversation_id is None:
            return
        title = self.store.conversation(self.conversation_id).title
        path, _ = QFileDialog.getSaveFileName(self, tr("Export chat"), f"{title}.{fmt}")
        if path:
            self.write_export(Path(path), fmt)

    def write_export(self, path: Path, fmt: str) -> None:
        assert self.conversation_id is not None
        render = export.to_json if fmt == "json" else export.to_markdown
        try:
            atomic.write_text(path, render(self.store, self.conversation_id))
        except OSError as exc:
            why = exc.strerror or exc
            messages.bridge().show_error(
                tr("Could not export to {path}: {reason}").format(path=path, reason=why)
            )
            return
        messages.bridge().show_info(tr("Exported to {path}").format(path=path))

    # replies ---------------------------------------------------------------------------------

    def send(self, text: str) -> None:
        if not text or self.controller.busy or self.conversation_id is None:
            return
        if not self._engine_available():
            return
        self._save_system_prompt()
        editing = self.edit_banner.property("message_id")
        if editing:
            pending = self.session.edit(self.conversation_id, int(editing), text)
            self._cancel_edit()
        else:
            pending = self.session.send(self.conversation_id, text)
        self.input.clear()
        self.conv_model.reload()
        self.welcome.hide()
        self._start(pending)

    def regenerate(self, message_id: int | None = None) -> None:
        """Another version of a reply (default: the last one); the others stay behind ‹ ›."""
        if self.conversation_id is None or self.controller.busy or not self._engine_available():
            return
        try:
            pending = self.session.regenerate(self.conversation_id, message_id)
        except ValueError:
            return
        self._start(pending)

    def show_version(self, message_id: int) -> None:
        """Follow this version of a message (and the conversation that goes on from it)."""
        if self.controller.busy or self.conversation_id is None:
            return
        self.store.choose(message_id)
        self._show_conversation(self.conversation_id)

    def delete_message(self, message_id: int, confirm: bool = True) -> None:
        if self.controller.busy or self.conversation_id is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                tr("Delete message"),
                tr("Delete this message and everything that follows it in this chat?"),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.store.delete_message(message_id)
        self._show_conversation(self.conversation_id)

    def branch_from(self, message_id: int) -> None:
        """A new chat holding this one up to ``message_id``, to go on differently."""
        if self.controller.busy:
            return
        conv = self.store.branch(message_id)
        self.conv_model.reload()
        self.select_conversation(conv.id)

    def begin_edit(self, message_id: int) -> None:
        if self.controller.busy:
            return
        msg = self.store.message(message_id)
        self.input.setPlainText(msg.content)
        self.input.setFocus()
        self.edit_banner.setText(
            tr("Editing a past message: Send adds a new version (‹ › on it shows the old one).")
        )
        self.edit_banner.setProperty("message_id", message_id)
        self.edit_banner.show()

    def _cancel_edit(self) -> None:
        self.edit_banner.setProperty("message_id", None)
        self.edit_banner.hide()

    def _start(self, pending: PendingReply) -> None:
        libraries = tuple(self.store.conversation(pending.conversation_id).libraries)
        request = ReplyRequest(
            tuple(pending.prompt),
            self._chat_settings(local=self._remote_key() is None).sampling(),
            libraries,
            self.settings.docs,
            pending.conversation_id,
            pending.message_id,
        )
        self.live_text = ""
        reply = Reply(request, self.session)
        self._show_conversation(pending.conversation_id, reply)
        # the new turn laid out and painted now, before the engine takes every core to read the
        # prompt: done after, this work would share the cores with it and stall the window
        QCoreApplication.sendPostedEvents()
        self.controller.start(reply, remote=self._remote_key())
        self._update_buttons()

    def stop(self) -> None:
        reply = self.controller.reply
        if reply is None:
            return
        reply.stop()  # takes effect at once while the prompt is read or tokens stream
        self._progress = None
        self._progress_timer.stop()
        self.phase_label.setText(tr("Stopping…"))  # e.g. while the embedder is still loading

    @Slot(object, str)
    def _on_reply_text(self, reply: Reply, text: str) -> None:
        if reply is not self.controller.reply or self._closed:
            return
        self.live_text += text
        if reply.conversation_id == self.conversation_id:
            self.view.append_text(text)

    @Slot(object, object)
    def _on_reply_event(self, reply: Reply, event: object) -> None:
        if reply is not self.controller.reply or self._closed or reply.cancel.cancelled:
            return
        if isinstance(event, PhaseChanged):
            self._progress = None
            self._progress_timer.stop()
            phase = PHASE_TEXT.get(event.phase, "")
            self.phase_label.setText(event.detail or (tr(phase) if phase else ""))
        elif isinstance(event, PromptProgress):
            self._progress = (event, time.monotonic())
            self._paint_progress()
            self._progress_timer.start()
        elif isinstance(event, Notice):
            messages.bridge().show_info(event.text)

    def _paint_progress(self) -> None:
        """Reading progress between the engine's reports (one per slice of the prompt): its last
        report moved on at the measured reading speed, never past the slice being read."""
        if self._progress is None:
            return
        p, since = self._progress
        done = min(p.done + (p.tokens_per_s or 0.0) * (time.monotonic() - since), p.reading_to)
        left = p.seconds_left(done)
        text = tr("Reading prompt {done} / {total} tokens").format(
            done=f"{int(done):,}", total=f"{p.total:,}"
        )
        if left is not None and left >= 1:
            text += " · " + tr("~{seconds} s left").format(seconds=f"{left:.0f}")
        self.phase_label.setText(text)

    @Slot(object, object)
    def _on_reply_finished(self, reply: Reply, finished: Finished) -> None:
        if self._closed:  # the store is closed; the reply stored itself
            return
        self._progress = None
        self._progress_timer.stop()
        self.phase_label.setText("")
        stats = finished.stats
        if stats is not None and stats.completion_tokens:
            self.speed_label.setText(tr("{speed} tok/s").format(speed=f"{stats.tokens_per_s:.1f}"))
        if stats is not None:
            used, total = stats.context_used, stats.n_ctx
            self.context_label.setText(tr("{used} / {total} tokens").format(used=used, total=total))
        if finished.error:  # failed, or broken off (a remote reply: what arrived is kept)
            messages.bridge().show_error(finished.error)
        if self.conversation_id is not None and reply.conversation_id == self.conversation_id:
            self.view.set_messages(self.store.messages(self.conversation_id))
        self._update_buttons()

    # engines ---------------------------------------------------------------------------------

    def _remote_key(self) -> servers.RemoteKey | None:
        """The remote model answering the shown chat (None: the local one)."""
        if self.conversation_id is None:
            return None
        try:
            return servers.engine_key(self.store.conversation(self.conversation_id).engine)
        except KeyError:  # the chat was just deleted
            return None

    def _engine_available(self) -> bool:
        key = self._remote_key()
        if key is None and self.controller.model_info is None:
            messages.bridge().show_error(
                tr("No model is loaded yet: wait for it, or open one (File → Open model…).")
            )
            return False
        if key is not None and not any(s.name == key[0] for s in servers.saved(self.settings.remote)):
            messages.bridge().show_error(
                tr("The remote server '{name}' is no longer saved: pick another model for this chat.").format(
                    name=key[0]
                )
            )
            return False
        return True

    def _remote_engine(self, key: servers.RemoteKey) -> RemoteEngine:
        """A remote engine for a saved server (on the engine thread; it connects on its first reply)."""
        server = next(s for s in servers.saved(self.settings.remote) if s.name == key[0])
        return RemoteEngine(server, self.settings.remote, model=key[1])

    def choose_engine(self, engine: str) -> None:
        """The shown chat is answered by ``engine`` from now on ('' = the local model)."""
        if self.conversation_id is not None:
            self.store.update_conversation(self.conversation_id, engine=engine)
            self.engine_picker.show_choice(engine)
            self._update_buttons()

    def _remote_servers_changed(self) -> None:
        self.controller.runner.forget_remote()  # new address, key or model list: connect afresh
        current = self.store.conversation(self.conversation_id).engine if self.conversation_id else ""
        self.engine_picker.fill(servers.saved(self.settings.remote), current)
        self._update_buttons()

    # documents -------------------------------------------------------------------------------

    def set_libraries(self, libraries: list[str]) -> None:
        """The libraries the index knows (from the Documents tab or a background listing)."""
        self.libraries = sorted(libraries)
        if self.conversation_id is not None:
            self._show_docs_choice(self.store.conversation(self.conversation_id).libraries)

    def _show_docs_choice(self, chosen: list[str]) -> None:
        names = ", ".join(chosen) if chosen else tr("none", "no document library chosen")
        self.docs_button.setText(tr("Documents: {libraries}").format(libraries=names))

    def _fill_docs_menu(self) -> None:
        self.docs_menu.clear()
        if self.conversation_id is None:
            return
        chosen = set(self.store.conversation(self.conversation_id).libraries)
        for name in sorted(set(self.libraries) | chosen):
            action = self.docs_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name in chosen)
            action.toggled.connect(lambda on, n=name: self.choose_library(n, on))
        if not self.docs_menu.actions():
            self.docs_menu.addAction(tr("No libraries yet: add PDFs in the Documents tab")).setEnabled(False)

    def choose_library(self, name: str, use: bool) -> None:
        if self.conversation_id is None:
            return
        chosen = [n for n in self.store.conversation(self.conversation_id).libraries if n != name]
        if use:
            chosen.append(name)
        self.store.update_conversation(self.conversation_id, libraries=chosen)
        self._show_docs_choice(chosen)

    @Slot(dict)
    def open_source(self, source: dict[str, object]) -> None:
        """A cited source: its PDF at that page, the passage highlighted, in a window of its own."""
        doc_viewer.open_source(source, chroma_url=self.settings.docs.chroma_url)

    @Slot(str)
    def _load_from_library(self, path: str) -> None:
        self.tabs.setCurrentIndex(0)
        self.load_model(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if DocsPanel.dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = DocsPanel.dropped_paths(event)
        if paths:
            self.tabs.setCurrentWidget(self.docs_panel)
            self.docs_panel.add_paths(paths)
            event.acceptProposedAction()

    # settings, errors, lifecycle -------------------------------------------------------------

    def _model_file(self) -> Path | None:
        """The local model file loaded (or being loaded): the one Settings → Model is about."""
        try:
            return Path(bundled.resolve(getattr(self, "_requested_model", self.settings.chat.model_path)))
        except Exception:
            return None

    def _chat_settings(self, local: bool = True) -> ChatSettings:
        """The chat settings with the local model file's own over them (Settings → Model)."""
        return per_model.effective(self.settings.chat, self._model_file() if local else None)

    def open_settings(self) -> SettingsDialog:
        info = self.controller.model_info
        offload = info is not None and info.offload_supported
        dialog = SettingsDialog(self.settings, self, offload, self.prompt_cache, self._model_file())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.result_settings()))
        dialog.open()  # window-modal, and tests can drive it
        return dialog

    def apply_settings(self, edited: Edited) -> None:
        """Save what the settings dialog gives back and apply it; reload the model if how it loads changed."""
        before = self._chat_settings()
        new = edited.settings
        moved = new.models.models_dir != self.settings.models.models_dir
        fit_ctx = new.models.fit_ctx != self.settings.models.fit_ctx
        # the Remote servers panel's list and the API switch's state are theirs, maybe changed meanwhile
        new.remote.servers, new.api.enabled = self.settings.remote.servers, self.settings.api.enabled
        reconnect = new.remote != self.settings.remote
        self.settings.chat = new.chat
        # shared by reference with the Models and Documents pages, the servers panel and the API switch
        for section in ("models", "docs", "remote", "api"):
            settings_mod.copy_into(getattr(self.settings, section), getattr(new, section))
        self.settings.appearance, self.settings.presets = new.appearance, new.presets
        if edited.preset_used is not None and self.conversation_id is not None:  # "Use for chat": this one
            self.system_prompt.setText(edited.preset_used.system_prompt)
            self._save_system_prompt()
        if edited.model is not None:
            per_model.put(edited.model, edited.overrides)
        if edited.hf_token is not None:
            try:
                setup.save_token(edited.hf_token)
            except HearthError as exc:
                messages.bridge().show_error(str(exc))
        setup.apply(self.settings.models)
        if moved:
            self.models_page.refresh_installed()  # the models in the new download folder
        if fit_ctx:
            self.models_page.set_fit_context(self.settings.models.fit_ctx)
        if reconnect:
            self.controller.runner.forget_remote()  # new timeouts: remote engines made afresh
        self.api_switch.apply()
        appearance.apply(self.settings.appearance)
        self.prompt_cache.max_bytes = new.chat.prompt_cache_mb * MiB
        settings_mod.save(self.settings)
        if SettingsDialog.needs_reload(before, self._chat_settings()):
            self.load_model(self.settings.chat.model_path)

    def open_log_folder(self) -> None:
        """Help → Open log folder: the file manager at the rotating log (warnings, errors, tracebacks)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.logs_dir())))

    @Slot(str)
    def _show_info(self, text: str) -> None:
        self.statusBar().showMessage(text, 5000)

    @Slot(str)
    def _show_error(self, text: str) -> None:
        self.statusBar().showMessage(text, 15000)
        self.last_error = text

    def _restore_geometry(self) -> None:
        geometry = window_settings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1000, 700)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            super().closeEvent(event)
            return
        self._closed = True
        jobs.release()  # closed before its first frame: what waited for it runs (and is cancelled)
        window_settings().setValue("window/geometry", self.saveGeometry())
        bridge = messages.bridge()
        bridge.error.disconnect(self._show_error)
        bridge.info.disconnect(self._show_info)
        # the reply ends as "interrupted", keeping its text and sources (written by the worker, or
        # from here if the worker is still busy loading something)
        self.api_switch.shutdown()
        self.exit_without_waiting = not self.controller.shutdown()
        self.models_page.shutdown()
        self.remote_panel.shutdown()
        self.welcome.shutdown()
        self.docs_panel.shutdown()
        self.store.close()
        super().closeEvent(event)
