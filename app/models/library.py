"""Installed models: downloads, imports (copied or used in place) and GGUFs in the Hugging Face cache.

A small manifest (``models_dir()/library.json``, written atomically under a cross-process lock, so
the GUI and a CLI command never lose each other's entries) records where each model came from and
the imports kept in place. A downloaded file's verified sha256 is also kept beside it
(``<file>.gguf.json``: sha256, size, mtime, source), so the library can be rebuilt from the files on
disk: a damaged ``library.json`` is kept aside (``.bad-<time>``), and downloads stay trusted.
A split model whose parts are not all there is listed as incomplete and cannot be loaded.
Header metadata is read on demand and cached by (size, mtime), so listing a large library stays cheap.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from app import atomic, datafile, paths
from app.cancel import CancelToken
from app.errors import HearthError
from app.i18n import tr, tr_noop
from app.models import bundled, fit, gguf, names, preflight

MANIFEST = "library.json"
_header_cache: dict[tuple[str, int, int], gguf.GgufInfo] = {}


def folder() -> Path:
    """The folder holding downloaded and copied models (for "Open folder")."""
    return paths.models_dir()


WHAT = tr_noop("The model library list")
FALLBACK = tr_noop("the models found on disk")


def _manifest_path() -> Path:
    return paths.models_dir() / MANIFEST


def manifest() -> dict[str, dict[str, Any]]:
    """{path: {source, sha256, in_place}}: ``library.json`` plus the checksums kept beside downloads."""
    data = datafile.read_json(_manifest_path(), tr(WHAT), tr(FALLBACK)) or {}
    out = {str(k): v for k, v in data.items() if isinstance(v, dict)}
    for path in paths.models_dir().rglob("*.gguf"):
        entry = verified(path)
        if entry and str(path) not in out:  # rebuilt from the file's own record
            out[str(path)] = {"source": entry["source"], "sha256": entry["sha256"], "in_place": False}
    return out


def record(path: Path, source: str, sha256: str = "", in_place: bool = False) -> None:
    entry = {"source": source, "sha256": sha256, "in_place": in_place}
    datafile.update(_manifest_path(), tr(WHAT), tr(FALLBACK), lambda data: data.__setitem__(str(path), entry))


def _forget(*paths_: Path) -> None:
    def drop(data: dict[str, Any]) -> None:
        for p in paths_:
            data.pop(str(p), None)

    datafile.update(_manifest_path(), tr(WHAT), tr(FALLBACK), drop)


def checksum_file(path: Path) -> Path:
    """``<file>.gguf.json`` beside a downloaded model: its verified sha256, size, mtime and source."""
    return path.with_name(path.name + ".json")


def add_verified(path: Path, sha256: str, source: str) -> None:
    """Record a just-installed, verified download: beside the file, then in the manifest."""
    st = path.stat()
    entry = {"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "source": source}
    datafile.write_json(checksum_file(path), entry)
    record(path, source, sha256)


def verified(path: Path) -> dict[str, Any] | None:
    """The checksum record of ``path`` if it still describes the file (same size and mtime), else None."""
    try:
        entry = json.loads(checksum_file(path).read_text(encoding="utf-8"))
        st = path.stat()
        if entry["size"] == st.st_size and entry["mtime_ns"] == st.st_mtime_ns:
            return {"sha256": str(entry["sha256"]), "source": str(entry.get("source", "import"))}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


@dataclass(frozen=True)
class Installed:
    path: Path
    name: str  # file name, unique enough to address it in the CLI
    size: int
    source: str  # "hf://repo/file", "import", "hf-cache", "starter"
    quant: str
    in_place: bool  # imported where it was (deleting only forgets it)
    info: gguf.GgufInfo | None
    error: str = ""  # why it cannot be loaded (plain words)
    status: Literal["ok", "unreadable", "incomplete"] = "ok"

    @property
    def problem(self) -> str:
        """Why it cannot be loaded, as a list shows it ("" when it can)."""
        return (
            tr("unreadable: {error}").format(error=self.error) if self.status == "unreadable" else self.error
        )

    def fit(self, n_ctx: int, machine: fit.Machine | None = None) -> fit.FitReport | None:
        if self.info is None or self.status != "ok":
            return None
        return fit.plan_file(self.path, n_ctx, None, machine, info=self.info)


def header(path: Path) -> gguf.GgufInfo:
    st = path.stat()
    key = (str(path), st.st_size, int(st.st_mtime_ns))
    if key not in _header_cache:
        _header_cache[key] = gguf.read_file(path)
    return _header_cache[key]


def _installed(path: Path, source: str, in_place: bool) -> Installed:
    status: Literal["ok", "unreadable", "incomplete"] = "ok"
    try:
        info: gguf.GgufInfo | None = header(path)
        error = ""
    except HearthError as exc:
        info, error, status = None, str(exc), "unreadable"
    missing = preflight.missing_parts(path)
    if missing:
        error, status = preflight.incomplete_message(path, missing), "incomplete"
    quant = names.quant_label(path.name) or (info.file_type if info else "")
    size = sum(p.stat().st_size for p in names.split_parts(path, 1) if p.is_file())
    return Installed(path, path.name, size, source, quant, in_place, info, error, status)


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
    raise HearthError(
        tr("No installed model named {name} (see 'hearth models list').").format(name=repr(name))
    )


def import_file(
    source: Path, copy: bool = True, cancel: CancelToken | None = None
) -> Generator[tuple[int, int], None, Path]:
    """Add a GGUF from disk: copied into the library (yields bytes copied) or kept in place."""
    source = source.expanduser().resolve()
    if not source.is_file():
        raise HearthError(tr("No such file: {path}").format(path=source))
    gguf.read_file(source)  # refuse non-GGUF or truncated files before touching the library
    if not copy:
        record(source, "import", in_place=True)
        return source
    target = paths.models_dir() / "imported" / source.name
    if target.exists():
        raise HearthError(tr("A model named {name} is already in the library.").format(name=source.name))
    target.parent.mkdir(parents=True, exist_ok=True)
    total = source.stat().st_size
    if shutil.disk_usage(target.parent).free < total + 64 * 2**20:
        raise HearthError(
            tr("Not enough disk space to copy {name} ({size} GB).").format(
                name=source.name, size=f"{total / 2**30:.2f}"
            )
        )
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
        atomic.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    record(target, "import")
    return target


def remove(name: str) -> Path:
    """Delete a model from the library (in-place imports and HF-cache files are only forgotten)."""
    model = find(name)
    if model.source == "starter":
        raise HearthError(tr("The starter model ships with Hearth and cannot be removed."))
    if model.source == "hf-cache":
        raise HearthError(
            tr(
                "{name} lives in the Hugging Face cache; remove it with 'huggingface-cli delete-cache'."
            ).format(name=model.name)
        )
    gone = [model.path]
    if not model.in_place:
        for part in names.split_parts(model.path, 1):
            part.unlink(missing_ok=True)
            checksum_file(part).unlink(missing_ok=True)
            gone.append(part)
    _forget(*gone)
    return model.path
