"""``hearth models ...``: list, search, files, download, import, remove, recommend, fit.

Every subcommand takes ``--json`` (one JSON document on stdout). Expected failures raise
:class:`HearthError` (one plain line on stderr, exit 2). ``download`` draws a progress bar on a
terminal and resumes a partial download when run again.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from app.errors import HearthError


def register(sub: Any) -> None:
    p = sub.add_parser("models", help="find, download and manage GGUF models", description=__doc__)
    msub = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        a: argparse.ArgumentParser = msub.add_parser(name, help=help_text, description=help_text)
        a.add_argument("--json", action="store_true", help="print JSON")
        return a

    a = add("list", "installed models with their memory fit")
    a.add_argument("--ctx", type=int, default=0, help="context size for the fit (default: settings)")
    a.set_defaults(func=_list)
    a = add("search", "search the Hugging Face Hub for GGUF models")
    a.add_argument("query")
    a.add_argument("--limit", type=int, default=20)
    a.set_defaults(func=_search)
    a = add("files", "the GGUF files of a Hub repo, with sizes and memory fit")
    a.add_argument("repo")
    a.add_argument("--ctx", type=int, default=0)
    a.set_defaults(func=_files)
    a = add("download", "download a GGUF (resumes, verifies sha256)")
    a.add_argument("repo")
    a.add_argument("file")
    a.set_defaults(func=_download)
    a = add("import", "add a GGUF file from disk to the library")
    a.add_argument("path", type=Path)
    a.add_argument("--in-place", action="store_true", help="use the file where it is instead of copying")
    a.set_defaults(func=_import)
    a = add("remove", "delete a model from the library")
    a.add_argument("name")
    a.set_defaults(func=_remove)
    a = add("recommend", "models for this machine: the curated catalog and the Hub's most downloaded")
    a.add_argument("--ram", type=float, default=0.0, help="available RAM in GB (default: this machine)")
    a.add_argument("--ctx", type=int, default=0)
    a.add_argument("--no-hub", action="store_true", help="curated catalog only (no Hub request)")
    a.set_defaults(func=_recommend)
    a = add("fit", "will a model fit in memory? (local PATH, or REPO FILE on the Hub)")
    a.add_argument("target", nargs="+", metavar="PATH | REPO FILE")
    a.add_argument("--ctx", type=int, default=0)
    a.add_argument(
        "--gpu-layers",
        type=int,
        default=None,
        help="layers to offload (-1 = all; default: what fits free VRAM)",
    )
    a.set_defaults(func=_fit)


def _ctx(args: argparse.Namespace) -> int:
    if args.ctx and args.ctx > 0:
        return int(args.ctx)
    from app import settings

    return settings.load().models.fit_ctx


def _out(args: argparse.Namespace, data: Any, text: str) -> int:
    print(json.dumps(data, indent=None) if args.json else text)
    return 0


def _gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB"


def _tps(report: Any) -> str:
    tps = report.predicted_tokens_per_s if report else None
    return f", ~{tps:.0f} tok/s" if tps else ""


def _list(args: argparse.Namespace) -> int:
    from app.models import fit, library

    n_ctx = _ctx(args)
    machine = fit.Machine.current()
    rows, lines = [], []
    for m in library.installed():
        report = m.fit(n_ctx, machine)
        row: dict[str, Any] = {"name": m.name, "path": str(m.path), "size": m.size, "quant": m.quant}
        row.update(source=m.source, architecture=m.info.architecture if m.info else None, error=m.error)
        row["predicted_tokens_per_s"] = report.predicted_tokens_per_s if report else None
        row["fit"] = report.to_dict() if report else None
        rows.append(row)
        verdict = (report.verdict + _tps(report)) if report else m.problem
        lines.append(f"{m.name:<48} {m.quant:<8} {_gb(m.size):>9}  {verdict}  ({m.source})")
    from app.models import download

    for remote, have in download.pending():
        done = f"{have / 1e6:.0f} of {remote.size / 1e6:.0f} MB"
        lines.append(f"unfinished: {remote.repo_id} {remote.filename} ({done}; download again to resume)")
    return _out(args, rows, "\n".join(lines) or f"No models installed yet (folder: {library.folder()}).")


def _search(args: argparse.Namespace) -> int:
    from app.models import hub

    results = hub.search(args.query, limit=args.limit)
    rows = [
        {"repo": r.repo_id, "downloads": r.downloads, "likes": r.likes, "gated": r.gated} for r in results
    ]
    lines = [f"{r.repo_id:<60} {r.downloads:>10} downloads{'  (gated)' if r.gated else ''}" for r in results]
    return _out(args, rows, "\n".join(lines) or "No GGUF models found.")


def _files(args: argparse.Namespace) -> int:
    from app.models import hub

    plans, fetched = hub.plan_files(args.repo, _ctx(args))
    rows = [{"file": p.remote.filename, "parts": list(p.remote.parts), "size": p.remote.size,
             "sha256": p.remote.sha256, "quant": p.remote.quant, "best": p.best,
             "predicted_tokens_per_s": p.report.predicted_tokens_per_s, "fit": p.report.to_dict()}
            for p in plans]  # fmt: skip
    lines = [f"{'*' if p.best else ' '} {p.remote.filename:<56} {p.remote.quant:<8} {_gb(p.remote.size):>9}  "
             f"needs {_gb(p.report.ram_bytes)}: {p.report.verdict}{_tps(p.report)}"
             for p in plans]  # fmt: skip
    if plans:
        lines.append(f"(* = best quality that fits; header bytes read: {fetched})")
    data = {"repo": args.repo, "files": rows, "header_bytes_read": fetched}
    return _out(args, data, "\n".join(lines) or "This repo has no GGUF files.")


class _Bar:
    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def show(self, p: Any) -> None:
        now = time.monotonic()
        if not self.tty or (now - self.last < 0.1 and p.state == "downloading"):
            return
        self.last = now
        width = 30
        filled = int(p.fraction * width)
        eta = f" ETA {p.eta_s:.0f}s" if p.eta_s else ""
        speed = f" {p.speed_bps / 1e6:.1f} MB/s" if p.speed_bps else ""
        note = f" {p.state}" if p.state != "downloading" else ""
        bar = "#" * filled + "-" * (width - filled)
        sizes = f"{p.done_bytes / 1e6:.1f}/{p.total_bytes / 1e6:.1f} MB"
        sys.stderr.write(f"\r[{bar}] {p.fraction:4.0%} {sizes}{speed}{eta}{note}\033[K")
        sys.stderr.flush()

    def done(self) -> None:
        if self.tty:
            sys.stderr.write("\n")


def _download(args: argparse.Namespace) -> int:
    from app import settings
    from app.models import download

    remote = download.find_remote(args.repo, args.file)
    bar = _Bar()
    gen = download.download(remote, retries=settings.load().models.download_retries)
    try:
        while True:
            bar.show(next(gen))
    except StopIteration as stop:
        path = Path(stop.value)
    finally:
        bar.done()
    data = {"path": str(path), "size": remote.size, "sha256": remote.sha256, "parts": list(remote.parts)}
    return _out(args, data, f"Installed {path}")


def _import(args: argparse.Namespace) -> int:
    from app.models import library

    gen = library.import_file(args.path, copy=not args.in_place)
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        path = Path(stop.value)
    return _out(args, {"path": str(path), "in_place": bool(args.in_place)}, f"Imported {path}")


def _remove(args: argparse.Namespace) -> int:
    from app.models import library

    path = library.remove(args.name)
    return _out(args, {"removed": str(path)}, f"Removed {path}")


def _recommend(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from app.models import catalog, fit

    n_ctx = _ctx(args)
    machine = fit.Machine.current()
    if args.ram > 0:
        machine = replace(machine, available_ram=int(args.ram * 1e9), total_ram=int(args.ram * 1e9))
    extra, hub_note = [], ""
    if not args.no_hub:
        try:
            extra = catalog.hub_picks(n_ctx, machine)
        except HearthError as exc:
            hub_note = f"Hub not included: {exc}"
            print(hub_note, file=sys.stderr)
    picks = catalog.recommend(machine, n_ctx, extra=extra)
    rows = [
        {"name": p.entry.name, "repo": p.entry.repo, "file": p.entry.file, "quant": p.entry.quant,
         "size": int(p.entry.size_gb * 1e9), "source": p.entry.source, "approximate": p.approximate,
         "predicted_tokens_per_s": p.report.predicted_tokens_per_s, "fit": p.report.to_dict()}
        for p in picks
    ]  # fmt: skip
    lines = [
        f"{p.entry.name:<36} {p.entry.quant:<7} {p.entry.size_gb:>6.2f} GB  needs {_gb(p.report.ram_bytes)}  "
        f"~{p.report.predicted_tokens_per_s or 0:.0f} tok/s  {p.entry.source} {p.entry.repo} {p.entry.file}"
        for p in picks
    ]
    text = f"For {machine.available_ram / 1e9:.0f} GB of available RAM at {n_ctx} tokens, best first:\n" + (
        "\n".join(lines) or "nothing fits; try the starter model"
    )
    data = {"available_ram": machine.available_ram, "n_ctx": n_ctx, "hub_note": hub_note, "models": rows}
    return _out(args, data, text)


def _fit(args: argparse.Namespace) -> int:
    from app.models import download, fit, hub

    n_ctx = _ctx(args)
    if len(args.target) == 1:
        report = fit.plan_file(Path(args.target[0]).expanduser(), n_ctx, args.gpu_layers)
    elif len(args.target) == 2:
        remote = download.find_remote(args.target[0], args.target[1])
        report, _ = hub.fit_remote(remote, n_ctx, args.gpu_layers)
    else:
        raise HearthError("fit takes a local PATH, or a Hub REPO and FILE.")
    return _out(args, report.to_dict(), report.summary)
