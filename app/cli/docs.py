"""``docs add|list|remove|search|watch``: manage document libraries and search them from the terminal.

Documents: PDF (scanned pages read by OCR), Word (.docx), EPUB, HTML, Markdown and plain text.
``add`` prints one status line per file (``--json``: a list of {path, status, pages, chunks,
error, ocr_pages}) and exits 0 when the run completed, even if some files failed. ``search --json``
prints {file, page, location, text, score} best first (``location``: "p. xii (page 14)" or a
section's heading). ``--chroma-url`` uses a Chroma server instead of the embedded
store under HEARTH_HOME.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.docs import DEFAULT_LIBRARY


def _common(library_default: str | None = DEFAULT_LIBRARY) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    shown = library_default or "all"
    common.add_argument("--library", "-l", default=library_default, help=f"library name (default: {shown})")
    common.add_argument("--chroma-url", default=None, help="use a Chroma server, e.g. http://127.0.0.1:8000")
    return common


def register(sub: Any) -> None:
    common = _common()

    p = sub.add_parser("docs", help="index documents and search them", description=__doc__)
    dsub = p.add_subparsers(dest="docs_command", metavar="ACTION", required=True)

    a = dsub.add_parser("add", parents=[common], help="index documents or folders (recursively)")
    a.add_argument("paths", nargs="+", metavar="PATH")
    a.add_argument("--json", action="store_true", help="print the per-file results as JSON")
    a.set_defaults(func=_add)

    ls = dsub.add_parser("list", parents=[_common(None)], help="list libraries and their documents")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)

    rm = dsub.add_parser("remove", parents=[common], help="remove a document from a library")
    rm.add_argument("path", metavar="PATH")
    rm.set_defaults(func=_remove)

    s = dsub.add_parser("search", parents=[common], help="hybrid (vector + keyword) search")
    s.add_argument("query")
    s.add_argument("--k", type=int, default=None, help="number of results (default: settings top_k)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=_search)

    m = dsub.add_parser("migrate", help="copy a library to or from a Chroma server (no re-embedding)")
    m.add_argument("library")
    m.add_argument("--to", required=True, metavar="URL|local", help="the Chroma server, or 'local'")
    m.add_argument(
        "--from",
        dest="source",
        default=None,
        metavar="URL|local",
        help="where the library is now (default: local; for --to local, the settings' server)",
    )
    m.add_argument("--json", action="store_true", help="print a summary as JSON")
    m.set_defaults(func=_migrate)

    w = dsub.add_parser("watch", parents=[common], help="keep a folder indexed (polls for changes)")
    w.add_argument("folder")
    w.add_argument("--interval", type=float, default=None, help="seconds between scans")
    w.add_argument("--once", action="store_true", help="one scan, then exit")
    w.set_defaults(func=_watch)


def _setup(args: argparse.Namespace) -> tuple[Any, Any]:
    from app import settings
    from app.docs.index import shared_index

    cfg = settings.load().docs
    if args.chroma_url is not None:
        cfg.chroma_url = args.chroma_url
    return cfg, shared_index(cfg.chroma_url)


def _add(args: argparse.Namespace) -> int:
    from app.docs.ingest import ingest

    cfg, index = _setup(args)
    gen = ingest(args.paths, args.library, index=index, settings=cfg)
    tty = sys.stderr.isatty() and not args.json
    while True:
        try:
            event = next(gen)
        except StopIteration as stop:
            results = stop.value
            break
        if event.result is not None and not args.json:
            r = event.result
            detail = f"{r.pages} pages, {r.chunks} chunks" if r.status != "failed" else r.error
            print(f"{r.label:<9} {r.path}  ({detail})", flush=True)
        elif tty:
            eta = f", ETA {event.eta_s:.0f} s" if event.eta_s is not None else ""
            print(
                f"\r{event.files_done}/{event.files_total} files, {event.pages_done} pages, "
                f"{event.chunks_done} chunks{eta}   ",
                end="",
                file=sys.stderr,
                flush=True,
            )
    if tty:
        print(file=sys.stderr)
    if args.json:
        print(json.dumps([r.to_json() for r in results]))
    else:
        for r in results:
            if r.status == "failed" and r.error == "no such file or folder":
                print(f"failed    {r.path}  ({r.error})")
        counts = {s: sum(r.status == s for r in results) for s in ("indexed", "unchanged", "failed")}
        print(", ".join(f"{n} {s}" for s, n in counts.items()) + f" in library '{args.library}'")
    return 0


def _list(args: argparse.Namespace) -> int:
    _, index = _setup(args)
    libraries = [args.library] if args.library else index.libraries()
    out = []
    for lib in libraries:
        model = index.library_model(lib)
        docs = index.documents(lib)
        out.append(
            {
                "library": lib,
                "embedding_model": model[0] if model else None,
                "documents": [
                    {
                        "path": d.path,
                        "status": d.status,
                        "pages": d.pages,
                        "chunks": d.chunks,
                        "error": d.error,
                    }
                    for d in docs
                ],
            }
        )
    if args.json:
        print(json.dumps(out))
        return 0
    if not out:
        print("No libraries yet. Add documents with: hearth docs add PATH")
    for lib in out:
        print(f"{lib['library']} ({len(lib['documents'])} documents, model {lib['embedding_model']})")
        for d in lib["documents"]:
            detail = f"{d['pages']} pages, {d['chunks']} chunks" if d["status"] == "complete" else d["error"]
            print(f"  {d['status']:<9} {d['path']}  ({detail})")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from app.errors import HearthError

    _, index = _setup(args)
    removed = index.remove(args.library, args.path)
    if not removed:
        resolved = str(Path(args.path).expanduser().resolve())
        removed = index.remove(args.library, resolved)
    if not removed:
        raise HearthError(f"{args.path} is not in library '{args.library}'.")
    print(f"removed {args.path} from library '{args.library}'")
    return 0


def _search(args: argparse.Namespace) -> int:
    from app.docs import rag
    from app.docs.readers import location

    cfg, index = _setup(args)
    hits = rag.search(args.query, args.library, args.k or cfg.top_k, index=index, settings=cfg)
    rows = [
        {
            "file": h.chunk.path,
            "page": h.chunk.page,
            "location": location(h.chunk.kind, h.chunk.page, h.chunk.label),
            "text": h.chunk.text,
            "score": round(h.score, 6),
        }
        for h in hits
    ]
    if args.json:
        print(json.dumps(rows))
        return 0
    for i, r in enumerate(rows, 1):
        text = " ".join(str(r["text"]).split())
        print(
            f"[{i}] {Path(str(r['file'])).name}, {r['location']} (score {r['score']:.4f})\n    {text[:240]}"
        )
    if not rows:
        print("No matches.")
    return 0


def _watch(args: argparse.Namespace) -> int:
    from app.docs.watch import watch

    cfg, index = _setup(args)
    print(f"watching {args.folder} for library '{args.library}' (Ctrl+C to stop)", file=sys.stderr)
    for event in watch(
        args.folder, args.library, index=index, settings=cfg, interval=args.interval, once=args.once
    ):
        if event.result is not None:
            r = event.result
            detail = f"{r.pages} pages, {r.chunks} chunks" if r.status != "failed" else r.error
            print(f"{r.label:<9} {r.path}  ({detail})", flush=True)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    """Copy a library between the local store and a Chroma server; Ctrl+C stops it, running it
    again resumes."""
    from app import settings
    from app.docs.index import DocIndex
    from app.docs.migrate import migrate
    from app.errors import HearthError

    def where(text: str) -> str:
        return "" if text.strip().lower() == "local" else text.strip()

    target = where(args.to)
    if args.source is not None:
        source = where(args.source)
    else:
        source = "" if target else settings.load().docs.chroma_url
    if source == target:
        raise HearthError("The library is already there: give --from and --to different stores.")
    tty = sys.stderr.isatty() and not args.json
    last = None
    for p in migrate(args.library, DocIndex(source), DocIndex(target)):
        last = p
        if tty:
            eta = f", ~{p.eta_s:.0f} s left" if p.eta_s is not None and p.docs_done < p.docs_total else ""
            print(f"\r{p.docs_done}/{p.docs_total} documents, {p.chunks_done:,}/{p.chunks_total:,} chunks, "
                  f"{p.chunks_per_s:,.0f} chunks/s{eta}   ", end="", file=sys.stderr, flush=True)  # fmt: skip
    if tty:
        print(file=sys.stderr)
    assert last is not None
    summary = {"library": args.library, "to": target or "local", "documents": last.docs_total,
               "chunks": last.chunks_total, "copied_chunks": last.chunks_copied,
               "seconds": round(last.elapsed_s, 2)}  # fmt: skip
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"Copied {last.chunks_copied:,} chunks of {last.docs_total} documents to {summary['to']}"
              f" ({last.chunks_total - last.chunks_copied:,} were there already).")  # fmt: skip
    return 0
