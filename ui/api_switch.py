"""The window's switch for Hearth's local API (Chat → Serve the local API), off by default.

When on, ``app.assistant.server.ApiServer`` answers on the window's own engine thread: the model the
window has loaded serves the API, the window's replies and loads go before waiting API requests. The
choice is kept in the settings (``api.enabled``) and restored at start-up.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from app import settings
from app.assistant.runner import EngineRunner
from app.assistant.server import ApiServer, cors_origins, server_config
from app.errors import HearthError
from app.i18n import tr
from ui import messages

log = logging.getLogger(__name__)


class ApiSwitch(QObject):
    def __init__(
        self, config: settings.Settings, runner: EngineRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.config = config  # the window's settings, saved on every change
        self.runner = runner
        self.server: ApiServer | None = None
        self.action = QAction(tr("Serve the local &API"), self, checkable=True)
        self.action.toggled.connect(self.set_on)
        self._show()
        self.apply()
        if config.api.enabled:
            self.action.setChecked(True)

    def set_on(self, on: bool) -> None:
        if on and self.server is None:
            try:
                self.server = ApiServer(self.runner, server_config(self.config)).start()
            except HearthError as exc:
                messages.bridge().show_error(str(exc))
                self.action.setChecked(False)
                return
            messages.bridge().show_info(tr("Hearth's API is on at {url}").format(url=self.server.url))
        elif not on and self.server is not None:
            self.server.close()
            self.server = None
        if self.config.api.enabled != on:
            self.config.api.enabled = on
            settings.save(self.config)
        self._show()

    def apply(self) -> None:
        """Put the settings' queue size and CORS origins in force, also on a running API (the
        handlers read its config per request)."""
        self.runner.max_waiting = self.config.api.queue_size
        if self.server is not None:
            self.server.config = replace(self.server.config, cors_origins=cors_origins(self.config.api))

    def _show(self) -> None:
        where = self.server.url if self.server else f"{self.config.api.host}:{self.config.api.port}"
        self.action.setToolTip(
            tr("OpenAI-compatible API for your own tools at {address}").format(address=where)
        )

    def shutdown(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
