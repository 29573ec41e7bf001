"""Resumable, sha256-verified model downloads from the Hub, as generators of :class:`Progress`.

Bytes go to ``downloads_dir()/<repo>__<file>.<sha>.part`` and are resumed with HTTP ``Range`` on
the next run (the part's name carries the expected sha256, so a changed upstream file never
resumes onto stale bytes). Transient failures (connection drops, timeouts, 429/5xx) are retried
with exponential backoff; the retry budget resets whenever bytes arrive. A signed CDN address that
expires (401/403) is asked of the Hub again, at every expiry as long as bytes arrived since the
last one. When a file is complete its sha256 (hashed while receiving, on a helper thread, plus the
resumed prefix) is compared with the Hub's LFS sha256 (small files kept in git: their git blob id):
a mismatch moves the bytes to ``downloads_dir()/quarantine`` and raises a plain error; a match
keeps them as ``<part>.verified``. Only when EVERY part of a model is verified are they moved into
``models_dir()`` (renames, the first part last, the folder fsynced), each with its checksum beside
it: a split model is installed whole or not at all. A file the Hub gave no checksum for is not
installed at all. Cancelling (the token) keeps the part files: that is "pause"; :func:`discard`
deletes them: that is "cancel".
"""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from app import atomic, paths
from app.cancel import CancelToken
from app.errors import HearthError
from app.i18n import tr
from app.models import hub, library, partial
from app.models.partial import discard, model_folder, part_path, pending

__all__ = ["Progress", "discard", "download", "find_remote", "model_folder", "part_path", "pending"]

CHUNK = 1 << 20  # blocks written and hashed (received in 64 KiB reads, joined: few hand-offs)
SYNC_EVERY = 32 * 2**20  # written bytes flushed to disk while still receiving
_datasync = getattr(os, "fdatasync", os.fsync)  # (no fdatasync on macOS/Windows)
DISK_MARGIN = 64 * 2**20
TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}
State = Literal["resuming", "downloading", "retrying", "verifying", "installing", "done", "paused"]


@dataclass(frozen=True)
class Progress:
    filename: str
    done_bytes: int
    total_bytes: int
    speed_bps: float
    eta_s: float | None
    state: State
    message: str = ""

    @property
    def fraction(self) -> float:
        return self.done_bytes / self.total_bytes if self.total_bytes else 0.0


def find_remote(repo_id: str, filename: str, revision: str | None = None) -> hub.RemoteFile:
    """The listing entry for ``filename`` (any part of a split model selects the whole model)."""
    for remote in hub.files(repo_id, revision):
        if filename in remote.parts:
            return remote
    raise HearthError(tr("{repo} has no GGUF file named {file}.").format(repo=repo_id, file=filename))


