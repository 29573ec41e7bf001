"""Real PDF files for tests and the docs benchmark, generated with fpdf2 (and pypdf for encryption).

Fact PDFs put known sentences on known pages (QA set in :data:`FACTS`); the bad-PDF corpus covers
encrypted, truncated, empty, not-a-PDF, image-only (scanned, read by OCR), blank-scan, broken-xref
and very long files; mixed (one scanned page) and page-labelled files.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

_FILLER = (
    "analysis method sample result value table figure section period region measure level process "
    "system design model review change increase decrease average total annual quarterly report project "
    "team plan goal budget cost schedule phase scope risk issue quality standard framework approach "
    "practice context evidence outcome factor trend pattern series group member committee meeting "
    "summary note detail item list record entry update version draft final general specific common"
)
FILLER_WORDS = _FILLER.split()


@dataclass(frozen=True)
class Fact:
    page: int  # 1-based
    sentence: str
    question: str
    answer: str


FACTS: tuple[Fact, ...] = (
    Fact(
        2,
        "The lighthouse keeper's cat is named Marmalade.",
        "What is the name of the lighthouse keeper's cat?",
        "Marmalade",
    ),
    Fact(
        3,
        "The Zephyr turbine produces 4.2 megawatts at full load.",
        "How much power does the Zephyr turbine produce?",
        "4.2 megawatts",
    ),
    Fact(
        5,
        "Professor Okonkwo discovered the blue orchid in the Kivu highlands in 1987.",
        "Who discovered the blue orchid?",
        "Okonkwo",
    ),
    Fact(
        6,
        "The secret ingredient of the harbour chowder is smoked paprika.",
        "What is the secret ingredient of the harbour chowder?",
        "smoked paprika",
    ),
    Fact(
        8,
        "Invoices from the Aldgate warehouse must be approved by the night supervisor.",
        "Who approves invoices from the Aldgate warehouse?",
        "night supervisor",
    ),
    Fact(
        9,
        "The glacier retreated 312 metres between the two surveys.",
        "How far did the glacier retreat between the surveys?",
        "312 metres",
    ),
)


def filler(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = [rng.choice(FILLER_WORDS) for _ in range(rng.randint(8, 16))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def _pdf(unicode_font: bool = False) -> tuple[FPDF, str]:
    pdf = FPDF()
    pdf.set_auto_page_break(auto=False)
    family = "Helvetica"
    if unicode_font and DEJAVU.exists():
        pdf.add_font("DejaVu", "", str(DEJAVU))
        family = "DejaVu"
    return pdf, family


def fact_pdf(
    path: Path, pages: int = 10, facts: tuple[Fact, ...] = FACTS, seed: int = 1, sentences: int = 12
) -> Path:
    """``pages`` pages of filler with each fact's sentence on its page."""
    rng = random.Random(seed)
    pdf, family = _pdf()
    by_page: dict[int, list[str]] = {}
    for f in facts:
        by_page.setdefault(f.page, []).append(f.sentence)
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font(family, size=10)
        parts = [filler(rng, sentences // 2), *by_page.get(n, []), filler(rng, sentences - sentences // 2)]
        pdf.multi_cell(0, 5, f"Page {n}. " + " ".join(parts))
    pdf.output(str(path))
    return path


def multicolumn_pdf(path: Path, seed: int = 2) -> Path:
    """Two-column layout; page 2's right column holds the fact about the copper bell."""
    rng = random.Random(seed)
    pdf, family = _pdf()
    for n in (1, 2):
        pdf.add_page()
        pdf.set_font(family, size=10)
        with pdf.text_columns(ncols=2, gutter=8) as cols:
            cols.write(filler(rng, 14) + " ")
            if n == 2:
                cols.write("The copper bell in the east tower was cast in Antwerp. ")
            cols.write(filler(rng, 14))
    pdf.output(str(path))
    return path


def unicode_pdf(path: Path) -> Path:
    """Accents, German, Greek and Cyrillic text (DejaVu font when available)."""
    pdf, family = _pdf(unicode_font=True)
    pdf.add_page()
    pdf.set_font(family, size=11)
    if family == "DejaVu":
        text = (
            "Der Bäcker in Zürich backt Brötchen für das Straßenfest. "
            "Ψυχή και λόγος. Привет, мир. Café naïve."
        )
    else:
        text = "Der Bäcker in Zürich backt Brötchen für das Straßenfest. Café naïve."
    pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def long_pdf(path: Path, pages: int = 1000) -> Path:
    """Many short pages (fast to generate and to index)."""
    pdf, family = _pdf()
    pdf.set_font(family, size=10)
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(0, 10, f"Page {n} of the long ledger, entry {n * 7}.")
    pdf.output(str(path))
    return path


def encrypted_pdf(
    path: Path,
    source: Path,
    password: str = "secret",
    user_password: str | None = None,
    algorithm: str = "RC4-128",
) -> Path:
    """``source`` encrypted; ``user_password=""`` makes one that opens without a password (as PDFs
    that only restrict printing or copying do); ``algorithm="AES-256"`` like current PDF writers."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(
        user_password=password if user_password is None else user_password,
        owner_password=password,
        algorithm=algorithm,
    )
    with path.open("wb") as fh:
        writer.write(fh)
    return path


SCANNED_LINES = ("The night ferry leaves the harbour at 23:40.", "Tickets are sold on board only.")


def scan_image(path: Path, lines: tuple[str, ...] = SCANNED_LINES) -> Path:
    """A white page image with ``lines`` of black print, like a scanned page (nothing but pixels)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(DEJAVU), 34) if DEJAVU.exists() else ImageFont.load_default(34)
    for i, line in enumerate(lines):
        draw.text((110, 160 + 70 * i), line, font=font, fill="black")
    img.save(path)
    return path


def image_only_pdf(path: Path, tmp: Path, lines: tuple[str, ...] = SCANNED_LINES) -> Path:
    """A page that is only a picture (a scan): no text layer; ``lines=()`` scans a blank page."""
    img = scan_image(tmp / f"{path.stem}-scan.png", lines)
    pdf, _ = _pdf()
    pdf.add_page()
    pdf.image(str(img), x=0, y=0, w=210, h=297)
    pdf.output(str(path))
    return path


def mixed_pdf(path: Path, tmp: Path) -> Path:
    """Three pages: text, a scanned page (:data:`SCANNED_LINES`), text."""
    img = scan_image(tmp / f"{path.stem}-scan.png")
    pdf, family = _pdf()
    for n in (1, 2, 3):
        pdf.add_page()
        if n == 2:
            pdf.image(str(img), x=0, y=0, w=210, h=297)
            continue
        pdf.set_font(family, size=11)
        pdf.multi_cell(0, 6, f"Page {n} has a text layer. " + filler(random.Random(n), 6))
    pdf.output(str(path))
    return path


def labelled_pdf(path: Path) -> Path:
    """Four pages with printed labels i, ii, then 1, 2 (``/PageLabels``); page 4 (label 2) names the kiln."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import PageLabelStyle

    plain = path.with_suffix(".plain.pdf")
    texts = ["Preface.", "Contents.", "Chapter one.", "The pottery kiln is fired on Thursdays."]
    pdf, family = _pdf()
    for t in texts:
        pdf.add_page()
        pdf.set_font(family, size=11)
        pdf.multi_cell(0, 6, t + " " + filler(random.Random(len(t)), 4))
    pdf.output(str(plain))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.set_page_label(0, 1, style=PageLabelStyle.LOWERCASE_ROMAN)
    writer.set_page_label(2, 3, style=PageLabelStyle.DECIMAL)
    with path.open("wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


def truncated_pdf(path: Path, source: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def broken_xref_pdf(path: Path, source: Path) -> Path:
    """``source`` with a wrong startxref offset (pypdf recovers by scanning)."""
    data = source.read_bytes()
    data = re.sub(rb"startxref\s+\d+", b"startxref\n999999", data)
    path.write_bytes(data)
    return path


def bad_corpus(folder: Path) -> dict[str, str]:
    """Write the bad-PDF corpus into ``folder``; returns {file name: expected status}."""
    folder.mkdir(parents=True, exist_ok=True)
    good = fact_pdf(folder / "good.pdf", pages=3, facts=FACTS[:1])
    encrypted_pdf(folder / "locked.pdf", good)
    encrypted_pdf(folder / "open-encrypted.pdf", good, user_password="")
    encrypted_pdf(folder / "open-aes.pdf", good, user_password="", algorithm="AES-256")
    encrypted_pdf(folder / "locked-aes.pdf", good, algorithm="AES-256")
    truncated_pdf(folder / "truncated.pdf", good)
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notes.pdf").write_text("These are plain text notes, not a PDF.\n", encoding="utf-8")
    image_only_pdf(folder / "scan.pdf", folder.parent)
    image_only_pdf(folder / "blank-scan.pdf", folder.parent, lines=())
    broken_xref_pdf(folder / "broken-xref.pdf", good)
    return {
        "good.pdf": "indexed",
        "locked.pdf": "failed",
        "open-encrypted.pdf": "indexed",
        "open-aes.pdf": "indexed",
        "locked-aes.pdf": "failed",
        "truncated.pdf": "failed",
        "empty.pdf": "failed",
        "notes.pdf": "failed",
        "scan.pdf": "indexed",  # by OCR
        "blank-scan.pdf": "failed",
        "broken-xref.pdf": "indexed",
    }
