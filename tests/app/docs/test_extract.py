"""Reading in the worker process: real generated PDFs, the bad-PDF corpus, OCR, time budgets."""

from __future__ import annotations

import time
from pathlib import Path

from app.docs.extract import DocText, Extractor
from app.docs.readers import sniff
from tests.support import pdfs


def test_pages_in_order_with_facts(corpus: Path) -> None:
    with Extractor() as reader:
        text = reader.read(corpus / "facts.pdf")
    assert text.error is None
    assert len(text.units) == 10
    for fact in pdfs.FACTS:
        assert fact.answer in text.units[fact.page - 1].text.replace("\n", " ")
        assert all(fact.answer not in p for i, p in enumerate(u.text for u in text.units) if i != fact.page - 1)


def test_multicolumn_and_unicode(corpus: Path) -> None:
    with Extractor() as reader:
        multi = reader.read(corpus / "multi.pdf")
        uni = reader.read(corpus / "unicode.pdf")
    assert "copper bell" in multi.units[1].text.replace("\n", " ")
    assert "Bäcker in Zürich" in uni.units[0].text
    assert "Straßenfest" in uni.units[0].text


def test_bad_corpus_statuses(tmp_path: Path) -> None:
    expected = pdfs.bad_corpus(tmp_path / "bad")
    with Extractor(unit_timeout=60) as reader:
        got = {name: reader.read(tmp_path / "bad" / name) for name in expected}
    for name, status in expected.items():
        assert (got[name].error is None) == (status == "indexed"), (name, got[name].error)
    assert "password" in (got["locked.pdf"].error or "")
    assert "password" in (got["locked-aes.pdf"].error or "")
    assert len(got["open-aes.pdf"].units) == 3
    assert "scanned" in (got["scan.pdf"].error or "")
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
