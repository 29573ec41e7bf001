"""app/ must stay Qt-free: importing every app module must not load PySide6 or ui."""

from __future__ import annotations

from tests.support import fresh_python


def test_app_imports_no_qt() -> None:
    code = (
        "import pkgutil, importlib, sys, app\n"
        "for m in pkgutil.walk_packages(app.__path__, 'app.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'ui'))\n"
        "assert not bad, bad\n"
    )
    fresh_python.assert_runs(code)
