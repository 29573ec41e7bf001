"""``python main.py bench docs``: our document pipeline against a LangChain reference, and its quality.

Speed (same run, same real PDFs, same MiniLM folder, both in float32; rounds interleaved ours /
reference / ours-int8, median and min–max reported, as this machine is shared):
- ``ingest_ratio``: our ``ingest`` end to end (read in a worker process, chunk, embed, chroma + manifest)
  over LangChain PyPDFLoader + RecursiveCharacterTextSplitter(500, 50) + HuggingFaceEmbeddings +
  FAISS.from_documents (in memory: less work than ours). Chunks and embedded word pieces per side.
- ``ingest_ratio_int8``: ours with the opt-in int8 embedder (a fast path, not the headline), with its
  fidelity (``int8_cosine_min``/``_mean`` to float32) and held-out recall.
- ``ocr_pages_per_s``: scanned pages read by OCR in the worker. ``readd_unchanged_s``: an indexed
  100-page PDF added again. ``watch_start_s``: a watched folder of 500 unchanged files starting in a
  fresh process (``watch_start_imports_torch`` says whether it had to load the embedder).
- ``latency_random_vectors_*``: a latency test only: ``rag.search`` on 100,000 synthetic chunks with
  random unit vectors (no clustering, unlike real embeddings), distinct query vectors per query.
Quality (:mod:`bench.docs_eval`, Debian documentation PDFs): ``heldout_*`` recall@1, recall@5 and MRR
per configuration (dense, keyword, hybrid RRF, shipped), ``tune_*`` on the half used for tuning,
``followup_*`` for follow-up questions searched alone vs with the previous question, and
``citation_flag_rate``: the share of the starter model's cited answer sentences that the citation
check flags, with ``citation_flag_rate_wrong_passage`` checking the same sentences against another
question's passage (a check worth having flags those). ``eval_rare_word_overlaps``: the questions
that share a word found on at most 3 evaluation pages with their gold page (paraphrases should not).
First token on a real-size model: ``grounded_ttft_s_large``, median over held-out questions on the
synthetic 0.8B model (``tests/support/synthetic_model.py``) with passages cut to the first-token
budget from the engine's measured prompt speed, next to ``heldout_recall_sent_large``: the share of
those questions whose gold page is among the passages actually sent.
Environment: ``HEARTH_BENCH_ROUNDS`` (3), ``HEARTH_BENCH_CHUNKS`` (100000), ``HEARTH_BENCH_TTFT_QUESTIONS``
(12; 0 skips), ``HEARTH_BENCH_TUNE=1`` adds the tuning grid (chunk size x keyword weight) on the tuning half.
``section_s``: how long each part of the benchmark took (also printed on stderr as it goes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from bench import docs_eval
from bench.report import emit


def _drain(gen: Any) -> Any:
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


def _ours(files: list[Path], root: Path, embedder: Any, settings: Any = None) -> tuple[float, Any, Any]:
    from app.docs.index import DocIndex
    from app.docs.ingest import ingest

    index = DocIndex(root=root)
    start = time.perf_counter()
    results = _drain(ingest(files, docs_eval.LIBRARY, index=index, embedder=embedder, settings=settings))
    return time.perf_counter() - start, results, index


def _reference(files: list[Path], model_dir: Path, tokenizer: Any) -> tuple[float, int, int, int]:
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
        elapsed = time.perf_counter() - start
    enc = tokenizer([c.page_content for c in chunks], add_special_tokens=True, verbose=False)["input_ids"]
    tokens = sum(min(len(ids), 256) for ids in enc)  # what the model read (it truncates at 256)
    return elapsed, len(docs), len(chunks), tokens


def _our_tokens(index: Any) -> tuple[int, int]:
    with index._lock:
        n, tokens = index.db.execute("SELECT COUNT(*), SUM(n_tokens) FROM chunks").fetchone()
    return int(n), int(tokens) + 2 * int(n)  # + [CLS] and [SEP]


def _ingest_speed(files: list[Path], root: Path, rounds: int, results: dict[str, Any]) -> dict[str, Any]:
    from app.docs.embeddings import Embedder

    fp32, int8 = Embedder(precision="float32"), Embedder(precision="int8")
    for e in (fp32, int8):
        e.embed(["warm up"] * 64)
    ratio, ratio8, ours_pps, ref_pps = [], [], [], []
    indexes: dict[str, Any] = {}
    for r in range(rounds):  # interleaved: ours, reference, ours-int8, ...
        t, res, idx = _ours(files, root / f"ours{r}", fp32)
        pages = sum(x.pages for x in res)
        tr, ref_pages, ref_chunks, ref_tokens = _reference(files, fp32.path, fp32.tokenizer)
        t8, _, idx8 = _ours(files, root / f"int8-{r}", int8)
        ours_pps.append(pages / t)
        ref_pps.append(ref_pages / tr)
        ratio.append((pages / t) / (ref_pages / tr))
        ratio8.append((pages / t8) / (ref_pages / tr))
        indexes = {"float32": idx, "int8": idx8}
    chunks, tokens = _our_tokens(indexes["float32"])
    results.update(
        pages=pages,
        pages_per_s=docs_eval.spread(ours_pps),
        reference_pages_per_s=docs_eval.spread(ref_pps),
        ingest_ratio=docs_eval.spread(ratio),
        ingest_chunks=chunks,
        ingest_tokens=tokens,
        reference_chunks=ref_chunks,
        reference_tokens=ref_tokens,
        ingest_ratio_int8=docs_eval.spread(ratio8),
    )
    texts = [row[0] for row in indexes["float32"].db.execute("SELECT text FROM chunks")]
    cos = (fp32.embed(texts) * int8.embed(texts)).sum(axis=1)
    results["int8_cosine_min"] = round(float(cos.min()), 4)
    results["int8_cosine_mean"] = round(float(cos.mean()), 4)
    return {"float32": (indexes["float32"], fp32), "int8": (indexes["int8"], int8)}


def _retrieval(built: dict[str, Any], results: dict[str, Any]) -> None:
    from app.docs import rag
    from app.settings import DocsSettings

    index, emb = built["float32"]
    tune, held = docs_eval.halves()
    with index._lock:
        pages = index.db.execute(
            "SELECT d.path, p.page, p.text FROM pages p JOIN documents d ON d.doc_id=p.doc_id"
        ).fetchall()
    results["eval_rare_word_overlaps"] = docs_eval.rare_overlaps([(Path(f).name, p, t) for f, p, t in pages])

    def ranker(mode: rag.Mode, idx: Any = index, e: Any = emb, **kw: Any) -> Any:
        return lambda q, ctx: docs_eval.ranked_pages(
            rag.search(q, docs_eval.LIBRARY, 30, index=idx, embedder=e, mode=mode, context=ctx, **kw)
        )

    plain = DocsSettings(keyword_weight=1.0)  # equal-weight reciprocal rank fusion
    configs = {
        "dense": ranker("dense"),
        "keyword": ranker("keyword"),
        "hybrid": ranker("hybrid", settings=plain),
        "shipped": ranker("hybrid"),  # the app's own settings
    }
    for name, rank in configs.items():
        for half, qs in (("tune", tune), ("heldout", held)):
            for metric, value in docs_eval.score(qs, rank).items():
                results[f"{half}_{metric}_{name}"] = value
    index8, emb8 = built["int8"]
    for metric, value in docs_eval.score(held, ranker("hybrid", index8, emb8)).items():
        results[f"heldout_{metric}_int8"] = value
    pairs = docs_eval.EVAL["follow_ups"]
    shipped = configs["shipped"]
    for metric, value in docs_eval.score(pairs, lambda q, ctx: shipped(q, ""), key="follow_up").items():
        results[f"followup_{metric}_alone"] = value
    for metric, value in docs_eval.score(pairs, shipped, key="follow_up", context="first").items():
        results[f"followup_{metric}_with_context"] = value


def _tuning_grid(files: list[Path], root: Path, emb: Any, results: dict[str, Any]) -> None:
    from app.docs import rag
    from app.settings import DocsSettings

    tune, _ = docs_eval.halves()
    grid = {}
    for size in (96, 128, 192):
        _, _, idx = _ours(
            files, root / f"tune{size}", emb, DocsSettings(chunk_tokens=size, chunk_overlap=size // 8)
        )
        for kw in (0.5, 1.0, 2.0):
            s = DocsSettings(chunk_tokens=size, keyword_weight=kw)
            rank = lambda q, ctx, s=s, idx=idx: docs_eval.ranked_pages(  # noqa: E731
                rag.search(q, docs_eval.LIBRARY, 30, index=idx, embedder=emb, settings=s)
            )
            grid[f"{size}/{kw}"] = docs_eval.score(tune, rank)
    results["tune_grid_chunk_tokens/keyword_weight"] = grid


def _citation_check(built: dict[str, Any], results: dict[str, Any]) -> None:
    """Flag rate of the citation check on the starter model's answers to the held-out questions."""
    from app.assistant.grounding import ground
    from app.cancel import CancelToken
    from app.chat.engine import LocalEngine
    from app.chat.types import ChatMessage, Token
    from app.docs import citations
    from app.models import bundled
    from app.settings import LoadParams, SamplingParams

    index, _ = built["float32"]
    engine = LocalEngine()
    engine.load(bundled.starter_model_path(), LoadParams(n_ctx=2048))
    flagged = wrong = total = 0
    _, held = docs_eval.halves()
    grounded = []
    for q in held:
        g = ground(
            [ChatMessage("user", q["q"])], [docs_eval.LIBRARY], 2048, 64, engine.count_tokens, index=index
        )
        grounded.append(g)
        params = SamplingParams(temperature=0.0, max_tokens=64)
        answer = "".join(
            e.text for e in engine.stream(g.messages, params, CancelToken()) if isinstance(e, Token)
        )
        # an uncited sentence is checked against passage [1], as if it cited it (the 135M model rarely cites)
        cited = " ".join(s if citations.cited_numbers(s) else f"{s} [1]" for s in citations.sentences(answer))
        claims = citations.check_claims(cited, g.sources)
        total += len(claims)
        flagged += sum(not c.supported for c in claims)
        other = grounded[-2].sources if len(grounded) > 1 else grounded[0].sources
        wrong += sum(
            not c.supported
            for c in citations.check_claims(cited, [dict(s, text=other[0]["text"]) for s in g.sources[:1]])
        )
    engine.unload()
    results["citation_claims"] = total
    results["citation_flag_rate"] = round(flagged / max(1, total), 3)
    results["citation_flag_rate_wrong_passage"] = round(wrong / max(1, total), 3)


