"""Check the built Linux bundle the way a machine that never saw this repository would run it.

``packaging/check-bundle.sh`` runs this with the development environment's Python (for the PDF
generator in ``tests/support``); the bundle itself never sees that Python. Steps:

1. unpack the ``.tar.gz`` into a new folder, and the ``.deb`` with ``dpkg-deb -x`` into another;
2. run every command of the bundle with an empty environment (``env -i``, a new HOME and data
   folder, offscreen Qt), no network, and, inside Linux namespaces (``unshare``), with this
   checkout, the virtual environments, the build machine's Python and ``~/.cache`` hidden under
   empty folders: anything the bundle reaches for outside itself fails;
3. every ELF file's libraries must resolve inside the bundle or to the system; only Qt plugins
   and GPU backend modules (loaded on demand) may miss a system library, which is listed;
4. ``--version`` matches ``app.__version__``; ``ask --json`` answers with the starter model; ``docs
   add`` indexes a generated PDF and ``ask --library`` cites its page; an image-only PDF page is
   read by OCR and found by ``docs search``; the GUI shows its window;
   the verbose log names the llama.cpp backends picked;
5. the ``.deb``'s control fields and layout, and its extracted copy runs.

It prints the sizes (compressed, installed, the largest parts), the start time and the backends,
and exits non-zero with the reasons if any check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import __version__  # noqa: E402
from tests.support import pdfs  # noqa: E402

APP_ID = "io.github.hearth.Hearth"
DIST = ROOT / "dist"
# loaded only on some desktops (X11, Wayland, EGLFS) or with a GPU: may lack optional system libraries
ON_DEMAND = (
    "/PySide6/Qt/plugins/",
    "/libQt6XcbQpa",
    "/libQt6Wayland",
    "/libQt6Wl",
    "/libQt6EglFs",
    "/libggml-vulkan",
)
QT_PLUGIN_ERRORS = ("qt.qpa.plugin", "could not load", "cannot load library", "failed to load")
TIMEOUT = 600
GUI_TIMEOUT = 120  # the window paints in ~2 s; a hang must fail the check, not stall CI


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failures: list[str] = []

    def check(self, ok: bool, what: str) -> bool:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)
        return ok


def hidden_folders() -> list[Path]:
    """What a fresh machine would not have: this checkout, the Pythons and caches of the build."""
    found = {ROOT, Path(sys.prefix), Path(sys.base_prefix), Path.home() / ".cache", Path.home() / ".pyenv"}
    dirs = sorted({p.resolve() for p in found if p.is_dir()})
    return [d for d in dirs if not any(d != o and d.is_relative_to(o) for o in dirs)]  # outermost only


def can_isolate() -> bool:
    probe = ["unshare", "--map-root-user", "--mount", "--net", "true"]
    return shutil.which("unshare") is not None and subprocess.run(probe, capture_output=True).returncode == 0


def largest_parts(bundle: Path) -> None:
    internal = bundle / "_internal"
    parts: dict[str, int] = {}
    for p in internal.rglob("*"):
        if p.is_file() and not p.is_symlink():
            top = p.relative_to(internal).parts[0]
            parts[top] = parts.get(top, 0) + p.stat().st_size
    largest = sorted(parts.items(), key=lambda kv: -kv[1])[:5]
    print("  largest parts: " + ", ".join(f"{name} {size / 1e6:.0f} MB" for name, size in largest))


class Runner:
    """Runs bundle commands in an empty environment, isolated where the kernel allows."""

    def __init__(self, scratch: Path, isolate: bool) -> None:
        self.scratch = scratch
        self.isolate = isolate
        self.hide = hidden_folders()

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        """What ``env -i`` plus a new HOME leaves: no PYTHONPATH, no venv, no LD_LIBRARY_PATH."""
        home = self.scratch / "run"
        for d in ("home", "data", "tmp"):
            (home / d).mkdir(parents=True, exist_ok=True)
        env = {
            "HOME": str(home / "home"),
            "HEARTH_HOME": str(home / "data"),
            "TMPDIR": str(home / "tmp"),
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
        }
        if sys.platform == "win32":  # what Windows itself needs to start a process
            system = os.environ.get("SYSTEMROOT", r"C:\Windows")
            env.update(SYSTEMROOT=system, PATH=rf"{system}\System32", TEMP=env["TMPDIR"], TMP=env["TMPDIR"])
            env.update(USERPROFILE=env["HOME"], APPDATA=env["HOME"], LOCALAPPDATA=env["HOME"])
        return {**env, **extra}

    def run(
        self, argv: list[str], timeout: float = TIMEOUT, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        if self.isolate:
            mounts = "".join(f"mount -t tmpfs -o ro,size=4k hidden '{d}' && " for d in self.hide)
            argv = [
                "unshare",
                "--map-root-user",
                "--mount",
                "--net",
                "sh",
                "-c",
                f'{mounts}exec "$@"',
                "sh",
                *argv,
            ]
        return subprocess.run(argv, env=self.env(extra), capture_output=True, text=True, timeout=timeout)


def elf_files(folder: Path) -> list[Path]:
    out = []
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            with p.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    out.append(p)
    return out


def parsed(out: str, empty: Any) -> Any:
    """The JSON a command printed, or ``empty`` when it printed none (the check then fails)."""
    try:
        return json.loads(out)
    except ValueError:
        return empty


def check_libraries(checks: Checks, runner: Runner, bundle: Path) -> set[str]:
    """Every ELF file's dependencies resolve (inside the namespaces too); the optional ones missing."""
    files = elf_files(bundle)
    # siblings on the path: a library's dependency next to it is loaded before it by whoever needs both
    script = 'for f in "$@"; do echo "== $f"; LD_LIBRARY_PATH="$(dirname "$f")" ldd "$f" 2>&1; done'
    proc = runner.run(["sh", "-c", script, "sh", *map(str, files)])
    checks.check(
        proc.returncode == 0 and proc.stdout.count("\n== ") + proc.stdout.startswith("== ") == len(files),
        f"ldd ran on all {len(files)} ELF files"
        + ("" if proc.returncode == 0 else f": {proc.stderr[-500:]}"),
    )
    current = ""
    missing: dict[str, set[str]] = {}
    outside: set[str] = set()
    hidden = tuple(str(d) + "/" for d in runner.hide)
    for line in proc.stdout.splitlines():
        if line.startswith("== "):
            current = line[3:]
        elif "=> not found" in line:
            missing.setdefault(line.split()[0], set()).add(current)
        elif "=>" in line and line.split("=>")[1].strip().startswith(hidden):
            outside.add(f"{Path(current).name} -> {line.split('=>')[1].split()[0]}")
    optional = {lib for lib, users in missing.items() if all(any(s in u for s in ON_DEMAND) for u in users)}
    required = {f"{lib} (for {', '.join(sorted(Path(u).name for u in missing[lib])[:3])})"
                for lib in missing if lib not in optional}  # fmt: skip
    checks.check(
        not required,
        "every library of the app resolves" + (f": missing {sorted(required)}" if required else ""),
    )
    checks.check(
        not outside, "no library resolves into the build tree" + (f": {sorted(outside)}" if outside else "")
    )
    return optional


