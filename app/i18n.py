"""User-visible text in the user's language: the one way Hearth marks a string for translation.

Every string a user reads goes through :func:`tr` (or, where it must exist before a translator is
installed, such as a module-level table, is marked with :func:`tr_noop` and passed to ``tr`` where it
is shown). ``app/`` stays Qt-free: :func:`tr` looks the text up with a translator the GUI installs
(``ui.i18n.install``: Qt's ``QCoreApplication.translate`` over Hearth's ``.qm`` catalogue); without
one (the CLI, the tests) a text is its English source.

Qt's ``lupdate`` extracts the calls (``make translations``; a bare ``tr`` call has the empty context,
and ``tr_noop`` is passed as an alias of ``QT_TR_NOOP``), so the arguments must be string literals:
``tr("Read {n} pages").format(n=n)``, never ``tr(f"Read {n} pages")``. ``tr("%n file(s)", n=count)``
picks the plural form the language needs (English: "(s)" after a regular noun).
``tests/test_i18n.py`` checks all of this.
"""

from __future__ import annotations

from collections.abc import Callable

Translator = Callable[[str, str | None, int], str]


def _untranslated(text: str, disambiguation: str | None, n: int) -> str:
    """The English source; with ``n``, "(s)" is the English plural: "%n file(s)" → "1 file", "2 files"."""
    if n < 0:
        return text
    return text.replace("%n", str(n)).replace("(s)", "" if n == 1 else "s")


_translator: Translator = _untranslated


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the user's language; ``disambiguation`` tells apart two uses of one English text;
    ``n`` >= 0 picks the plural form and replaces ``%n`` in it."""
    return _translator(text, disambiguation, n)


def tr_noop(text: str) -> str:
    """Mark ``text`` for translation where it is defined; translate it with :func:`tr` where shown."""
    return text


def install(translator: Translator | None) -> None:
    """Look texts up with ``translator`` from now on (None: English again)."""
    global _translator
    _translator = translator or _untranslated