def _ttft_large(built: dict[str, Any], questions: int, results: dict[str, Any]) -> None:
    """First token of a grounded answer on the synthetic 0.8B model, passages cut to the time budget.

    The prompt-reading speed fed to grounding is the one the engine measured on a first grounded
    prompt (as the app feeds it); the KV of the system prompt is then reused by every question.
    """
    from app.assistant.grounding import ground
    from app.cancel import CancelToken
    from app.chat.engine import LocalEngine
    from app.chat.types import ChatMessage, Stats, Token
    from app.settings import DocsSettings, LoadParams, SamplingParams
    from tests.support import synthetic_model

    index, _ = built["float32"]
    engine = LocalEngine()
    engine.load(synthetic_model.build("large"), LoadParams(n_ctx=4096))
    docs = DocsSettings()
    params = SamplingParams(temperature=0.0, max_tokens=1)
    system = ChatMessage("system", "You are a helpful assistant.")
    speed: float | None = None
    ttfts, sent_tokens, found = [], [], 0
    _, held = docs_eval.halves()
    for i, q in enumerate([held[0], *held[:questions]]):  # the first run only measures the speed
        g = ground([system, ChatMessage("user", q["q"])], [docs_eval.LIBRARY], 4096, 256, engine.count_tokens,
                   docs, prompt_tokens_per_s=speed, index=index)  # fmt: skip
        start, first = time.perf_counter(), None
        for event in engine.stream(g.messages, params, CancelToken()):
            if isinstance(event, Token) and first is None:
                first = time.perf_counter() - start
            if isinstance(event, Stats) and event.prompt_tokens_per_s:
                speed = event.prompt_tokens_per_s if speed is None else speed
        if i == 0:
            continue
        ttfts.append(first if first is not None else time.perf_counter() - start)
        sent_tokens.append(g.passage_tokens)
        gold = {(q["file"], p) for p in q["pages"]}
        found += any((s["file"], s["page"]) in gold for s in g.sources)
    engine.unload()
    results["grounded_ttft_s_large"] = docs_eval.spread(ttfts)
    results["grounded_prompt_tokens_per_s_large"] = round(speed or 0.0, 1)
    results["grounded_passage_tokens_large"] = docs_eval.spread(sent_tokens)
    results["grounded_questions_large"] = len(ttfts)
    results["heldout_recall_sent_large"] = round(found / max(1, len(ttfts)), 3)


