"""One reader interface for every kind of document: sniff, units with a location label, sha256.

A document is read as a sequence of :class:`Unit`: a PDF's pages (label: the printed page label
from ``/PageLabels`` such as "xii" or "20", else empty) or a text document's sections (label: the
heading). Units are numbered from 1 in the index; a citation names the file and its unit's label.
Ingestion, the folder watcher, drag and drop, the file dialogs and the viewer all ask this module
which files can be read (:func:`supported`, :data:`SUFFIXES`, :func:`dialog_filter`). Reading runs in
the time-bounded worker process (:mod:`app.docs.extract`); a reader raises :class:`ReadError` with a
plain reason for a file it cannot read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from app.i18n import tr, tr_noop

Kind = Literal["pdf", "text", "markdown", "html", "docx", "epub"]


class ReadError(Exception):
    """A file that cannot be indexed; ``str(exc)`` is the plain reason shown to the user."""


@dataclass(frozen=True)
class Unit:
    """One page or section: its text, its label (printed page label or heading), read by OCR or not."""

    text: str
    label: str = ""
    ocr: bool = False


class Reader(Protocol):
    @property
    def kind(self) -> Kind: ...
    @property
    def suffixes(self) -> tuple[str, ...]:
        ...
        # units are pages (PDF) rather than sections

    def sniff(self, head: bytes) -> str | None:
        """A plain reason why a file starting with ``head`` cannot be of this kind, or None."""

    def units(self, path: Path, ocr: Callable[[], OcrEngine] | None) -> Iterator[Unit]:
        """The file's units in order; raises :class:`ReadError` for a bad file."""


class OcrEngine(Protocol):
    def read(self, image: object) -> str: ...


def _registry() -> dict[str, Reader]:
    from app.docs.readers.markup import READERS as markup
    from app.docs.readers.pdf import PdfReader

    readers: list[Reader] = [PdfReader(), *markup]
    return {s: r for r in readers for s in r.suffixes}


_BY_SUFFIX = _registry()
SUFFIXES: tuple[str, ...] = tuple(_BY_SUFFIX)


def reader_for(path: Path) -> Reader | None:
    return _BY_SUFFIX.get(path.suffix.lower())


def supported(path: Path) -> bool:
    """True for a file name this app can read (by its suffix; the content is checked when read)."""
    return path.suffix.lower() in _BY_SUFFIX


def has_pages(kind: str) -> bool:
    """Units are pages (PDF) rather than sections."""
    return kind == "pdf"


def dialog_filter() -> str:
    """A file-dialog filter naming every readable suffix."""
    patterns = " ".join(f"*{s}" for s in SUFFIXES)
    return tr("Documents ({patterns});;PDF files (*.pdf);;All files (*)").format(patterns=patterns)


def sniff(path: Path) -> str | None:
    """A plain reason why ``path`` cannot be read, or None if it might be readable."""
    reader = reader_for(path)
    if reader is None:
        return tr("not a supported kind of file ({suffixes})").format(suffixes=", ".join(SUFFIXES))
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        return tr("cannot read the file ({reason})").format(reason=exc.strerror or exc)
    if size == 0:
        return tr("empty file (0 bytes)")
    return reader.sniff(head)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def location(kind: str, unit: int, label: str, for_model: bool = False) -> str:
    """How a citation names a unit: "p. xii (page 14)", "page 3", or a section's heading; in the
    user's language, or ``for_model`` in English (the passage headers of a prompt)."""
    if not has_pages(kind):
        if label:
            return label
        text = tr_noop("section {unit}")
    elif label and label != str(unit):
        text = tr_noop("p. {label} (page {unit})")
    else:
        text = tr_noop("page {unit}")
    return (text if for_model else tr(text)).format(label=label, unit=unit)
