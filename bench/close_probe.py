"""Child process of ``bench chat``'s ``close_latency_ms``: the real main window on a real-size model,
closed one second into reading a ~4,000-token prompt. Prints ``CLOSING <unix time>`` just before it
closes the window; the parent times from there to this process's exit (the app's own exit path).

Usage: ``python -m bench.close_probe MODEL.gguf`` with HEARTH_HOME pointing at a scratch folder.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

FILLER = "The harbour log records the tides, the boats that came in, and the weather at dawn. "


def main(model: Path) -> int:
    from PySide6.QtCore import QTimer

    from app import settings
    from app.assistant.reply import Phase
    from ui.app import create_app
    from ui.main_window import MainWindow

    s = settings.load()
    s.chat.model_path, s.chat.n_ctx, s.chat.max_tokens, s.chat.temperature = str(model), 8192, 48, 0.0
    settings.save(s)
    app = create_app([])
    window = MainWindow()
    window.show()
    state = {"sent": False, "reading_since": 0.0}

    def poll() -> None:
        if not state["sent"] and window.controller.model_info is not None:
            window.send(FILLER * 220)
            state["sent"] = True
        reply = window.controller.reply
        if reply is not None and reply.phase is Phase.READING and not state["reading_since"]:
            state["reading_since"] = time.monotonic()
        if state["reading_since"] and time.monotonic() - state["reading_since"] >= 1.0:
            timer.stop()
            print(f"CLOSING {time.time():.6f}", flush=True)
            window.close()

    timer = QTimer(interval=10)
    timer.timeout.connect(poll)
    timer.start()
    code = app.exec()
    if window.exit_without_waiting:  # as ui.app.run_gui does
        os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