def _ocr_speed(root: Path, results: dict[str, Any]) -> None:
    from pypdf import PdfReader, PdfWriter

    from app.docs.extract import Extractor
    from tests.support import pdfs

    one = pdfs.image_only_pdf(root / "scan1.pdf", root)
    writer = PdfWriter()
    for _ in range(4):
        writer.append(PdfReader(one))
    scan = root / "scan4.pdf"
    with scan.open("wb") as fh:
        writer.write(fh)
    with Extractor(unit_timeout=300) as reader:
        reader.read(one)  # start the worker and load the OCR models first
        t = time.perf_counter()
        text = reader.read(scan)
        results["ocr_pages_per_s"] = round(text.ocr_units / (time.perf_counter() - t), 3)


_WATCH = """
import sys, time
t = time.perf_counter()
from app.docs.index import DocIndex
from app.docs.watch import watch
events = list(watch(sys.argv[1], "w", index=DocIndex(), once=True))
print(time.perf_counter() - t, len(events), "torch" in sys.modules)
"""


def _watch_start(root: Path, results: dict[str, Any]) -> None:
    from app.docs.index import DocIndex
    from app.docs.ingest import ingest

    folder = root / "watched"
    folder.mkdir()
    for i in range(500):
        (folder / f"note{i:03d}.txt").write_text(
            f"Note {i}: the shelf {i % 17} holds box {i}.\n", encoding="utf-8"
        )
    home = root / "watch-home"
    env = dict(os.environ, HEARTH_HOME=str(home))
    old = os.environ.get("HEARTH_HOME")
    os.environ["HEARTH_HOME"] = str(home)
    try:
        _drain(ingest([folder], "w", index=DocIndex()))
    finally:
        os.environ.pop("HEARTH_HOME") if old is None else os.environ.__setitem__("HEARTH_HOME", old)
    root_dir = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", _WATCH, str(folder)],
        cwd=root_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    results["watch_start_s"] = round(float(out[0]), 3)
    results["watch_start_events"] = int(out[1])
    results["watch_start_imports_torch"] = out[2] == "True"


