"""Reading in the worker process: real generated PDFs, the bad-PDF corpus, OCR, time budgets."""

from __future__ import annotations

import time
from pathlib import Path

from app.docs.extract import DocText, Extractor
from app.docs.readers import sniff
from tests.support import documents, pdfs


def test_pages_in_order_with_facts(corpus: Path) -> None:
    with Extractor() as reader:
        text = reader.read(corpus / "facts.pdf")
    assert text.error is None
    assert len(text.units) == 10
    for fact in pdfs.FACTS:
        assert fact.answer in text.units[fact.page - 1].text.replace("\n", " ")
        assert all(
            fact.answer not in p for i, p in enumerate(u.text for u in text.units) if i != fact.page - 1
        )


def test_multicolumn_and_unicode(corpus: Path) -> None:
    with Extractor() as reader:
        multi = reader.read(corpus / "multi.pdf")
        uni = reader.read(corpus / "unicode.pdf")
    assert "copper bell" in multi.units[1].text.replace("\n", " ")
    assert "Bäcker in Zürich" in uni.units[0].text
    assert "Straßenfest" in uni.units[0].text


def test_bad_corpus_statuses(tmp_path: Path) -> None:
    expected = pdfs.bad_corpus(tmp_path / "bad")
    with Extractor(unit_timeout=240) as reader:
        got = {name: reader.read(tmp_path / "bad" / name) for name in expected}
    for name, status in expected.items():
        assert (got[name].error is None) == (status == "indexed"), (name, got[name].error)
    assert "password" in (got["locked.pdf"].error or "")
    assert "password" in (got["locked-aes.pdf"].error or "")
    assert len(got["open-aes.pdf"].units) == 3
    assert got["scan.pdf"].ocr_units == 1 and "night ferry" in got["scan.pdf"].units[0].text
    assert "scanned" in (got["blank-scan.pdf"].error or "")
    assert "not a PDF" in (got["notes.pdf"].error or "")
    assert "empty" in (got["empty.pdf"].error or "")
    assert "damaged" in (got["truncated.pdf"].error or "")
    assert len(got["open-encrypted.pdf"].units) == 3


def test_sniff_missing_file(tmp_path: Path) -> None:
    assert "cannot read" in (sniff(tmp_path / "nope.pdf") or "")


def test_slow_file_times_out_and_next_file_still_reads(corpus: Path) -> None:
    with Extractor(unit_timeout=0.5, delay=2.0) as slow:
        start = time.monotonic()
        text = slow.read(corpus / "facts.pdf")
        assert time.monotonic() - start < 10
    assert text.error is not None and "too long" in text.error
    assert text.units == []
    with Extractor() as reader:  # a fresh worker reads normally
        assert reader.read(corpus / "unicode.pdf").error is None


def test_worker_recovers_after_abandoned_file(corpus: Path) -> None:
    with Extractor() as reader:
        partial = DocText(path=corpus / "facts.pdf")
        it = reader.iter_units(corpus / "facts.pdf", partial)
        next(it)
        it.close()  # abandoned mid-file: its remaining pages must not leak into the next file
        uni = reader.read(corpus / "unicode.pdf")
    assert len(uni.units) == 1 and "Zürich" in uni.units[0].text


def test_thousand_page_file_reads(tmp_path: Path) -> None:
    path = pdfs.long_pdf(tmp_path / "long.pdf", pages=1000)
    with Extractor() as reader:
        text = reader.read(path)
    assert text.error is None
    assert len(text.units) == 1000
    assert "Page 1000 of the long ledger" in text.units[-1].text


def test_mixed_file_reads_only_its_scanned_page_by_ocr(tmp_path: Path) -> None:
    with Extractor() as reader:
        text = reader.read(pdfs.mixed_pdf(tmp_path / "mixed.pdf", tmp_path))  # OCR on a busy machine
    assert text.error is None and [u.ocr for u in text.units] == [False, True, False]
    assert "night ferry leaves the harbour at 23:40" in text.units[1].text
    assert "Page 3 has a text layer" in text.units[2].text


def test_ocr_off_leaves_a_scan_unread(tmp_path: Path) -> None:
    with Extractor(ocr=False) as reader:
        text = reader.read(pdfs.image_only_pdf(tmp_path / "scan.pdf", tmp_path))
    assert "scanned" in (text.error or "")


def test_page_labels(tmp_path: Path) -> None:
    with Extractor() as reader:
        text = reader.read(pdfs.labelled_pdf(tmp_path / "book.pdf"))
    assert [u.label for u in text.units] == ["i", "ii", "1", "2"]
    with Extractor() as reader:  # a PDF without /PageLabels has no labels, not "1", "2"...
        assert {u.label for u in reader.read(pdfs.fact_pdf(tmp_path / "plain.pdf", pages=2)).units} == {""}


def test_every_kind_is_read_as_sections_named_by_their_headings(tmp_path: Path) -> None:
    files = documents.every_kind(tmp_path / "docs")
    with Extractor() as reader:
        got = {f.suffix: reader.read(f) for f in files}
    for suffix, text in got.items():
        assert text.error is None, (suffix, text.error)
        for heading, body in documents.SECTIONS:
            (unit,) = [u for u in text.units if body in " ".join(u.text.split())]
            if suffix != ".txt":  # plain text has no headings: its sections are line ranges
                assert unit.label == heading, (suffix, unit.label)
    assert got[".txt"].units[0].label.startswith("lines 1")
    assert "not text" not in " ".join(u.text for u in got[".html"].units)  # scripts are not text
    assert "# not a heading" in " ".join(u.text for u in got[".md"].units)  # fenced code stays code
    assert {t.kind for t in got.values()} == {"text", "markdown", "html", "docx", "epub"}


def test_bad_files_of_every_kind_get_a_plain_reason(tmp_path: Path) -> None:
    expected = documents.bad_files(tmp_path / "bad")
    (tmp_path / "bad" / "song.mp3").write_bytes(b"ID3")
    with Extractor() as reader:
        for name, word in {**expected, "song.mp3": "not a supported"}.items():
            text = reader.read(tmp_path / "bad" / name)
            assert text.units == [] and word in (text.error or ""), (name, text.error)
