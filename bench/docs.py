"""``python main.py bench docs``: our PDF ingestion and retrieval against a LangChain reference.

Same run, same generated PDFs, same MiniLM model folder:
- ``pages_per_s``: our ``ingest`` end to end (parse in a worker process, chunk, embed, chroma + manifest).
- ``reference_pages_per_s``: LangChain PyPDFLoader + RecursiveCharacterTextSplitter(500, 50) +
  HuggingFaceEmbeddings (sentence-transformers, same model) + FAISS.from_documents.
  Rounds alternate ours/reference and the best round of each counts (this machine is shared).
  The embedder runs in bfloat16 where the CPU has bfloat16 hardware; ``pages_per_s_float32`` is
  one more round of ours in float32, as on a CPU without it.
- ``readd_unchanged_s``: adding an already indexed 100-page PDF again.
- ``query_p50_ms_100k``: ``rag.search`` (query embedding + chroma HNSW + FTS5 BM25 + fusion) on a
  library of 100,000 chunks (random unit vectors and synthetic text inserted through our index API);
  ``vector_p50_ms_100k`` / ``keyword_p50_ms_100k`` split it.
- ``recall_at_5``: share of the tests' QA questions whose page is in the top 5.
Environment: ``HEARTH_BENCH_PAGES`` (default 120) pages to ingest, ``HEARTH_BENCH_ROUNDS`` (2),
``HEARTH_BENCH_CHUNKS`` (100000) synthetic chunks.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from bench.report import emit


def _make_pdfs(folder: Path, pages: int) -> list[Path]:
    from tests.support import pdfs

    files = []
    per_file = 20
    for i in range(max(1, pages // per_file)):
        files.append(
            pdfs.fact_pdf(folder / f"bench{i:02d}.pdf", pages=per_file, facts=(), seed=100 + i, sentences=30)
        )
    return files


def _ours(files: list[Path], root: Path, embedder: Any = None) -> tuple[float, int]:
    from app.docs.index import DocIndex
    from app.docs.ingest import ingest

    index = DocIndex(root=root)
    start = time.perf_counter()
    gen = ingest(files, "bench", index=index, embedder=embedder)
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        results = stop.value
    elapsed = time.perf_counter() - start
    index.close()
    return elapsed, sum(r.pages for r in results)


def _reference(files: list[Path], model_dir: Path) -> tuple[float, int]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # LangChain's own deprecation notices, not ours
        from langchain_community.document_loaders import PyPDFLoader
        from langchain_community.embeddings import HuggingFaceEmbeddings
        from langchain_community.vectorstores import FAISS
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        embeddings = HuggingFaceEmbeddings(model_name=str(model_dir), model_kwargs={"device": "cpu"})
        embeddings.embed_documents(["warm up"])
        start = time.perf_counter()
        docs = []
        for f in files:
            docs += PyPDFLoader(str(f)).load()
        chunks = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50).split_documents(docs)
        FAISS.from_documents(chunks, embeddings)
        return time.perf_counter() - start, len(docs)


def _synthetic_library(root: Path, n: int) -> Any:
    import numpy as np

    from app.docs.chunking import Chunk
    from app.docs.embeddings import get_embedder
    from app.docs.index import DocIndex
    from app.docs.readers import Unit
    from tests.support.pdfs import FILLER_WORDS

    emb = get_embedder()
    index = DocIndex(root=root)
    index.ensure_library("big", emb.name, emb.dim)
    rng = random.Random(7)
    vocab = FILLER_WORDS + [f"term{i}" for i in range(20000)]
    weights = [1.0 / (i + 1) for i in range(len(vocab))]  # Zipf-like word frequencies
    per_page = 100
    nrng = np.random.default_rng(7)
    doc_size = 20000
    for d in range(0, n, doc_size):
        m = min(doc_size, n - d)
        chunks = [
            Chunk(" ".join(rng.choices(vocab, weights, k=60)), page=1 + i // per_page, index=i, n_tokens=60)
            for i in range(m)
        ]
        pages = [Unit(" ".join(c.text for c in chunks[p : p + per_page])) for p in range(0, m, per_page)]
        vecs = nrng.standard_normal((m, emb.dim)).astype("float32")
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        doc_id = index.begin("big", f"/synthetic/doc{d // doc_size}.pdf", f"sha{d}")
        index.add_vectors("big", doc_id, chunks, vecs)
        index.complete(doc_id, pages, chunks, [60 * per_page] * len(pages))
    return index


def _p50(fn: Any, queries: list[str]) -> float:
    times = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _recall(root: Path) -> float:
    from app.docs import rag
    from app.docs.index import DocIndex
    from app.docs.ingest import ingest
    from tests.support import pdfs

    folder = root / "qa"
    folder.mkdir()
    pdfs.fact_pdf(folder / "facts.pdf")
    pdfs.multicolumn_pdf(folder / "multi.pdf")
    pdfs.unicode_pdf(folder / "unicode.pdf")
    index = DocIndex(root=root / "qa-index")
    for _ in ingest([folder], "qa", index=index):
        pass
    found = 0
    for fact in pdfs.FACTS:
        hits = rag.search(fact.question, "qa", 5, index=index)
        found += any(Path(h.chunk.path).name == "facts.pdf" and h.chunk.page == fact.page for h in hits)
    return found / len(pdfs.FACTS)


def main(args: argparse.Namespace) -> int:
    from app.docs import rag
    from app.docs.embeddings import get_embedder
    from tests.support import pdfs

    pages = int(os.environ.get("HEARTH_BENCH_PAGES", "120"))
    rounds = int(os.environ.get("HEARTH_BENCH_ROUNDS", "2"))
    n_chunks = int(os.environ.get("HEARTH_BENCH_CHUNKS", "100000"))
    emb = get_embedder()
    emb.embed(["warm up"] * 64)
    import chromadb  # noqa: F401  imported before timing, as the reference's libraries are

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hearth-bench-docs-") as tmp:
        root = Path(tmp)
        files = _make_pdfs(root, pages)
        ours, ref = [], []
        for r in range(rounds):
            t, n = _ours(files, root / f"ours{r}")
            ours.append(n / t)
            t, n = _reference(files, emb.path)
            ref.append(n / t)
        results["pages"] = pages
        results["pages_per_s"] = round(max(ours), 2)
        results["reference_pages_per_s"] = round(max(ref), 2)
        results["ingest_ratio"] = round(max(ours) / max(ref), 2)
        results["embedding_precision"] = emb.precision
        if emb.precision != "float32":  # what a CPU without bfloat16 hardware would see
            from app.docs.embeddings import Embedder

            fp32 = Embedder(precision="float32")
            fp32.embed(["warm up"] * 64)
            t, n = _ours(files, root / "ours-fp32", fp32)
            results["pages_per_s_float32"] = round(n / t, 2)
            results["ingest_ratio_float32"] = round(n / t / max(ref), 2)

        long_pdf = pdfs.fact_pdf(root / "hundred.pdf", pages=100, facts=(), seed=3, sentences=20)
        from app.docs.index import DocIndex
        from app.docs.ingest import ingest

        index = DocIndex(root=root / "readd")
        for _ in ingest([long_pdf], "r", index=index):
            pass
        t = time.perf_counter()
        for _ in ingest([long_pdf], "r", index=index):
            pass
        results["readd_unchanged_s"] = round(time.perf_counter() - t, 3)

        results["recall_at_5"] = _recall(root)

        big = _synthetic_library(root / "big", n_chunks)
        qrng = random.Random(11)
        from tests.support.pdfs import FILLER_WORDS

        vocab = FILLER_WORDS + [f"term{i}" for i in range(0, 20000, 37)]
        queries = [f.question for f in pdfs.FACTS] + [
            "What does the " + " ".join(qrng.sample(vocab, 4)) + " say?" for _ in range(24)
        ]
        results["chunks"] = n_chunks
        results["query_p50_ms_100k"] = round(_p50(lambda q: rag.search(q, "big", 6, index=big), queries), 2)
        qv = emb.embed_query(queries[0])
        results["vector_p50_ms_100k"] = round(_p50(lambda q: big.vector_search("big", qv, 24), queries), 2)
        results["keyword_p50_ms_100k"] = round(_p50(lambda q: big.keyword_search("big", q, 24), queries), 2)
        results["embed_query_p50_ms"] = round(_p50(emb.embed_query, queries), 2)
    emit(results, args.json)
    return 0
