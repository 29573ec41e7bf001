"""Shared fixtures for the docs tests: one real embedder per session, generated PDFs, a fresh index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.docs.embeddings import Embedder, get_embedder
from app.docs.index import DocIndex
from app.docs.ingest import FileResult, IngestProgress, ingest
from app.settings import DocsSettings
from tests.support import pdfs


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real bundled all-MiniLM-L6-v2, loaded once for the whole session."""
    return get_embedder()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """facts.pdf (known facts on known pages), multi.pdf (two columns), unicode.pdf."""
    folder = tmp_path_factory.mktemp("corpus")
    pdfs.fact_pdf(folder / "facts.pdf")
    pdfs.multicolumn_pdf(folder / "multi.pdf")
    pdfs.unicode_pdf(folder / "unicode.pdf")
    return folder


@pytest.fixture
def index(hearth_home: Path) -> Iterator[DocIndex]:
    idx = DocIndex()
    yield idx
    idx.close()


def run_ingest(*args: object, **kwargs: object) -> tuple[list[FileResult], list[IngestProgress]]:
    """Drive the ingest generator to the end; returns (results, progress events)."""
    events: list[IngestProgress] = []
    gen = ingest(*args, **kwargs)  # type: ignore[arg-type]
    while True:
        try:
            events.append(next(gen))
        except StopIteration as stop:
            return stop.value, events


@pytest.fixture
def settings() -> DocsSettings:
    return DocsSettings()
