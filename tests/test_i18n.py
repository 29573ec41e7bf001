"""Translation coverage, checked on the sources and on the shipped catalogues (``make translations``).

- Every ``tr``/``tr_noop`` call has a string literal (``lupdate`` sees the text that is looked up), or
  for ``tr`` a value marked with ``tr_noop`` where it was written; never text built in place.
- No text reaches a Qt widget as a bare literal: the text setters and constructors of ``ui/`` get
  ``tr(...)`` (or a value computed from data), never ``"Send"`` or ``f"..."`` written in place.
- Each catalogue is current (``lupdate`` finds nothing new in the sources) and complete (nothing
  unfinished); each translation keeps its source's ``{placeholders}``; each ``.qm`` is its ``.ts``
  compiled.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app import i18n

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted((ROOT / "resources" / "i18n").glob("hearth_*.ts"))
BIN = Path(sys.executable).parent
INSTALLER = ROOT / "ui" / "i18n.py"  # the one place that calls Qt's translate
LUPDATE_ARGS = ["-tr-function-alias", "QT_TR_NOOP+=tr_noop", "-no-obsolete", "-locations", "none"]
# Qt calls whose string arguments the user reads
TEXT_SETTERS = {
    "setText", "setToolTip", "setPlaceholderText", "setWindowTitle", "setStatusTip", "setWhatsThis",
    "setAccessibleName", "setAccessibleDescription", "setTitle", "addTab", "insertTab", "setTabText",
    "addAction", "addMenu", "addItem", "addItems", "addRow", "setSpecialValueText", "setSuffix",
    "setPrefix", "setLabelText", "setHeaderLabels", "setHorizontalHeaderLabels", "showMessage",
    "information", "warning", "critical", "question", "getText", "getItem", "getOpenFileName",
    "getSaveFileName", "getExistingDirectory", "setFormat", "show_error", "show_info",
}  # fmt: skip
WIDGET_CLASSES = {
    "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QToolButton",
    "QLineEdit", "QMenu",
}  # fmt: skip
LOGGERS = {"log", "logger", "logging", "_log", "LOG"}
TEXT_KEYWORDS = {"placeholderText", "toolTip", "text", "title", "windowTitle", "statusTip"}


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _words(node: ast.expr) -> bool:
    """A literal a user would read (letters in it), written in place."""
    if isinstance(node, ast.JoinedStr):
        return any(_words(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _words(node.left) or _words(node.right)
    return _literal(node) and bool(re.search("[A-Za-z]{2}", str(getattr(node, "value", ""))))


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _receiver(func: ast.expr) -> str:
    """``log`` for ``log.warning``, ``QCoreApplication`` for ``QCoreApplication.translate``..."""
    value = func.value if isinstance(func, ast.Attribute) else None
    return _name(value) if value is not None else ""


def _qt_translate(func: ast.expr) -> bool:
    """``self.tr(...)`` or ``QCoreApplication.translate(...)``: a per-class context, not app.i18n's."""
    return isinstance(func, ast.Attribute) and (
        (func.attr == "tr" and _receiver(func) == "self")
        or (func.attr == "translate" and _receiver(func).endswith("Application"))
    )


def test_tr_calls_have_literal_texts() -> None:
    bad = []
    for path in sources("app", "ui"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name in {"tr", "tr_noop"} and isinstance(node.func, ast.Name):
                # a literal, or a value marked where it was written (tr_noop): never text built in place
                args = [*node.args[:2], *(k.value for k in node.keywords if k.arg == "disambiguation")]
                if not args or any(isinstance(a, ast.JoinedStr | ast.BinOp | ast.Call) for a in args):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: tr() needs string literals")
                elif name == "tr_noop" and not _literal(args[0]):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: tr_noop() needs a string literal")
            elif _qt_translate(node.func) and path != INSTALLER:
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: use app.i18n.tr (one context for all)")
    assert not bad, "\n".join(bad)


def test_ui_shows_no_untranslated_literal() -> None:
    bad = []
    for path in sources("ui"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if _receiver(node.func) in LOGGERS:  # log.warning(...) is a log line, not a message box
                continue
            args = node.args if name in TEXT_SETTERS | WIDGET_CLASSES else []
            args = [*args, *(k.value for k in node.keywords if k.arg in TEXT_KEYWORDS)]
            for arg in args:
                items = arg.elts if isinstance(arg, ast.List | ast.Tuple) else [arg]
                if any(_words(item) for item in items):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}() gets text not through tr()")
    assert not bad, "\n".join(bad)


def test_untranslated_text_is_english() -> None:
    i18n.install(None)
    assert i18n.tr("Send") == "Send"
    assert i18n.tr("%n file(s)", n=1) == "1 file"
    assert i18n.tr("%n file(s)", n=3) == "3 files"


def _messages(ts: Path) -> list[ET.Element]:
    return list(ET.parse(ts).getroot().iter("message"))


@pytest.mark.timeout(120)
@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.stem)
def test_catalogue_is_current_and_complete(catalogue: Path, tmp_path: Path) -> None:
    fresh = tmp_path / catalogue.name
    shutil.copy(catalogue, fresh)
    files = [str(p) for p in sources("app", "ui")]
    subprocess.run(
        [BIN / "pyside6-lupdate", *LUPDATE_ARGS, *files, "-ts", fresh], check=True, capture_output=True
    )
    assert fresh.read_bytes() == catalogue.read_bytes(), f"{catalogue.name} is stale: run make translations"
    unfinished, lost = [], []
    for message in _messages(catalogue):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        if translation.get("type") == "unfinished" or not all(forms):
            unfinished.append(source)
        for form in forms:
            if set(re.findall(r"\{\w*\}", form)) != set(re.findall(r"\{\w*\}", source)):
                lost.append(f"{source!r} -> {form!r}")
    assert not unfinished, f"{len(unfinished)} texts without a translation: {unfinished[:20]}"
    assert not lost, "translations that change the placeholders:\n" + "\n".join(lost)
    assert len(_messages(catalogue)) > 0
    compiled = tmp_path / catalogue.with_suffix(".qm").name
    subprocess.run([BIN / "pyside6-lrelease", "-silent", fresh, "-qm", compiled], check=True)
    assert compiled.read_bytes() == catalogue.with_suffix(".qm").read_bytes(), "stale .qm: make translations"
