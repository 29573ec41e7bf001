"""PySide6 itself: emitting signals from Python must not leak or drop references.

PySide6 6.12.0 dropped a reference to True (or None) on every ``SignalInstance.emit()`` called from
Python, so the interpreter freed the singleton after a few thousand emits and aborted ("deallocating
True or False") minutes into streaming a reply. Hearth pins a version without the bug; this fails
if an upgrade brings it back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    text = Signal(int, str)
    bare = Signal()


def test_emit_keeps_singleton_refcounts() -> None:
    emitter = Emitter()
    got: list[str] = []
    emitter.text.connect(lambda _n, text: got.append(text))
    before = {name: sys.getrefcount(obj) for name, obj in (("True", True), ("False", False), ("None", None))}
    for i in range(5000):
        emitter.text.emit(i, "x")
        emitter.bare.emit()
    after = {name: sys.getrefcount(obj) for name, obj in (("True", True), ("False", False), ("None", None))}
    assert len(got) == 5000
    for name in before:
        assert abs(after[name] - before[name]) < 100, (name, before[name], after[name])