def sizes(archive: Path | None, bundle: Path) -> None:
    installed = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    packed = f"{archive.name} {archive.stat().st_size / 1e6:.0f} MB compressed, " if archive else ""
    print(f"  size: {packed}{installed / 1e6:.0f} MB installed")
    largest_parts(bundle)


def check_translations(checks: Checks, bundle: Path) -> None:
    """Each language Hearth ships is in the bundle: its catalogue and Qt's own (ui.i18n loads both)."""
    for ts in sorted((ROOT / "resources" / "i18n").glob("hearth_*.ts")):
        lang = ts.stem.removeprefix("hearth_")
        for name in (f"hearth_{lang}.qm", f"qtbase_{lang}.qm"):
            checks.check(any(bundle.rglob(name)), f"the bundle has the {lang} translation {name}")


def check_runs(checks: Checks, runner: Runner, exe: Path) -> None:
    version = runner.run([str(exe), "--version"])
    checks.check(version.stdout.strip() == f"Hearth {__version__}", f"--version says Hearth {__version__}")

    ask = runner.run(
        [str(exe), "-v", "ask", "What is 2 + 2?", "--json", "--max-tokens", "16", "--temperature", "0"]
    )
    answer = parsed(ask.stdout, {})
    ok = ask.returncode == 0 and bool(answer.get("answer", "").strip()) and answer.get("tokens_per_s", 0) > 0
    checks.check(
        ok and answer.get("model", "").startswith("SmolLM2"), "ask --json answers with the starter model"
    )
    if not ok:
        print(ask.stderr[-3000:])
    picked = [
        line.split("llama.cpp backends: ", 1)[1]
        for line in ask.stderr.splitlines()
        if "llama.cpp backends: " in line
    ]
    checks.check(
        bool(picked) and "ggml-cpu" in picked[0], "the verbose log names the llama.cpp backends picked"
    )
    print(f"  backends: {picked[0] if picked else '?'}; {answer.get('tokens_per_s', 0)} tok/s")

    docs = runner.scratch / "docs"
    docs.mkdir()
    pdf = pdfs.fact_pdf(docs / "handbook.pdf", pages=6)
    added = runner.run([str(exe), "docs", "add", str(pdf), "--library", "check", "--json"])
    rows = parsed(added.stdout, [])
    checks.check(
        added.returncode == 0
        and [r.get("status") for r in rows] == ["indexed"]
        and rows[0].get("pages") == 6,
        "docs add indexes a generated 6-page PDF (PDF reader process, embedder, chroma)",
    )
    if added.returncode != 0:
        print(added.stderr[-3000:])
    fact = pdfs.FACTS[0]
    cited = runner.run(
        [
            str(exe),
            "ask",
            fact.question,
            "--library",
            "check",
            "--json",
            "--max-tokens",
            "24",
            "--temperature",
            "0",
        ]
    )
    sources = parsed(cited.stdout, {}).get("sources", [])
    pages = [s.get("page") for s in sources if s.get("file") == "handbook.pdf"]
    checks.check(
        cited.returncode == 0 and fact.page in pages, f"ask --library cites handbook.pdf page {fact.page}"
    )

    check_ocr(checks, runner, exe, docs)

    starts = []
    for _ in range(3):
        t0 = time.time()
        try:
            gui = runner.run([str(exe)], timeout=GUI_TIMEOUT, HEARTH_EXIT_AFTER_PAINT="1")
        except subprocess.TimeoutExpired as exc:
            checks.check(False, f"the GUI paints its window within {GUI_TIMEOUT} s")
            print(str(exc.stderr or "")[-3000:])
            return
        shown = [
            float(line.split()[1]) for line in gui.stderr.splitlines() if line.startswith("HEARTH_PAINTED ")
        ]
        if gui.returncode != 0 or not shown:
            checks.check(False, "the GUI starts offscreen and shows its window")
            print(gui.stderr[-3000:])
            return
        starts.append(shown[0] - t0)
    noisy = [
        line
        for line in gui.stderr.splitlines()
        if ("plugin" in line.lower() or "cannot load" in line.lower())
        and "propagateSizeHints" not in line  # the offscreen platform's note on every window, not an error
    ]
    checks.check(
        not noisy,
        "the GUI starts offscreen and shows its window, no Qt plugin errors"
        + (f": {noisy}" if noisy else ""),
    )
    print(
        f"  window shown {statistics.median(starts):.2f} s after launch "
        f"(median of 3, {min(starts):.2f}–{max(starts):.2f})"
    )


