"""Documents without pages: plain text, Markdown, HTML, Word (.docx) and EPUB, read as sections.

Each heading starts a section whose label is the heading's text, so a citation names it; text
before the first heading is a section labelled by the file's title or "Start". Plain text has no
headings: it is cut at blank lines into sections of about :data:`TEXT_SECTION_CHARS` characters,
labelled by their line numbers.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar

from app.docs.readers import Kind, OcrEngine, Reader, ReadError, Unit

_T = TypeVar("_T")

TEXT_SECTION_CHARS = 3000
MAX_HEADING = 120
_ZIP = b"PK\x03\x04"
_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; else Windows-1252, which never fails."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _text_sniff(head: bytes) -> str | None:
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "not a text file (it contains binary data)"
    return None


def _heading(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_HEADING else text[: MAX_HEADING - 1] + "…"


def sections(blocks: Iterable[tuple[str | None, str]], first: str = "Start") -> Iterator[Unit]:
    """Units from (heading or None, text) blocks: each heading opens a section that includes it."""
    label, parts = first, list[str]()
    for heading, text in blocks:
        if heading is not None:
            if any(p.strip() for p in parts):
                yield Unit("\n".join(parts).strip(), label)
            label, parts = _heading(heading), [heading.strip()]
        elif text.strip():
            parts.append(text)
    if any(p.strip() for p in parts):
        yield Unit("\n".join(parts).strip(), label)


class TextReader:
    kind: Kind = "text"
    suffixes: tuple[str, ...] = (".txt", ".text")

    def sniff(self, head: bytes) -> str | None:
        return _text_sniff(head)

    def units(self, path: Path, ocr: Callable[[], OcrEngine] | None) -> Iterator[Unit]:
        lines = decode(path.read_bytes()).splitlines()
        start, size, buf = 0, 0, []
        for i, line in enumerate(lines):
            buf.append(line)
            size += len(line) + 1
            if size >= TEXT_SECTION_CHARS and not line.strip():
                if "".join(buf).strip():
                    yield Unit("\n".join(buf).strip(), f"lines {start + 1}–{i + 1}")
                start, size, buf = i + 1, 0, []
        if "".join(buf).strip():
            yield Unit("\n".join(buf).strip(), f"lines {start + 1}–{len(lines)}")


class MarkdownReader:
    kind: Kind = "markdown"
    suffixes: tuple[str, ...] = (".md", ".markdown")

    def sniff(self, head: bytes) -> str | None:
        return _text_sniff(head)

    def units(self, path: Path, ocr: Callable[[], OcrEngine] | None) -> Iterator[Unit]:
        lines = decode(path.read_bytes()).splitlines()
        blocks: list[tuple[str | None, str]] = []
        fenced, skip = False, False
        for i, line in enumerate(lines):
            if skip:  # the underline of a setext heading
                skip = False
                continue
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            atx = None if fenced else _ATX.match(line)
            if atx:
                blocks.append((atx.group(2), ""))
            elif not fenced and line.strip() and _SETEXT.match(nxt):
                blocks.append((line.strip(), ""))
                skip = True
            else:
                blocks.append((None, line))
        yield from sections(blocks, path.stem)


class _Html(HTMLParser):
    """Text blocks of an HTML document, headings (h1–h6) marked; scripts and styles skipped."""

    BLOCK = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "tr",
            "td",
            "th",
            "pre",
            "blockquote",
            "section",
            "article",
            "table",
            "ul",
            "ol",
            "dd",
            "dt",
        ]
    )
    SKIP = frozenset(("script", "style", "head", "noscript", "svg"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str | None, str]] = []
        self.title = ""
        self._buf: list[str] = []
        self._skip = 0
        self._heading = False
        self._in_title = False

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        self._buf = []
        if text:
            self.blocks.append((text, "") if self._heading else (None, text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
            self._in_title = tag == "head" or self._in_title
        if tag == "title":
            self._in_title = True
        if re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._heading = True
        elif tag in self.BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        if tag == "title":
            self._in_title = False
        if re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._heading = False
        elif tag in self.BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title and not self.title:
            self.title = " ".join(data.split())
        if not self._skip:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_blocks(markup: str) -> tuple[str, list[tuple[str | None, str]]]:
    """(title, blocks) of an HTML document."""
    parser = _Html()
    parser.feed(markup)
    parser.close()
    return parser.title, parser.blocks


class HtmlReader:
    kind: Kind = "html"
    suffixes: tuple[str, ...] = (".html", ".htm", ".xhtml")

    def sniff(self, head: bytes) -> str | None:
        return _text_sniff(head)

    def units(self, path: Path, ocr: Callable[[], OcrEngine] | None) -> Iterator[Unit]:
        title, blocks = html_blocks(decode(path.read_bytes()))
        yield from sections(blocks, title or path.stem)


def _zip_sniff(head: bytes, what: str) -> str | None:
    return None if head.startswith(_ZIP) else f"not a {what} file (it is not a ZIP package)"


def _package(path: Path, what: str, load: Callable[[], _T]) -> _T:
    """``load()`` of a ZIP-based document, with a plain reason when the ZIP or its content is damaged."""
    try:
        zipfile.ZipFile(path).close()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(f"damaged {what} file ({exc})") from exc
    try:
        return load()
    except Exception as exc:
        raise ReadError(f"damaged {what} file ({type(exc).__name__}: {str(exc)[:200]})") from exc


class DocxReader:
    kind: Kind = "docx"
    suffixes: tuple[str, ...] = (".docx",)

    def sniff(self, head: bytes) -> str | None:
        return _zip_sniff(head, "Word (.docx)")

    def units(self, path: Path, ocr: Callable[[], OcrEngine] | None) -> Iterator[Unit]:
        import docx

        document = _package(path, "Word (.docx)", lambda: docx.Document(str(path)))
        blocks: list[tuple[str | None, str]] = []
        for para in document.paragraphs:
            style = (para.style.name if para.style is not None else "") or ""
            is_heading = style.startswith(("Heading", "Title"))
            blocks.append((para.text, "") if is_heading and para.text.strip() else (None, para.text))
        for table in document.tables:
            for row in table.rows:
                blocks.append((None, " | ".join(cell.text for cell in row.cells)))
        title = document.core_properties.title or path.stem
        yield from sections(blocks, title)


class EpubReader:
    kind: Kind = "epub"
    suffixes: tuple[str, ...] = (".epub",)

    def sniff(self, head: bytes) -> str | None:
        return _zip_sniff(head, "EPUB")

    def units(self, path: Path, ocr: Callable[[], OcrEngine] | None) -> Iterator[Unit]:
        import warnings

        import ebooklib
        from ebooklib import epub

        def read() -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return epub.read_epub(str(path), options={"ignore_ncx": True})

        book = _package(path, "EPUB", read)
        titles = book.get_metadata("DC", "title")
        first = str(titles[0][0]) if titles else path.stem
        for item_id, _linear in book.spine:
            item = book.get_item_with_id(item_id)
            if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
                continue
            title, blocks = html_blocks(decode(item.get_content()))
            units = list(sections(blocks, title or first))
            yield from units
            if units:
                first = units[-1].label


READERS: tuple[Reader, ...] = (TextReader(), MarkdownReader(), HtmlReader(), DocxReader(), EpubReader())
