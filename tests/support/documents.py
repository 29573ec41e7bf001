"""Real documents of every non-PDF kind for tests: text, Markdown, HTML, Word (python-docx) and EPUB
(ebooklib), each with the same known sections, plus broken files of each kind.

Every file holds :data:`SECTIONS`: (heading, body) pairs; a test asks for a body's fact and expects
the citation to name its heading.
"""

from __future__ import annotations

import html
from pathlib import Path

SECTIONS: tuple[tuple[str, str], ...] = (
    ("Installing the loom", "Unpack the frame and tighten the four brass wing nuts by hand."),
    ("Threading the warp", "The warp threads pass through the heddles from back to front."),
    ("Caring for the wool", "Wash woollen cloth in cold water and dry it flat, away from the sun."),
)


def text_file(path: Path) -> Path:
    path.write_text("\n\n".join(f"{h}\n{b}" for h, b in SECTIONS) + "\n", encoding="utf-8")
    return path


def markdown_file(path: Path) -> Path:
    parts = ["Intro paragraph before any heading."]
    for i, (h, b) in enumerate(SECTIONS):
        parts.append(f"{h}\n{'=' * len(h)}" if i == 0 else f"## {h}")
        parts.append(b)
    parts.append("```\n# not a heading inside code\n```")
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def html_file(path: Path) -> Path:
    body = "".join(f"<h2>{html.escape(h)}</h2><p>{html.escape(b)}</p>" for h, b in SECTIONS)
    path.write_text(
        "<!doctype html><html><head><title>Weaving notes</title><style>p{color:red}</style></head>"
        f"<body><script>var x = 'not text';</script>{body}</body></html>",
        encoding="utf-8",
    )
    return path


def docx_file(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Weaving notes", level=0)
    for h, b in SECTIONS:
        document.add_heading(h, level=1)
        document.add_paragraph(b)
    document.save(str(path))
    return path


def epub_file(path: Path) -> Path:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("hearth-test-weaving")
    book.set_title("Weaving notes")
    book.set_language("en")
    chapters = []
    for i, (h, b) in enumerate(SECTIONS):
        ch = epub.EpubHtml(title=h, file_name=f"ch{i}.xhtml", lang="en")
        ch.content = f"<html><body><h1>{html.escape(h)}</h1><p>{html.escape(b)}</p></body></html>"
        book.add_item(ch)
        chapters.append(ch)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = chapters
    epub.write_epub(str(path), book)
    return path


MAKERS = {
    "notes.txt": text_file,
    "notes.md": markdown_file,
    "notes.html": html_file,
    "notes.docx": docx_file,
    "notes.epub": epub_file,
}


def every_kind(folder: Path) -> list[Path]:
    """One file of each non-PDF kind in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [make(folder / name) for name, make in MAKERS.items()]


def bad_files(folder: Path) -> dict[str, str]:
    """Broken files of each kind; returns {name: a word the plain reason contains}."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (folder / "empty.md").write_bytes(b"")
    (folder / "fake.docx").write_text("not a zip at all", encoding="utf-8")
    (folder / "broken.epub").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    zip_without_docx = folder / "other.docx"
    import zipfile

    with zipfile.ZipFile(zip_without_docx, "w") as z:
        z.writestr("hello.txt", "a zip, but not a Word document")
    (folder / "blank.html").write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    return {
        "binary.txt": "binary",
        "empty.md": "empty",
        "fake.docx": "ZIP",
        "broken.epub": "damaged",
        "other.docx": "damaged",
        "blank.html": "no text",
    }
