"""Hybrid retrieval and prompt building: answers on page N retrieve page N; budgets; citations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.docs import rag
from app.docs.embeddings import Embedder
from app.docs.index import DocIndex
from app.errors import HearthError
from app.settings import DocsSettings
from tests.app.docs.conftest import run_ingest
from tests.support import documents, pdfs


@pytest.fixture
def loaded(corpus: Path, index: DocIndex, embedder: Embedder) -> DocIndex:
    run_ingest([corpus], index=index, embedder=embedder)
    return index


@pytest.mark.parametrize("fact", pdfs.FACTS, ids=lambda f: f"page{f.page}")
def test_question_retrieves_its_page(fact: pdfs.Fact, loaded: DocIndex, embedder: Embedder) -> None:
    hits = rag.search(fact.question, "default", 5, index=loaded, embedder=embedder)
    top = hits[0].chunk
    assert (Path(top.path).name, top.page) == ("facts.pdf", fact.page)
    assert fact.answer in top.text.replace("\n", " ")
    assert hits[0].similarity is not None and hits[0].bm25 is not None
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_multicolumn_fact(loaded: DocIndex, embedder: Embedder) -> None:
    hits = rag.search("Where was the copper bell cast?", "default", 3, index=loaded, embedder=embedder)
    assert (Path(hits[0].chunk.path).name, hits[0].chunk.page) == ("multi.pdf", 2)


def test_chunks_mode_cites_pages(loaded: DocIndex, embedder: Embedder) -> None:
    fact = pdfs.FACTS[1]
    prompt = rag.build_prompt(
        fact.question, "default", 700, embedder.count_tokens, index=loaded, embedder=embedder
    )
    assert prompt.mode == "chunks"
    assert prompt.context_tokens_used <= 700
    first = prompt.sources[0]
    assert (first["n"], first["file"], first["page"]) == (1, "facts.pdf", fact.page)
    assert prompt.context_text.startswith(f"[1] facts.pdf, page {fact.page}:")
    assert prompt.user_message.startswith("Sources:\n\n[1] facts.pdf")
    assert prompt.user_message.endswith(f"Question: {fact.question}")
    assert len(prompt.sources) <= DocsSettings().max_passages
    json.dumps(prompt.sources)  # JSON-able for the chat history


def test_whole_library_when_it_fits(loaded: DocIndex, embedder: Embedder) -> None:
    prompt = rag.build_prompt(
        "What is this about?", "default", 20000, embedder.count_tokens, index=loaded, embedder=embedder
    )
    assert prompt.mode == "all"
    pages = {(s["file"], s["page"]) for s in prompt.sources}
    assert {("facts.pdf", n) for n in range(1, 11)} <= pages
    assert ("unicode.pdf", 1) in pages


def test_summary_uses_whole_document(tmp_path: Path, loaded: DocIndex, embedder: Embedder) -> None:
    big = pdfs.fact_pdf(tmp_path / "big.pdf", pages=12, facts=(), seed=11, sentences=30)
    run_ingest([big], index=loaded, embedder=embedder)
    prompt = rag.build_prompt(
        "Summarize the facts document",
        "default",
        3500,
        embedder.count_tokens,
        index=loaded,
        embedder=embedder,
    )
    assert prompt.mode == "document"
    assert [s["page"] for s in prompt.sources] == list(range(1, 11))
    assert {s["file"] for s in prompt.sources} == {"facts.pdf"}


def test_unknown_library(index: DocIndex, embedder: Embedder) -> None:
    with pytest.raises(HearthError, match="no library named"):
        rag.build_prompt("anything", "nope", 1000, index=index, embedder=embedder)


def test_keyword_only_match(loaded: DocIndex) -> None:
    rows = loaded.keyword_search("default", "Okonkwo orchid", 5)
    (row,) = loaded.chunk_rows(rowids=[rows[0][0]])
    assert row.page == 5


def test_every_kind_is_cited_by_heading(tmp_path: Path, index: DocIndex, embedder: Embedder) -> None:
    results, _ = run_ingest(documents.every_kind(tmp_path / "docs"), "kinds", index=index, embedder=embedder)
    assert {r.status for r in results} == {"indexed"}
    for suffix in (".md", ".html", ".docx", ".epub"):
        hits = rag.search("How should woollen cloth be washed?", "kinds", 10, index=index, embedder=embedder)
        (hit,) = [h for h in hits if h.chunk.path.endswith(suffix)][:1]
        assert hit.chunk.label == "Caring for the wool", suffix
    prompt = rag.build_prompt(
        "How are the warp threads passed?", "kinds", 2000, index=index, embedder=embedder
    )
    md = next(s for s in prompt.sources if s["kind"] == "markdown")
    assert md["location"] == md["label"] and md["label"] in prompt.context_text


def test_sources_carry_printed_page_labels(tmp_path: Path, index: DocIndex, embedder: Embedder) -> None:
    book = pdfs.labelled_pdf(tmp_path / "book.pdf")
    other = pdfs.fact_pdf(
        tmp_path / "other.pdf", pages=8, facts=(), sentences=30
    )  # the library is too big to send whole
    run_ingest([book, other], "book", index=index, embedder=embedder)
    prompt = rag.build_prompt("When is the kiln fired?", "book", 600, index=index, embedder=embedder)
    assert prompt.mode == "chunks"
    first = prompt.sources[0]
    assert (first["page"], first["label"], first["location"]) == (4, "2", "p. 2 (page 4)")
    assert "[1] book.pdf, p. 2 (page 4):" in prompt.context_text


def test_a_follow_up_is_searched_with_the_previous_question(loaded: DocIndex, embedder: Embedder) -> None:
    bare = rag.search("And who approves them?", "default", 1, index=loaded, embedder=embedder)
    follow = rag.search(
        "And who approves them?",
        "default",
        1,
        index=loaded,
        embedder=embedder,
        context="Tell me about the invoices from the Aldgate warehouse.",
    )
    assert follow[0].chunk.page == 8 and "night supervisor" in follow[0].chunk.text
    assert bare[0].chunk.page != 8 or bare[0].score < follow[0].score


@pytest.mark.parametrize("mode", ["dense", "keyword"])
def test_one_retriever_alone(mode: rag.Mode, tmp_path: Path, index: DocIndex, embedder: Embedder) -> None:
    run_ingest([documents.markdown_file(tmp_path / "notes.md")], "md", index=index, embedder=embedder)
    question = "How should woollen cloth be washed?" if mode == "dense" else "woollen cloth wash"
    (hit,) = rag.search(question, "md", 1, index=index, embedder=embedder, mode=mode)
    assert hit.chunk.label == "Caring for the wool"
    assert (hit.similarity is None) == (mode == "keyword") and (hit.bm25 is None) == (mode == "dense")