def _readd(root: Path, emb: Any, results: dict[str, Any]) -> None:
    from tests.support import pdfs

    long_pdf = pdfs.fact_pdf(root / "hundred.pdf", pages=100, facts=(), seed=3, sentences=20)
    _ours([long_pdf], root / "readd", emb)
    t, _, _ = _ours([long_pdf], root / "readd", emb)
    results["readd_unchanged_s"] = round(t, 3)


def _latency(root: Path, n: int, emb: Any, results: dict[str, Any]) -> None:
    import numpy as np

    from app.docs import rag
    from app.docs.chunking import Chunk
    from app.docs.index import DocIndex
    from app.docs.readers import Unit
    from tests.support.pdfs import FILLER_WORDS

    index = DocIndex(root=root / "big")
    index.ensure_library("big", emb.name, emb.dim)
    rng = random.Random(7)
    vocab = FILLER_WORDS + [f"term{i}" for i in range(20000)]
    weights = [1.0 / (i + 1) for i in range(len(vocab))]  # Zipf-like word frequencies
    nrng = np.random.default_rng(7)
    per_page, doc_size = 100, 20000
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
    qrng = random.Random(11)
    sample = FILLER_WORDS + [f"term{i}" for i in range(0, 20000, 37)]
    queries = [q["q"] for q in docs_eval.EVAL["questions"][:8]] + [
        "What does the " + " ".join(qrng.sample(sample, 4)) + " say?" for _ in range(24)
    ]
    vectors = [emb.embed_query(q) for q in queries]  # one distinct vector per query

    def p50(fn: Any, items: list[Any]) -> float:
        times = []
        for item in items:
            t = time.perf_counter()
            fn(item)
            times.append((time.perf_counter() - t) * 1000)
        return round(statistics.median(times), 2)

    results["latency_random_vectors_chunks"] = n
    results["latency_random_vectors_query_p50_ms"] = p50(
        lambda q: rag.search(q, "big", 6, index=index), queries
    )
    results["latency_random_vectors_vector_p50_ms"] = p50(
        lambda v: index.vector_search("big", v, 24), vectors
    )
    results["latency_random_vectors_keyword_p50_ms"] = p50(
        lambda q: index.keyword_search("big", q, 24), queries
    )
    results["embed_query_p50_ms"] = p50(emb.embed_query, queries)


