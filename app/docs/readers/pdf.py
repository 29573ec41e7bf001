"""PDF pages with pypdf: text per page, printed page labels, OCR for pages without a text layer.

Runs inside the extraction worker (:mod:`app.docs.extract`), which bounds its time. A page whose text
layer is empty is rendered (pypdfium2) and read by the OCR engine when one is given, so a scanned
file, or the scanned pages of a mixed one, still get page-accurate citations.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from app.docs.readers import Kind, OcrEngine, ReadError, Unit

PDF_MAGIC = b"%PDF-"
OCR_SCALE = 2.0  # render at 144 dpi: small print stays legible to the recogniser
MIN_TEXT_CHARS = 16  # less than this on a page (a page number) counts as no text layer

PASSWORD = "password protected (cannot open without its password)"


def page_labels(reader: Any) -> list[str]:
    """The printed label of each page when the PDF defines ``/PageLabels``, else empty strings."""
    try:
        if "/PageLabels" not in reader.trailer["/Root"]:
            return [""] * len(reader.pages)
        return [str(label) for label in reader.page_labels]
    except Exception:  # a malformed label tree must not lose the text
        return [""] * len(reader.pages)


def _render(path: Path, index: int) -> Any:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return doc[index].render(scale=OCR_SCALE).to_pil().convert("RGB")
    finally:
        doc.close()


class PdfReader:
    kind: Kind = "pdf"
    suffixes: tuple[str, ...] = (".pdf",)

    def sniff(self, head: bytes) -> str | None:
        if PDF_MAGIC not in head[:1024]:
            return "not a PDF (the file does not start with a PDF header)"
        return None

    def units(self, path: Path, ocr: Callable[[], OcrEngine] | None) -> Iterator[Unit]:
        from pypdf import PdfReader as _Pdf
        from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

        logging.getLogger("pypdf").setLevel(logging.ERROR)
        warnings.simplefilter("ignore")
        try:
            reader = _Pdf(path, strict=False)
            if reader.is_encrypted:
                ok: object = 0
                with contextlib.suppress(Exception):
                    ok = reader.decrypt("")
                if not ok:
                    raise ReadError(PASSWORD)
            pages = reader.pages
            if len(pages) == 0:
                raise ReadError("the PDF has no pages")
            labels = page_labels(reader)
            for i, page in enumerate(pages):
                try:
                    text = page.extract_text() or ""
                except (FileNotDecryptedError, PdfReadError):
                    raise
                except Exception:
                    text = ""  # one unreadable page should not lose the rest of the file
                if len(text.strip()) < MIN_TEXT_CHARS and ocr is not None and _has_images(page):
                    scanned = ocr().read(_render(path, i))
                    if scanned.strip():
                        yield Unit(scanned, labels[i], ocr=True)
                        continue
                yield Unit(text, labels[i])
        except ReadError:
            raise
        except FileNotDecryptedError as exc:
            raise ReadError(PASSWORD) from exc
        except DependencyError as exc:
            raise ReadError("encrypted with AES: reading it needs the 'cryptography' package") from exc
        except Exception as exc:
            raise ReadError(f"damaged PDF ({type(exc).__name__}: {str(exc)[:200]})") from exc


def _has_images(page: Any) -> bool:
    try:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        return any(x.get_object().get("/Subtype") in ("/Image", "/Form") for x in xobjects.values())
    except Exception:
        return True  # unsure: let the recogniser look