class _Speed:
    """Bytes per second over the last few seconds."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, int]] = []

    def add(self, done: int) -> float:
        now = time.monotonic()
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[0][0] > 3.0:
            self.samples.pop(0)
        (t0, d0) = self.samples[0]
        return (done - d0) / (now - t0) if now > t0 else 0.0


def download(
    remote: hub.RemoteFile,
    cancel: CancelToken | None = None,
    revision: str | None = None,
    retries: int = 6,
    backoff: float = 0.5,
    chunk: int | None = None,
) -> Generator[Progress, None, Path]:
    """Download every part of ``remote`` into the library; returns the path to load."""
    cancel = cancel or CancelToken()
    if not all(remote.part_sha256):
        raise HearthError(
            tr("The Hub gave no checksum for {file}; Hearth does not install unverified files.").format(
                file=remote.filename
            )
        )
    folder = model_folder(remote.repo_id)
    first = part_path(remote.repo_id, remote.parts[0], remote.part_sha256[0])
    with partial.exclusive(first, remote.filename):  # one downloader per model
        done_before = 0
        speed = _Speed()
        staged: list[tuple[Path, Path, str]] = []  # (verified part, where it goes, its sha256)
        for name, size, sha in zip(remote.parts, remote.part_sizes, remote.part_sha256, strict=True):
            target, expected = folder / name, sha.removeprefix(hub.GIT_SHA1)
            if _installed_sha(target, size) == expected:
                done_before += size
                continue
            part = part_path(remote.repo_id, name, sha)
            ready = partial.verified_path(part)
            if not (ready.is_file() and ready.stat().st_size == size):  # else: verified in an earlier run
                yield from _download_part(remote, name, size, sha, target, cancel, revision, retries, backoff,
                                          chunk, done_before, speed)  # fmt: skip
            staged.append((ready, target, expected))
            done_before += size
        if staged:
            yield Progress(remote.filename, remote.size, remote.size, 0.0, 0.0, "installing")
            _install(remote, staged)
    yield Progress(remote.filename, remote.size, remote.size, 0.0, 0.0, "done")
    return folder / remote.parts[0]


def _installed_sha(target: Path, size: int) -> str:
    """The verified sha256 of an installed file of the right size ("" if none): kept beside it, or
    (installed before checksums were kept there) recorded in the library list, then moved beside it."""
    if not target.is_file() or target.stat().st_size != size:
        return ""
    verified = library.verified(target)
    if verified:
        return str(verified["sha256"])
    entry = library.manifest().get(str(target), {})
    sha = str(entry.get("sha256", ""))
    if sha:
        library.add_verified(target, sha, str(entry.get("source", "import")))
    return sha


def _install(remote: hub.RemoteFile, staged: list[tuple[Path, Path, str]]) -> None:
    """Move verified parts into the library, the first part (the one that is listed and loaded) last,
    so an interruption never leaves a loadable-looking partial set."""
    for ready, target, sha in reversed(staged):
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic.replace(ready, target)
        library.add_verified(target, sha, f"hf://{remote.repo_id}/{target.name}")
        partial.forget(ready.with_suffix(".part"))


def _check_disk(part: Path, target: Path, remaining: int) -> None:
    for folder in {part.parent, target.parent}:
        free = shutil.disk_usage(folder).free
        if free < remaining + DISK_MARGIN:
            raise HearthError(
                tr("Not enough disk space in {folder}: {needed} GB needed, {free} GB free.").format(
                    folder=folder, needed=f"{remaining / 2**30:.2f}", free=f"{free / 2**30:.2f}"
                )
            )


def _new_hasher(expected: str, size: int) -> Any:
    """sha256 for LFS files; for files stored in git, the git blob id: sha1 of "blob <size>\\0" + bytes."""
    if expected.startswith(hub.GIT_SHA1):
        return hashlib.sha1(b"blob %d\0" % size, usedforsecurity=False)
    return hashlib.sha256()


def _hash_prefix(part: Path, cancel: CancelToken, expected: str, size: int) -> Any:
    h = _new_hasher(expected, size)
    with part.open("rb") as fh:
        while block := fh.read(8 * CHUNK):
            cancel.raise_if_cancelled()
            h.update(block)
    return h


def _download_part(
    remote: hub.RemoteFile,
    name: str,
    size: int,
    sha: str,
    target: Path,
    cancel: CancelToken,
    revision: str | None,
    retries: int,
    backoff: float,
    chunk: int | None,
    done_before: int,
    speed: _Speed,
) -> Generator[Progress, None, None]:
    import httpx2

    total = remote.size
    part = part_path(remote.repo_id, name, sha)
    part.parent.mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    have = part.stat().st_size if part.exists() else 0
    if have > size:
        part.unlink()
        have = 0
    _check_disk(part, target, size - have)
    partial.write_note(part, remote)
    if have:
        yield Progress(
            name, done_before + have, total, 0.0, None, "resuming", tr("checking the partial file")
        )
    hasher = _hash_prefix(part, cancel, sha, size) if have else _new_hasher(sha, size)
    resolved = hub.resolve(remote.repo_id, name, revision)
    if resolved.size and resolved.size != size:
        raise HearthError(
            tr("{name}: the Hub reports {reported} bytes but listed {listed}; try again.").format(
                name=name, reported=resolved.size, listed=size
            )
        )
    client = hub.own_client()
    failures = 0
    refreshed_at: int | None = None  # bytes we had when the address was last asked again
    last_emit = 0.0
    while have < size:
        cancel.raise_if_cancelled()
        headers = dict(resolved.headers)
        if have:
            headers["Range"] = f"bytes={have}-"
        try:
            with client.stream("GET", resolved.url, headers=headers, follow_redirects=True,
                               timeout=httpx2.Timeout(30.0, read=60.0)) as resp:  # fmt: skip
                if resp.status_code in TRANSIENT_STATUS:
                    raise _Transient(f"HTTP {resp.status_code}")
                if resp.status_code in (401, 403) and (refreshed_at is None or have > refreshed_at):
                    # signed CDN addresses expire (a long or resumed download): ask the Hub again, at
                    # each expiry as long as the last new address brought bytes
                    refreshed_at = have
                    resolved = hub.resolve(remote.repo_id, name, revision)
                    raise _Transient(
                        tr("HTTP {status} from the file server; asked the Hub again").format(
                            status=resp.status_code
                        )
                    )
                if resp.status_code == 416 and have >= size:
                    break
                if resp.status_code == 200 and have:  # server ignored Range: start over
                    have, hasher = 0, _new_hasher(sha, size)
                    part.unlink(missing_ok=True)
                elif resp.status_code not in (200, 206):
                    raise HearthError(
                        tr("Downloading {name}: the server answered HTTP {status}.").format(
                            name=name, status=resp.status_code
                        )
                    )
                with part.open("ab") as fh:
                    with _Sink(fh, hasher, chunk or CHUNK) as sink:
                        for piece in resp.iter_raw():
                            sink.put(piece)
                            have += len(piece)
                            failures = 0
                            now = time.monotonic()
                            if now - last_emit >= 0.1:
                                last_emit = now
                                bps = speed.add(done_before + have)
                                eta = (total - done_before - have) / bps if bps > 0 else None
                                yield Progress(name, done_before + have, total, bps, eta, "downloading")
                            cancel.raise_if_cancelled()
                    os.fsync(fh.fileno())  # little left to write: the sink synced as it went
                if have < size:
                    raise _Transient(tr("the connection closed early"))
        except (httpx2.TransportError, _Transient) as exc:
            failures += 1
            if failures > retries:
                raise HearthError(
                    tr(
                        "Downloading {name} failed after {retries} retries ({error}); run it again to resume."
                    ).format(name=name, retries=retries, error=exc)
                ) from exc
            wait = min(backoff * 2 ** (failures - 1), 30.0)
            note = tr("{error}; retry {n}/{retries} in {seconds} s").format(
                error=exc, n=failures, retries=retries, seconds=f"{wait:.1f}"
            )
            yield Progress(name, done_before + have, total, 0.0, None, "retrying", note)
            _sleep(wait, cancel)
            on_disk = part.stat().st_size if part.exists() else 0
            if on_disk != have:  # a block was written but not hashed (or vice versa): rehash
                hasher = _hash_prefix(part, cancel, sha, size) if on_disk else _new_hasher(sha, size)
                have = on_disk
    yield Progress(name, done_before + have, total, 0.0, None, "verifying", tr("checking sha256"))
    _verify(part, target, hasher.hexdigest(), sha.removeprefix(hub.GIT_SHA1), size)


class _Transient(Exception):
    pass


class _Sink:
    """Writes and hashes what arrives, in ``block``-sized pieces, on a helper thread (file writes
    and hashlib release the GIL), so the receiving thread only receives: on a machine with a free
    core, verification costs no wall time. It also flushes the file to disk every
    :data:`SYNC_EVERY` bytes while receiving, so the fsync before the install has little left to
    do. Leaving the block drains the queue: every byte handed over (also when the connection broke
    off) is on disk and hashed."""

    def __init__(self, fh: Any, hasher: Any, block: int) -> None:
        self.fh, self.hasher, self.block = fh, hasher, block
        self.buf = bytearray()
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=32)
        self.thread = threading.Thread(target=self._run, name="download-sink", daemon=True)
        self.error: BaseException | None = None

    def __enter__(self) -> _Sink:
        self.thread.start()
        return self

    def put(self, piece: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.buf += piece
        if len(self.buf) >= self.block:
            self.queue.put(bytes(self.buf))
            self.buf.clear()

    def _run(self) -> None:
        unsynced = 0
        try:
            while (block := self.queue.get()) is not None:
                self.fh.write(block)
                self.hasher.update(block)
                unsynced += len(block)
                if unsynced >= SYNC_EVERY:
                    self.fh.flush()
                    _datasync(self.fh.fileno())
                    unsynced = 0
            self.fh.flush()
        except BaseException as exc:  # reported to the downloading thread
            self.error = exc
            while self.queue.get() is not None:
                pass

    def __exit__(self, *exc: object) -> None:
        if self.buf and self.error is None:
            self.queue.put(bytes(self.buf))
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def _sleep(seconds: float, cancel: CancelToken) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        cancel.raise_if_cancelled()
        time.sleep(min(0.05, max(0.0, end - time.monotonic())))


def _verify(part: Path, target: Path, got: str, expected: str, size: int) -> None:
    """Keep a complete part as ``<part>.verified``, or quarantine it and raise if its checksum is wrong."""
    if part.stat().st_size != size or got != expected:
        quarantine = paths.downloads_dir() / "quarantine"
        quarantine.mkdir(exist_ok=True)
        bad = quarantine / part.name.removesuffix(".part")
        os.replace(part, bad)
        partial.forget(part)
        raise HearthError(
            tr(
                "{name} is corrupt: its SHA-256 does not match the Hub's, so it was not installed "
                "(moved to {path}). Download it again."
            ).format(name=target.name, path=bad)
        )
    atomic.replace(part, partial.verified_path(part))
