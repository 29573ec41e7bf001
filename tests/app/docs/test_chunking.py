"""Token-aware chunking: size limits in the embedder's word pieces, overlap, page provenance."""

from __future__ import annotations

import itertools
import random

from app.docs.chunking import chunk_pages, clean_page
from app.docs.embeddings import Embedder
from tests.support.pdfs import filler


def test_chunks_respect_token_limit_and_pages(embedder: Embedder) -> None:
    rng = random.Random(3)
    pages = [filler(rng, 60), "Short page.", "", filler(rng, 5)]
    chunks = chunk_pages(pages, embedder.tokenizer, size=64, overlap=16)
    assert {c.page for c in chunks} == {1, 2, 4}
    for c in chunks:
        assert embedder.count_tokens(c.text) <= 64
        assert c.text in pages[c.page - 1]  # never spans pages, never invents text
    assert [c.index for c in chunks] == list(range(len(chunks)))
    page1 = [c for c in chunks if c.page == 1]
    assert len(page1) > 3
    for a, b in itertools.pairwise(page1):  # consecutive windows overlap
        tail = a.text.split()[-3:]
        assert " ".join(tail) in b.text or b.text.split()[0] in a.text


def test_whole_page_covered(embedder: Embedder) -> None:
    text = clean_page(filler(random.Random(5), 40))
    chunks = chunk_pages([text], embedder.tokenizer, size=50, overlap=10)
    words = set(text.split())
    covered = set(" ".join(c.text for c in chunks).split())
    assert words <= covered


def test_max_size_fits_model(embedder: Embedder) -> None:
    text = filler(random.Random(7), 200)
    for c in chunk_pages([text], embedder.tokenizer, size=embedder.max_tokens, overlap=32):
        assert c.n_tokens <= embedder.max_tokens
        assert embedder.count_tokens(c.text) <= embedder.max_tokens


def test_clean_page() -> None:
    assert clean_page("  hyphen-\nated  word\x00s \n next ") == "hyphenated words\nnext"