def check_ocr(checks: Checks, runner: Runner, exe: Path, docs: Path) -> None:
    """A scanned page (an image-only PDF) is read by OCR (onnxruntime, opencv, the PP-OCR models)."""
    scan = pdfs.image_only_pdf(docs / "scan.pdf", runner.scratch)
    added = runner.run([str(exe), "docs", "add", str(scan), "--library", "scans", "--json"])
    rows = parsed(added.stdout, [])
    checks.check(
        added.returncode == 0 and [(r.get("status"), r.get("ocr_pages")) for r in rows] == [("indexed", 1)],
        "docs add reads an image-only PDF page by OCR",
    )
    if added.returncode != 0 or not rows or rows[0].get("status") != "indexed":
        print(added.stdout[-2000:], added.stderr[-3000:])
    found = runner.run([str(exe), "docs", "search", "night ferry tickets", "--library", "scans", "--json"])
    text = " ".join(str(h.get("text", "")) for h in parsed(found.stdout, []))
    checks.check(
        found.returncode == 0 and "23:40" in text and "ferry" in text.lower(),
        "docs search finds the scanned page's text",
    )


def check_deb(checks: Checks, runner: Runner, deb: Path, scratch: Path) -> None:
    info = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Package", "Version", "Architecture"],
        capture_output=True,
        text=True,
    )
    checks.check(
        info.stdout.split() == ["Package:", "hearth", "Version:", __version__, "Architecture:", "amd64"],
        f"{deb.name}: control fields",
    )
    root = scratch / "deb-root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    for path in (
        f"usr/share/applications/{APP_ID}.desktop",
        f"usr/share/metainfo/{APP_ID}.metainfo.xml",
        f"usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
        f"usr/share/icons/hicolor/256x256/apps/{APP_ID}.png",
    ):
        checks.check((root / path).is_file(), f"{deb.name}: /{path}")
    checks.check(
        os.readlink(root / "usr/bin/hearth") == "/opt/hearth/hearth",
        f"{deb.name}: /usr/bin/hearth -> /opt/hearth/hearth",
    )
    version = runner.run([str(root / "opt/hearth/hearth"), "--version"])
    checks.check(version.stdout.strip() == f"Hearth {__version__}", f"{deb.name}: the installed tree runs")
    validators = (
        ("desktop-file-validate", [f"usr/share/applications/{APP_ID}.desktop"]),
        ("appstreamcli", ["validate", "--no-net", f"usr/share/metainfo/{APP_ID}.metainfo.xml"]),
    )
    for tool, args in validators:
        if shutil.which(tool):
            proc = subprocess.run([tool, *args], cwd=root, capture_output=True, text=True)
            checks.check(
                proc.returncode == 0,
                f"{tool} accepts the file" + (f": {proc.stdout}{proc.stderr}" if proc.returncode else ""),
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--archive", type=Path, default=DIST / f"hearth-{__version__}-linux-x86_64.tar.gz")
    parser.add_argument("--deb", type=Path, default=DIST / f"hearth_{__version__}_amd64.deb")
    parser.add_argument(
        "--folder", type=Path, help="check this bundle folder instead of unpacking (Windows, macOS)"
    )
    parser.add_argument("--exe", type=Path, help="with --folder: the executable inside it")
    args = parser.parse_args(argv)
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="hearth-check-") as tmp:
        scratch = Path(tmp)
        os.chmod(scratch, 0o755)
        runner = Runner(scratch, sys.platform == "linux" and can_isolate())
        if args.folder:
            bundle, exe, archive = args.folder, args.exe or args.folder / "hearth", None
            if runner.isolate:  # the build tree is hidden from the bundle: run a copy
                bundle = Path(
                    shutil.copytree(args.folder, scratch / "unpacked" / args.folder.name, symlinks=True)
                )
                exe = bundle / exe.relative_to(args.folder)
        elif not args.archive.is_file():
            print(f"check-bundle: {args.archive} not found: run make dist first", file=sys.stderr)
            return 2
        else:
            archive = args.archive
            with tarfile.open(archive) as tar:
                tar.extractall(scratch / "unpacked", filter="tar")
            (bundle,) = (scratch / "unpacked").iterdir()
            exe = bundle / "hearth"
        print(f"check-bundle: {bundle.name} in {scratch}")
        if runner.isolate:
            print("  hidden from the bundle: " + ", ".join(map(str, runner.hide)) + "; no network")
        else:
            print("  WARNING: no Linux namespaces (unshare): the build tree stays visible, the network too")
        sizes(archive, bundle)
        check_translations(checks, bundle)
        if sys.platform == "linux":
            optional = check_libraries(checks, runner, bundle)
            if optional:
                print(
                    "  optional system libraries missing here (Qt window plugins, Vulkan): "
                    + " ".join(sorted(optional))
                )
        check_runs(checks, runner, exe)
        if archive is not None:
            shutil.rmtree(bundle)  # the .deb's copy goes in next: one unpacked bundle on disk at a time
            if args.deb.is_file():
                check_deb(checks, runner, args.deb, scratch)
            else:
                checks.check(False, f"{args.deb} exists")
    print(f"check-bundle: {checks.passed} passed, {len(checks.failures)} failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
