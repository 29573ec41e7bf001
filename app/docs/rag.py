"""Retrieval-augmented prompts: hybrid search (vectors + BM25, fused) and a context budget.

``search`` fuses chroma's nearest chunks with FTS5 BM25 matches by reciprocal rank fusion.
``build_prompt`` turns a question into numbered passages [1], [2]... that fit ``context_tokens``
(counted with the chat model's tokenizer): the whole library when it fits, the whole best document
when the question asks for a summary and that document fits, else the best chunks in fused order.
Every passage number maps to a JSON-able source (file, page, excerpt, score) for citations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from app.docs.embeddings import Embedder, get_embedder
from app.docs.index import ChunkRow, DocIndex, DocRecord, shared_index
from app.docs.readers import location
from app.errors import HearthError
from app.i18n import tr
from app.settings import DocsSettings

RRF_K = 60
CONTEXT_WEIGHT = 1.0  # weight of the conversation-aware query of a follow-up, against the bare question
INSTRUCTIONS = (
    "Answer the user's question using the numbered sources below, taken from their documents. "
    "Cite the sources you use inline with their numbers in square brackets, like [1] or [2][3]. "
    "If the sources do not contain the answer, say that you could not find it in the documents."
)
_SUMMARY = re.compile(
    r"\b(summar\w*|overview|outline|main points|key points|gist|tl;?dr|whole document)\b", re.I
)


@dataclass
class Hit:
    chunk: ChunkRow
    score: float  # fused (reciprocal rank) score, higher is better
    similarity: float | None = None  # cosine similarity of the vector match
    bm25: float | None = None


@dataclass
class RagPrompt:
    """What the chat engine needs: the instructions, the user turn carrying the passages, their sources.

    The passages go with the question in the last user turn, not into the system message, so the
    system prompt and the earlier turns stay the same from one question to the next and the engine
    can reuse their KV cache.
    """

    question: str
    context_text: str  # "[1] file.pdf, page 3:\n..." blocks; "" when nothing was found
    # n, file, path, page (unit), label, kind, location ("p. xii (page 14)"), excerpt, text, score
    sources: list[dict[str, Any]] = field(default_factory=list)
    mode: str = "chunks"  # all | document | chunks | empty
    context_tokens_used: int = 0

    @property
    def user_message(self) -> str:
        """The question with its numbered sources before it."""
        if not self.context_text:
            return f"(No passages of the documents matched this question.)\n\nQuestion: {self.question}"
        return f"Sources:\n\n{self.context_text}\n\nQuestion: {self.question}"


def _libraries(library: str | Sequence[str]) -> list[str]:
    return [library] if isinstance(library, str) else list(dict.fromkeys(library))


def _check(index: DocIndex, libraries: Sequence[str], embedder: Embedder) -> None:
    for lib in libraries:
        info = index.library_model(lib)
        if info is None:
            raise HearthError(
                tr(
                    "There is no library named '{library}'. "
                    "Add PDFs first: hearth docs add PATH --library {library}"
                ).format(library=lib)
            )
        if info != (embedder.name, embedder.dim):
            raise HearthError(
                tr(
                    "Library '{library}' was indexed with the embedding model {old}; "
                    "add its PDFs again to re-index them with {new}."
                ).format(library=lib, old=info[0], new=embedder.name)
            )


Mode = Literal["hybrid", "dense", "keyword"]


def search(
    query: str,
    library: str | Sequence[str],
    k: int | None = None,
    *,
    index: DocIndex | None = None,
    settings: DocsSettings | None = None,
    embedder: Embedder | None = None,
    context: str = "",
    mode: Mode = "hybrid",
) -> list[Hit]:
    """The ``k`` best chunks for ``query`` across ``library`` (one name or several), best first.

    ``context``: the conversation before a follow-up question ("and on Linux?"); its query
    ``context + query`` is searched too and fused with the bare question's, at :data:`CONTEXT_WEIGHT`.
    ``mode``: both retrievers fused (the app), or one alone (the benchmark's baselines).
    """
    settings = settings or DocsSettings()
    index = index or shared_index(settings.chroma_url)
    embedder = embedder or get_embedder(settings.embedding_model)
    libraries = _libraries(library)
    _check(index, libraries, embedder)
    k = max(1, k or settings.top_k)
    pool = max(4 * k, 20)
    queries = [(query, 1.0)]
    if context.strip():
        queries.append((f"{context.strip()} {query}", CONTEXT_WEIGHT))
    fused: dict[tuple[str, int], Hit] = {}

    def add(row: ChunkRow, rank: int, weight: float) -> Hit:
        hit = fused.setdefault((row.doc_id, row.idx), Hit(row, 0.0))
        hit.score += weight / (RRF_K + rank + 1)
        return hit

    for text, weight in queries:
        qv = embedder.embed_query(text) if mode != "keyword" else None
        for lib in libraries:
            if qv is not None:
                vec = index.vector_search(lib, qv, pool)
                rows = {(r.doc_id, r.idx): r for r in index.chunk_rows(keys=[(d, i) for d, i, _ in vec])}
                for rank, (doc_id, idx, sim) in enumerate(vec):
                    row = rows.get((doc_id, idx))
                    if row is not None:  # else: a document not complete (crash, indexing now)
                        add(row, rank, weight).similarity = sim
            if mode != "dense":
                kw = index.keyword_search(lib, text, pool)
                by_id = {r.rowid: r for r in index.chunk_rows(rowids=[rid for rid, _ in kw])}
                for rank, (rid, score) in enumerate(kw):
                    if rid in by_id:
                        add(by_id[rid], rank, weight * settings.keyword_weight).bm25 = score
    return sorted(fused.values(), key=lambda h: h.score, reverse=True)[:k]


def _passage(n: int, path: str, where: str, text: str) -> str:
    return f"[{n}] {Path(path).name}, {where}:\n{text}"


def _source(n: int, row: ChunkRow, score: float) -> dict[str, Any]:
    text = row.text
    excerpt = text if len(text) <= 300 else text[:297].rstrip() + "..."
    return {
        "n": n,
        "file": Path(row.path).name,
        "path": row.path,
        "page": row.page,
        "label": row.label,
        "kind": row.kind,
        "location": location(row.kind, row.page, row.label),
        "excerpt": excerpt,
        "text": text,
        "score": round(float(score), 6),
    }


def _whole(
    docs: Sequence[DocRecord],
    index: DocIndex,
    budget: int,
    count: Callable[[str], int],
    best: dict[tuple[str, int], float],
) -> tuple[list[str], list[dict[str, Any]], int] | None:
    """Every unit of the given documents as passages, or None if they do not fit."""
    blocks: list[str] = []
    sources: list[dict[str, Any]] = []
    used = 0
    for doc in docs:
        for page, text, n_tokens, label in index.pages(doc.doc_id):
            if not text.strip():
                continue
            row = ChunkRow(0, doc.doc_id, -1, page, text, n_tokens, doc.path, label, doc.kind)
            block = _passage(len(blocks) + 1, doc.path, location(doc.kind, page, label, for_model=True), text)
            used += count(block) + 2
            if used > budget:
                return None
            sources.append(_source(len(blocks) + 1, row, best.get((doc.doc_id, page), 0.0)))
            blocks.append(block)
    return blocks, sources, used


def build_prompt(
    question: str,
    library: str | Sequence[str],
    context_tokens: int,
    count_tokens: Callable[[str], int] | None = None,
    *,
    index: DocIndex | None = None,
    settings: DocsSettings | None = None,
    embedder: Embedder | None = None,
    top_k: int | None = None,
    context: str = "",
) -> RagPrompt:
    """Numbered passages for ``question`` from ``library`` fitting ``context_tokens`` chat tokens.

    Chunks go best first, at most ``top_k`` (default ``settings.max_passages``) of them; the whole
    library (or, for a summary, the whole best document) instead when it fits. ``context``: the
    conversation before a follow-up question (see :func:`search`).
    """
    settings = settings or DocsSettings()
    index = index or shared_index(settings.chroma_url)
    embedder = embedder or get_embedder(settings.embedding_model)
    count = count_tokens or (lambda s: len(s) // 3 + 1)
    budget = max(0, context_tokens - count(INSTRUCTIONS) - 16)
    libraries = _libraries(library)
    k = max(1, top_k or settings.max_passages)
    hits = search(
        question,
        libraries,
        max(4 * k, 24),
        index=index,
        settings=settings,
        embedder=embedder,
        context=context,
    )
    best: dict[tuple[str, int], float] = {}
    for h in hits:
        key = (h.chunk.doc_id, h.chunk.page)
        best[key] = max(best.get(key, 0.0), h.score)
    docs = [d for lib in libraries for d in index.documents(lib) if d.status == "complete"]
    if docs and sum(d.tokens for d in docs) <= budget * 2:
        whole = _whole(docs, index, budget, count, best)
        if whole is not None:
            return RagPrompt(question, "\n\n".join(whole[0]), whole[1], "all", whole[2])
    if hits and _SUMMARY.search(question):
        named = [d for d in docs if Path(d.path).stem.lower() in question.lower()]
        top = named[0] if named else index.document(hits[0].chunk.doc_id)
        whole = _whole([top], index, budget, count, best) if top is not None else None
        if whole is not None:
            return RagPrompt(question, "\n\n".join(whole[0]), whole[1], "document", whole[2])
    blocks: list[str] = []
    sources: list[dict[str, Any]] = []
    used = 0
    for h in hits:  # the best chunks that fit, best first
        if len(blocks) >= k:
            break
        row = h.chunk
        where = location(row.kind, row.page, row.label, for_model=True)
        block = _passage(len(blocks) + 1, row.path, where, row.text)
        cost = count(block) + 2
        if used + cost > budget:
            continue
        used += cost
        sources.append(_source(len(blocks) + 1, row, h.score))
        blocks.append(block)
    return RagPrompt(question, "\n\n".join(blocks), sources, "chunks" if blocks else "empty", used)
