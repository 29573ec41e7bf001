"""A seeded sample of ``bench fuzz``: hostile GGUF headers and PDFs through the app's readers end in
plain errors (or are read), never a crash or a hang."""

from __future__ import annotations

from pathlib import Path

from bench import fuzz as bench_fuzz
from tests.support import fuzz


def test_hostile_gguf_headers_give_plain_errors(tmp_path: Path) -> None:
    cases = fuzz.gguf_cases(tmp_path / "seeds", seed=8, per_kind=40)
    outcomes = bench_fuzz.run_gguf(cases, tmp_path / "cases")
    assert len(outcomes) == 4 * 40 * 2  # four kinds, two seed models
    assert [o for o in outcomes if o.outcome not in ("ok", "error")] == []
    assert all(o.message for o in outcomes)
    kinds = {"truncated", "bit flip", "huge count", "wrong type"}
    assert {o.kind for o in outcomes if o.outcome == "error"} == kinds


def test_hostile_pdfs_give_plain_errors(tmp_path: Path) -> None:
    cases = list(fuzz.pdf_cases(tmp_path / "seeds", seed=8, per_kind=2))
    outcomes = bench_fuzz.run_pdf(cases, tmp_path / "cases", page_s=3.0, file_s=6.0)
    assert len(outcomes) == 14 and len({o.kind for o in outcomes}) == 7
    assert [o for o in outcomes if o.outcome not in ("ok", "error")] == []
    assert all(o.message for o in outcomes)


def test_a_huge_layer_count_is_refused_not_planned(tmp_path: Path) -> None:
    from app.models import gguf
    from tests.support import gguf_write

    path = gguf_write.tiny_llama(tmp_path / "m.gguf", extra={"llama.block_count": 2**32 - 1})
    case = fuzz.Case("wrong type", "block_count", path.read_bytes())
    (outcome,) = bench_fuzz.run_gguf([case], tmp_path / "c")
    assert outcome.outcome == "error" and "impossible llama.block_count" in outcome.message
    assert gguf.LIMITS["block_count"] < 2**32 - 1
