"""``python main.py bench fuzz``: hostile files through the app's own readers; goal 0 crashes, 0 hangs.

* GGUF (``tests/support/fuzz.py``: truncated at every field boundary, bit flips, huge counts and
  lengths, wrong types): each file goes through the load check (:func:`app.models.preflight.check_file`:
  the bounded header parser, split parts) and, when it passes, the memory plan the Models page
  shows (:func:`app.models.fit.plan_file`). Budget: 2 s per file.
* PDF (truncated, broken xref, bad streams, deep nesting, huge or looping page trees, encrypted,
  bit flips): each file goes through the ingestion worker (:class:`app.docs.extract.Extractor`,
  with a 5 s page and 10 s file budget here) and the page cleaning chunks are cut from.

Every case must end as ``ok`` or a plain ``error`` (a :class:`HearthError`, or the worker's plain
reason, a timeout included): any other exception, or a worker that dies, is a ``crash``; a case
still running past its budget (plus a grace for the worker's restart) is a ``hang``. The report
counts outcomes per mutation kind and names the slowest case.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.report import emit

GGUF_BUDGET_S = 2.0
PDF_PAGE_S, PDF_FILE_S = 5.0, 10.0
GRACE_S = 15.0  # the worker is killed at the budget and a fresh one started


@dataclass
class Outcome:
    kind: str
    label: str
    outcome: str  # ok | error | crash | hang
    seconds: float
    message: str = ""


def _gguf_one(path: Path) -> str:
    from app.models import fit, preflight

    info = preflight.check_file(path)
    report = fit.plan_file(path, 4096, None, fit.Machine(8 * fit.GiB, 16 * fit.GiB), info=info)
    return report.summary


def run_gguf(cases: Iterable[Any], folder: Path, budget_s: float = GGUF_BUDGET_S) -> list[Outcome]:
    """Each case through the load check and the fit plan, on a thread watched for ``budget_s``."""
    from app.errors import HearthError

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, case in enumerate(cases):
        path = folder / f"case-{i}.gguf"
        path.write_bytes(case.data)
        box: dict[str, Any] = {}

        def work(p: Path = path, result: dict[str, Any] = box) -> None:
            try:
                result["ok"] = _gguf_one(p)
            except HearthError as exc:
                result["error"] = str(exc)
            except BaseException as exc:  # the finding: anything but a plain error
                result["crash"] = f"{type(exc).__name__}: {exc}"

        t0 = time.perf_counter()
        t = threading.Thread(target=work, daemon=True, name="fuzz-gguf")
        t.start()
        t.join(budget_s * 5)
        seconds = time.perf_counter() - t0
        if t.is_alive() or seconds > budget_s:
            out.append(Outcome(case.kind, case.label, "hang", seconds, "still running"))
            continue
        outcome, message = next(iter(box.items()))
        out.append(Outcome(case.kind, case.label, outcome, seconds, str(message)[:300]))
        path.unlink()
    return out


def run_pdf(
    cases: Iterable[Any], folder: Path, page_s: float = PDF_PAGE_S, file_s: float = PDF_FILE_S
) -> list[Outcome]:
    """Each case through the ingestion worker with its time budget, then page cleaning."""
    from app.docs import extract
    from app.docs.chunking import clean_page

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    with extract.Extractor(unit_timeout=page_s, file_timeout=file_s) as reader:
        for i, case in enumerate(cases):
            path = folder / f"case-{i}.pdf"
            path.write_bytes(case.data)
            t0 = time.perf_counter()
            try:
                text = reader.read(path)
                for unit in text.units:
                    clean_page(unit.text)
            except Exception as exc:
                out.append(Outcome(case.kind, case.label, "crash", time.perf_counter() - t0, repr(exc)[:300]))
                continue
            seconds = time.perf_counter() - t0
            if seconds > file_s + GRACE_S:
                outcome, message = "hang", f"returned after {seconds:.1f} s"
            elif text.error == extract.WORKER_DIED:
                outcome, message = "crash", text.error
            elif text.error:
                outcome, message = "error", text.error
            else:
                outcome, message = "ok", f"{len(text.units)} pages"
            out.append(Outcome(case.kind, case.label, outcome, seconds, message))
            path.unlink()
    return out


def summarize(prefix: str, outcomes: list[Outcome]) -> dict[str, Any]:
    by_kind: dict[str, dict[str, int]] = {}
    for o in outcomes:
        counts = by_kind.setdefault(o.kind, {"ok": 0, "error": 0, "crash": 0, "hang": 0})
        counts[o.outcome] += 1
    slowest = max(outcomes, key=lambda o: o.seconds)
    what = f"{slowest.kind}: {slowest.label} ({slowest.outcome}: {slowest.message[:120]})"
    bad = [o for o in outcomes if o.outcome in ("crash", "hang")]
    return {
        f"{prefix}_cases": len(outcomes),
        f"{prefix}_crashes": sum(o.outcome == "crash" for o in outcomes),
        f"{prefix}_hangs": sum(o.outcome == "hang" for o in outcomes),
        f"{prefix}_plain_errors": sum(o.outcome == "error" for o in outcomes),
        f"{prefix}_by_kind": by_kind,
        f"{prefix}_slowest_s": round(slowest.seconds, 3),
        f"{prefix}_slowest_case": what,
        f"{prefix}_findings": [f"{o.kind}: {o.label}: {o.outcome}: {o.message}" for o in bad[:20]],
    }


def main(args: Any) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.support import fuzz

    saved = os.environ.get("HEARTH_HOME")
    with tempfile.TemporaryDirectory(prefix="hearth-fuzz-") as tmp:
        scratch = Path(tmp)
        os.environ["HEARTH_HOME"] = str(scratch / "home")
        try:
            t0 = time.perf_counter()
            gguf = run_gguf(list(fuzz.gguf_cases(scratch / "gguf-seeds")), scratch / "gguf")
            pdf = run_pdf(list(fuzz.pdf_cases(scratch / "pdf-seeds")), scratch / "pdf")
            results = summarize("gguf", gguf) | summarize("pdf", pdf)
            results["pdf_timeouts"] = sum("took too long" in o.message for o in pdf)
            results["seconds"] = round(time.perf_counter() - t0, 1)
        finally:
            if saved is None:
                os.environ.pop("HEARTH_HOME", None)
            else:
                os.environ["HEARTH_HOME"] = saved
    emit(results, args.json)
    return 0 if not any(results[k] for k in ("gguf_crashes", "gguf_hangs", "pdf_crashes", "pdf_hangs")) else 1
