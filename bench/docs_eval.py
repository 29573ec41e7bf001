"""The retrieval evaluation of ``bench docs``: real Debian documentation PDFs, paraphrased questions.

:data:`EVAL` (``bench/data/docs_eval.json``) lists the documents (found where their Debian packages
put them), 48 questions with their gold pages and 10 follow-up pairs. Questions with an even index
are the tuning half (chunking and fusion were chosen on them), odd ones the held-out half that is
reported. Recall counts pages: the ranked chunks are turned into ranked (file, page) pairs.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.errors import HearthError

EVAL = json.loads((Path(__file__).parent / "data" / "docs_eval.json").read_text(encoding="utf-8"))
LIBRARY = "eval"


def documents(folder: Path) -> list[Path]:
    """The evaluation PDFs copied (and un-gzipped) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    out, missing = [], []
    for name, info in EVAL["documents"].items():
        src = Path(info["path"])
        if not src.exists():
            missing.append(info["debian_package"])
            continue
        dst = folder / name
        if src.suffix == ".gz":
            with gzip.open(src, "rb") as fin, dst.open("wb") as fout:
                shutil.copyfileobj(fin, fout)
        else:
            shutil.copyfile(src, dst)
        out.append(dst)
    if missing:
        raise HearthError(
            f"bench docs needs these Debian packages' PDFs: apt-get install {' '.join(missing)}"
        )
    return out


def halves() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    qs = EVAL["questions"]
    return qs[0::2], qs[1::2]


Ranker = Callable[[str, str], Sequence[tuple[str, int]]]  # (question, context) -> ranked (file, page)


def ranked_pages(hits: Sequence[Any]) -> list[tuple[str, int]]:
    seen: dict[tuple[str, int], None] = {}
    for h in hits:
        seen.setdefault((Path(h.chunk.path).name, h.chunk.page), None)
    return list(seen)


def score(
    questions: Sequence[dict[str, Any]], rank: Ranker, key: str = "q", context: str = ""
) -> dict[str, float]:
    """recall@1, recall@5 and MRR (over the first 10 pages) of ``rank`` on ``questions``."""
    r1 = r5 = rr = 0.0
    for q in questions:
        gold = {(q["file"], p) for p in q["pages"]}
        pages = list(rank(q[key], q.get(context, "") if context else ""))[:10]
        first = next((i for i, p in enumerate(pages) if p in gold), None)
        r1 += first == 0
        r5 += first is not None and first < 5
        rr += 1.0 / (first + 1) if first is not None else 0.0
    n = max(1, len(questions))
    return {"recall_at_1": round(r1 / n, 3), "recall_at_5": round(r5 / n, 3), "mrr": round(rr / n, 3)}


_WORD = re.compile(r"[a-z][a-z0-9_]+")
# what a question may share with its answer: function words, and the names of the documents' subjects
_ALLOWED = frozenset(
    _WORD.findall(
        "the a an of to in is and or for with what which how does do can be by on that this it its as are"
        " from when into after before must should per one two also used use using make"
        " bzip2 libbzip2 fontconfig shared mime spec specification"
    )
)


def rare_overlaps(pages: Sequence[tuple[str, int, str]], rare_pages: int = 3) -> list[dict[str, Any]]:
    """Questions sharing a word with their gold page that is on at most ``rare_pages`` pages of all.

    ``pages``: (file, page, text) of every evaluation page. A genuine paraphrase shares no rare word
    with its answer; what this lists are the words to look at (often common ones, or the thing asked
    about, such as a language's name).
    """
    words = {(f, p): set(_WORD.findall(t.lower())) for f, p, t in pages}
    df: dict[str, int] = {}
    for ws in words.values():
        for w in ws:
            df[w] = df.get(w, 0) + 1
    out = []
    for i, q in enumerate(EVAL["questions"]):
        gold = set().union(*(words.get((q["file"], p), set()) for p in q["pages"]))
        asked = set(_WORD.findall(q["q"].lower())) - _ALLOWED
        shared = sorted(w for w in asked & gold if df[w] <= rare_pages)
        if shared:
            out.append({"question": i, "words": shared})
    return out


def spread(values: Sequence[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }
