"""Hearth GUI (PySide6): thin widgets, item models and workers bridging app/ to Qt signals."""
