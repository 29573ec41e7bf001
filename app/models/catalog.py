"""The curated model catalog (``resources/catalog.json``) and what to recommend on this machine.

Each curated model lists its files (Q4_K_M and a smaller quant) with approximate sizes and the
architecture figures of its published config. :func:`approx_info` turns those into a GGUF header
stand-in, so a catalog file gets the same memory plan and predicted speed (app.models.fit) as a
file whose real header was read; the figures are marked approximate until then.

:func:`recommend` ranks what fits: models that run comfortably and at least :data:`MIN_TOKENS_PER_S`
come first, most capable (parameters) first, the better quant of a model before the smaller one;
then slower ones by speed. The first row is what the first screen offers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Any

import resources
from app.errors import HearthError
from app.i18n import tr
from app.models import fit, gguf, names

CATALOG = resources.path("catalog.json")
MIN_TOKENS_PER_S = 8.0  # about reading speed: slower models are offered after the ones that keep up


@dataclass(frozen=True)
class Entry:
    name: str
    repo: str
    file: str
    quant: str
    params_b: float
    size_gb: float  # approximate (GB = 1e9 bytes) until the header is read
    arch: dict[str, Any]
    source: str = "curated"  # "curated" or "hub" (the Hub's most downloaded)


def load(path: Traversable = CATALOG) -> list[Entry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            Entry(
                m["name"],
                m["repo"],
                f["file"],
                f["quant"],
                float(m["params_b"]),
                float(f["size_gb"]),
                dict(m["arch"]),
            )
            for m in data["models"]
            for f in m["files"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HearthError(
            tr("The model catalog {path} is missing or damaged ({error}).").format(path=path, error=exc)
        ) from exc


def approx_info(entry: Entry) -> gguf.GgufInfo:
    """A header stand-in from the catalog's figures: metadata llama.cpp would read, and one tensor per
    layer (plus the embedding and output) sized so that they add up to the file's size."""
    a = entry.arch
    arch, n_layers, n_embd, n_vocab = (
        a["architecture"],
        int(a["n_layers"]),
        int(a["n_embd"]),
        int(a["n_vocab"]),
    )
    meta: dict[str, Any] = {"general.architecture": arch, "general.name": entry.name}
    keys = {"block_count": n_layers, "embedding_length": n_embd, "attention.head_count": a["n_head"],
            "attention.head_count_kv": a["n_head_kv"], "attention.key_length": a["head_dim"],
            "attention.value_length": a["head_dim"], "feed_forward_length": a["n_ff"],
            "context_length": a["context_length"], "attention.sliding_window": a.get("sliding_window", 0),
            "attention.sliding_window_pattern": a.get("swa_pattern", 0),
            "expert_count": a.get("expert_count", 0), "expert_used_count": a.get("expert_used_count", 0),
            "vocab_size": n_vocab}  # fmt: skip
    meta.update({f"{arch}.{k}": v for k, v in keys.items()})
    total = int(entry.size_gb * 1e9)
    bytes_per_param = total / (entry.params_b * 1e9)
    embd = int(n_vocab * n_embd * bytes_per_param)
    matrices = 1 if a.get("tied_embeddings") else 2
    per_layer = max(0, total - matrices * embd) // max(1, n_layers)
    tensors = [gguf.Tensor("token_embd.weight", entry.quant, (n_embd, n_vocab), 0, n_vocab * n_embd, embd)]
    if matrices == 2:
        tensors.append(
            gguf.Tensor("output.weight", entry.quant, (n_embd, n_vocab), 0, n_vocab * n_embd, embd)
        )
    moe = bool(a.get("expert_count"))
    for i in range(n_layers):
        if moe:  # attention and norms are small next to the experts: count the layer as experts
            tensors.append(gguf.Tensor(f"blk.{i}.ffn_exps", entry.quant, (), 0, 0, per_layer))
        else:
            tensors.append(gguf.Tensor(f"blk.{i}.weights", entry.quant, (), 0, 0, per_layer))
    return gguf.GgufInfo(3, meta, tensors, 0, array_lengths={"tokenizer.ggml.tokens": n_vocab})


@dataclass(frozen=True)
class Pick:
    entry: Entry
    report: fit.FitReport
    approximate: bool = True  # planned from the catalog's figures, not the file's header


def rank_key(pick: Pick) -> tuple[int, float, str, int, float]:
    """Comfortable fits first; among them, fast enough before slow; then most capable, better quant."""
    rep = pick.report
    tps = rep.predicted_tokens_per_s or 0.0
    comfortable = rep.fits and rep.kind != "tight"
    tier = 0 if comfortable and tps >= MIN_TOKENS_PER_S else 1 if comfortable else 2
    capability = -pick.entry.params_b if tier == 0 else -tps
    return tier, capability, pick.entry.name, names.quality_rank(pick.entry.quant), -tps


def plan(entry: Entry, n_ctx: int, machine: fit.Machine) -> Pick:
    return Pick(entry, fit.plan(approx_info(entry), n_ctx, None, machine))


def hub_picks(n_ctx: int, machine: fit.Machine, limit: int = 8) -> list[Pick]:
    """The Hub's most downloaded GGUF chat repos (not already curated) as picks, planned from their
    real headers. Raises HearthError when the Hub cannot be reached."""
    from app.models import hub

    curated = {e.repo for e in load()}
    picks = []
    for best, info in hub.popular(n_ctx, machine, limit, skip=curated):
        r = best.remote
        params = info.parameter_count / 1e9
        entry = Entry(info.name or r.repo_id.split("/")[-1], r.repo_id, r.filename, r.quant, params,
                      r.size / 1e9, {}, source="hub")  # fmt: skip
        picks.append(Pick(entry, best.report, approximate=False))
    return picks


def recommend(
    machine: fit.Machine, n_ctx: int, entries: list[Entry] | None = None, extra: list[Pick] | None = None
) -> list[Pick]:
    """Catalog files (and ``extra`` picks, e.g. from the Hub) that fit this machine, best first."""
    entries = entries if entries is not None else load()
    picks = [plan(e, n_ctx, machine) for e in entries] + list(extra or [])
    return sorted((p for p in picks if p.report.fits), key=rank_key)
