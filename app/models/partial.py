"""Partial downloads on disk: where ``.part`` files live, who owns them, what is left unfinished.

Each part file ``downloads_dir()/<repo>__<file>.<sha16>.part`` has a ``.json`` note (the
listing entry it belongs to, so an unfinished download can be shown after a restart) and a
``.lock`` file holding an advisory lock while a downloader writes to it. A part whose checksum
matched waits as ``<...>.verified`` until every part of its model is (then they are installed).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app import atomic, datafile, paths
from app.i18n import tr
from app.models import hub


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)


def model_folder(repo_id: str) -> Path:
    return paths.models_dir() / _safe(repo_id.replace("/", "__"))


def part_path(repo_id: str, filename: str, sha256: str) -> Path:
    return (
        paths.downloads_dir()
        / f"{_safe(repo_id.replace('/', '__'))}__{_safe(filename)}.{sha256.split(':')[-1][:16]}.part"
    )


def discard(remote: hub.RemoteFile) -> None:
    """Cancel for good: delete the partial files of ``remote``."""
    for name, sha in zip(remote.parts, remote.part_sha256, strict=True):
        part = part_path(remote.repo_id, name, sha)
        part.unlink(missing_ok=True)
        verified_path(part).unlink(missing_ok=True)
        forget(part)


def verified_path(part: Path) -> Path:
    """Where a complete part whose checksum matched waits for the other parts of its model."""
    return part.with_suffix(".verified")


def forget(part: Path) -> None:
    """Remove a part's note and lock file (the part itself was installed, quarantined or deleted)."""
    sidecar(part).unlink(missing_ok=True)
    _lock_path(part).unlink(missing_ok=True)


def _lock_path(part: Path) -> Path:
    return part.with_name(part.name + ".lock")


def sidecar(part: Path) -> Path:
    """``<part>.json``: which model a partial file belongs to, so it can be listed after a restart."""
    return part.with_name(part.name + ".json")


def pending() -> list[tuple[hub.RemoteFile, int]]:
    """Unfinished downloads left in ``downloads_dir()`` (by an earlier run): model and bytes on disk."""
    out: dict[tuple[str, str], tuple[hub.RemoteFile, int]] = {}
    for meta in sorted(paths.downloads_dir().glob("*.part.json")):
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            remote = hub.RemoteFile(
                data["repo_id"], data["filename"], int(data["size"]), data["sha256"],
                tuple(data["parts"]), tuple(int(s) for s in data["part_sizes"]), tuple(data["part_sha256"]),
            )  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged note only hides the entry; the part file stays for a manual retry
        have, unfinished = 0, False
        for name, size, sha in zip(remote.parts, remote.part_sizes, remote.part_sha256, strict=True):
            part = part_path(remote.repo_id, name, sha)
            if verified_path(part).exists():
                have, unfinished = have + size, True
            elif part.exists():
                have, unfinished = have + part.stat().st_size, True
            elif (model_folder(remote.repo_id) / name).exists():
                have += size
        if unfinished:
            out[(remote.repo_id, remote.filename)] = (remote, have)
    return list(out.values())


def write_note(part: Path, remote: hub.RemoteFile) -> None:
    if not sidecar(part).exists():
        atomic.write_text(sidecar(part), json.dumps(dataclasses.asdict(remote)))


@contextmanager
def exclusive(part: Path, label: str) -> Iterator[None]:
    """One downloader per model: a second Hearth window or command gets a plain error."""
    busy = tr("{name} is already being downloaded by another Hearth window.").format(name=label)
    with datafile.locked(part, busy=busy):
        yield