def _cpu_flags() -> str:
    try:
        flags = next(
            line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")
        )
    except (OSError, StopIteration):
        return "unknown"
    have = set(flags.split(":", 1)[1].split())
    return " ".join(
        f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16", "avx512_vnni", "avx_vnni") if f in have
    )


def main(args: argparse.Namespace) -> int:
    rounds = int(os.environ.get("HEARTH_BENCH_ROUNDS", "3"))
    n_chunks = int(os.environ.get("HEARTH_BENCH_CHUNKS", "100000"))
    ttft_questions = int(os.environ.get("HEARTH_BENCH_TTFT_QUESTIONS", "12"))
    import chromadb  # noqa: F401  imported before timing, as the reference's libraries are

    results: dict[str, Any] = {"cpu_flags": _cpu_flags()}
    took: dict[str, float] = {}

    def step(name: str, fn: Any, *a: Any) -> Any:
        """Run one part, noting how long it took (on stderr as it goes, and in ``section_s``)."""
        t = time.perf_counter()
        out = fn(*a)
        took[name] = round(time.perf_counter() - t, 1)
        print(f"bench docs: {name} took {took[name]} s", file=sys.stderr, flush=True)
        return out

    with tempfile.TemporaryDirectory(prefix="hearth-bench-docs-") as tmp:
        root = Path(tmp)
        files = docs_eval.documents(root / "eval")
        built = step("ingest", _ingest_speed, files, root, rounds, results)
        step("retrieval", _retrieval, built, results)
        if os.environ.get("HEARTH_BENCH_TUNE") == "1":
            step("tuning_grid", _tuning_grid, files, root, built["float32"][1], results)
        step("citation_check", _citation_check, built, results)
        if ttft_questions:
            step("ttft_large", _ttft_large, built, ttft_questions, results)
        step("ocr", _ocr_speed, root, results)
        step("readd", _readd, root, built["float32"][1], results)
        step("watch_start", _watch_start, root, results)
        if n_chunks:
            step("latency", _latency, root, n_chunks, built["float32"][1], results)
    results["section_s"] = took
    if args.json:
        print(json.dumps(results))
    else:
        emit(results, False)
    return 0
