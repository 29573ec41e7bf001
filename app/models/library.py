"""Installed models: downloads, imports (copied or used in place) and GGUFs in the Hugging Face cache.

A small manifest (``models_dir()/library.json``, written atomically) records where each model came
from, its sha256 when known, and imports kept in place. Header metadata is read on demand and
cached by (size, mtime), so listing a large library stays cheap.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import atomic, paths
from app.cancel import CancelToken
from app.errors import HearthError
from app.models import bundled, fit, gguf, names

MANIFEST = "library.json"
_header_cache: dict[tuple[str, int, int], gguf.GgufInfo] = {}


def folder() -> Path:
    """The folder holding downloaded and copied models (for "Open folder")."""
    return paths.models_dir()


def _manifest_path() -> Path:
    return paths.models_dir() / MANIFEST


def manifest() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(_manifest_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def _save(data: dict[str, dict[str, Any]]) -> None:
    atomic.write_text(_manifest_path(), json.dumps(data, indent=2, sort_keys=True))


def record(path: Path, source: str, sha256: str = "", in_place: bool = False) -> None:
    data = manifest()
    data[str(path)] = {"source": source, "sha256": sha256, "in_place": in_place}
    _save(data)


@dataclass(frozen=True)
class Installed:
    path: Path
    name: str  # file name, unique enough to address it in the CLI
    size: int
    source: str  # "hf://repo/file", "import", "hf-cache", "starter"
    quant: str
    in_place: bool  # imported where it was (deleting only forgets it)
    info: gguf.GgufInfo | None
    error: str = ""

    def fit(self, n_ctx: int, machine: fit.Machine | None = None) -> fit.FitReport | None:
        return fit.plan_file(self.path, n_ctx, None, machine, info=self.info) if self.info else None


def header(path: Path) -> gguf.GgufInfo:
    st = path.stat()
    key = (str(path), st.st_size, int(st.st_mtime_ns))
    if key not in _header_cache:
        _header_cache[key] = gguf.read_file(path)
    return _header_cache[key]


def _installed(path: Path, source: str, in_place: bool) -> Installed:
    try:
        info: gguf.GgufInfo | None = header(path)
        error = ""
    except HearthError as exc:
        info, error = None, str(exc)
    quant = names.quant_label(path.name) or (info.file_type if info else "")
    return Installed(path, path.name, path.stat().st_size, source, quant, in_place, info, error)


def installed(include_hf_cache: bool = True) -> list[Installed]:
    """Every model Hearth can load: the library folder, in-place imports, and the HF cache."""
    out: dict[Path, Installed] = {}
    data = manifest()
    for path in sorted(paths.models_dir().rglob("*.gguf")):
        split = names.split_info(path.name)
        if split and split[1] != 1:
            continue  # later parts load with the first
        entry = data.get(str(path), {})
        out[path] = _installed(path, str(entry.get("source", "import")), False)
    for key, entry in data.items():
        path = Path(key)
        if entry.get("in_place") and path.is_file() and path not in out:
            out[path] = _installed(path, "import", True)
    if include_hf_cache:
        for path in hf_cache_models():
            if path not in out:
                out[path] = _installed(path, "hf-cache", True)
    try:
        starter = bundled.starter_model_path()
    except HearthError:  # the starter package is optional
        return list(out.values())
    return [_installed(starter, "starter", True), *out.values()]


def hf_cache_models() -> list[Path]:
    """GGUF files already in the standard Hugging Face cache (``HF_HOME`` / ``HF_HUB_CACHE``)."""
    try:
        from huggingface_hub import scan_cache_dir

        cache_dir = os.environ.get("HF_HUB_CACHE") or os.path.join(
            os.environ.get("HF_HOME") or os.path.expanduser("~/.cache/huggingface"), "hub"
        )
        if not os.path.isdir(cache_dir):
            return []
        report = scan_cache_dir(cache_dir)
    except Exception:  # a corrupt or unreadable cache must not break the library
        return []
    found = []
    for repo in report.repos:
        for rev in repo.revisions:
            for f in rev.files:
                split = names.split_info(f.file_name)
                if f.file_name.lower().endswith(".gguf") and (split is None or split[1] == 1):
                    found.append(Path(f.file_path))
    return sorted(set(found))


def find(name: str) -> Installed:
    """An installed model by file name or path."""
    for m in installed():
        if name in (m.name, str(m.path)):
            return m
    raise HearthError(f"No installed model named {name!r} (see 'hearth models list').")


def import_file(
    source: Path, copy: bool = True, cancel: CancelToken | None = None
) -> Generator[tuple[int, int], None, Path]:
    """Add a GGUF from disk: copied into the library (yields bytes copied) or kept in place."""
    source = source.expanduser().resolve()
    if not source.is_file():
        raise HearthError(f"No such file: {source}")
    gguf.read_file(source)  # refuse non-GGUF or truncated files before touching the library
    if not copy:
        record(source, "import", in_place=True)
        return source
    target = paths.models_dir() / "imported" / source.name
    if target.exists():
        raise HearthError(f"A model named {source.name} is already in the library.")
    target.parent.mkdir(parents=True, exist_ok=True)
    total = source.stat().st_size
    if shutil.disk_usage(target.parent).free < total + 64 * 2**20:
        raise HearthError(f"Not enough disk space to copy {source.name} ({total / 2**30:.2f} GB).")
    tmp = target.with_name(f".{target.name}.importing")
    done = 0
    try:
        with source.open("rb") as src, tmp.open("wb") as dst:
            while block := src.read(8 << 20):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                dst.write(block)
                done += len(block)
                yield done, total
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    record(target, "import")
    return target


def remove(name: str) -> Path:
    """Delete a model from the library (in-place imports and HF-cache files are only forgotten)."""
    model = find(name)
    data = manifest()
    if model.source == "starter":
        raise HearthError("The starter model ships with Hearth and cannot be removed.")
    if model.source == "hf-cache":
        raise HearthError(
            f"{model.name} lives in the Hugging Face cache; remove it with 'huggingface-cli delete-cache'."
        )
    if not model.in_place:
        parts = names.split_parts(model.path, model.info.split_count if model.info else 1)
        for part in parts:
            part.unlink(missing_ok=True)
            data.pop(str(part), None)
    data.pop(str(model.path), None)
    _save(data)
    return model.path
