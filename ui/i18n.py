"""The user's language for the whole application: Hearth's catalogue and Qt's own, installed once.

Hearth's translations are ``resources/i18n/hearth_<lang>.ts`` (edited in Qt Linguist or by hand),
compiled to ``.qm`` by ``make translations``; Qt's own dialogs and context menus use Qt's catalogue
(``qtbase_<lang>.qm``, shipped with PySide6). :func:`install` puts both in place, points
``app.i18n.tr`` at them and makes the language's formats (dates, times) the default. It runs
before the main window builds its widgets, so a new language takes effect when Hearth starts again.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

import resources
from app import i18n

SOURCE_LANGUAGE = "en"
log = logging.getLogger(__name__)
_installed: list[QTranslator] = []


def available() -> dict[str, str]:
    """Language code → its name in that language, English first, then each shipped catalogue."""
    codes = sorted(p.name[len("hearth_") : -len(".qm")] for p in catalogue_dir().iterdir()
                   if p.name.startswith("hearth_") and p.name.endswith(".qm"))  # fmt: skip
    return {SOURCE_LANGUAGE: "English"} | {code: QLocale(code).nativeLanguageName() for code in codes}


def catalogue_dir() -> Path:
    return Path(str(resources.path("i18n")))


def chosen(language: str) -> str:
    """The language to show: ``language`` ("" = the system's) if Hearth has it, else English."""
    if not language:
        names = [n.replace("-", "_") for n in QLocale.system().uiLanguages()]
        codes = [n.split("_")[0] for n in names]
        return next((c for c in codes if c in available()), SOURCE_LANGUAGE)
    return language if language in available() else SOURCE_LANGUAGE


def install(language: str) -> str:
    """Translate the application into ``language`` ("" = the system's); returns the code in use."""
    app = QCoreApplication.instance()
    for old in _installed:
        if app is not None:
            app.removeTranslator(old)
    _installed.clear()
    code = chosen(language)
    i18n.install(None)
    QLocale.setDefault(QLocale.system() if not language or code == SOURCE_LANGUAGE else QLocale(code))
    if code == SOURCE_LANGUAGE or app is None:
        return SOURCE_LANGUAGE
    catalogues = (
        (str(catalogue_dir()), f"hearth_{code}"),
        (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), f"qtbase_{code}"),
    )
    for folder, name in catalogues:
        translator = QTranslator(app)
        if translator.load(name, folder) and app.installTranslator(translator):
            _installed.append(translator)
        else:
            log.warning("no translation catalogue %s in %s", name, folder)
    i18n.install(lambda text, disambiguation, n: QCoreApplication.translate("", text, disambiguation, n))
    return code
