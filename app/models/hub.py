"""The Hugging Face Hub: search GGUF repos, list their files with sizes and sha256, read remote headers.

Everything goes through ``huggingface_hub`` (endpoint, auth, errors) with the endpoint read from
``HF_ENDPOINT`` at call time, so tests and mirrors work without re-importing. ``HF_HUB_OFFLINE``
stops every request with a plain message. Gated and private repos work with the token saved in
Settings → Models (the OS keyring, :func:`token`), else ``HF_TOKEN`` or a ``huggingface-cli login``
token (``huggingface_hub``'s own lookup). Telemetry is off. Every request to the Hub and its file
servers goes through the proxy set in Settings → Models (:func:`set_proxy`), when there is one.

A remote GGUF header is read with HTTP range requests (:class:`RangedReader`), only the bytes the
parser needs: fixed-size arrays are skipped, so even a 262k-token vocabulary costs a few MB. Reads
are bounded: each response is read only as far as was asked, a server answering a range with the
whole file (200) is stopped at once, and one header may fetch at most :data:`MAX_HEADER_FETCH`.
Every GGUF of a repo is planned from its own header (a repo may mix models, drafts and adapters).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app import secrets
from app.errors import HearthError
from app.i18n import tr
from app.models import fit, gguf, names

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
DEFAULT_ENDPOINT = "https://huggingface.co"
GIT_SHA1 = "git-sha1:"  # prefix of expected digests that are git blob ids, not sha256
MAX_HEADER_FETCH = 64 * 2**20  # real headers take a few MB; a hostile one may claim 10,000 x 16 MiB strings
HEADER_READERS = 4  # headers of one repo read at once
HF_TOKEN_ACCOUNT = "huggingface-token"  # the keyring account of the user's Hugging Face token
T = TypeVar("T")
_proxy = ""  # set_proxy


def token() -> str | None:
    """The Hugging Face token saved in Settings (OS keyring); None: huggingface_hub's own lookup."""
    return secrets.get(HF_TOKEN_ACCOUNT) or None


def proxy() -> str | None:
    return _proxy or None


def set_proxy(url: str) -> None:
    """Send every Hub and download request through the HTTP(S) proxy ``url`` ("" = directly) from now
    on; huggingface_hub's shared client is made again with it (what was in flight on it fails)."""
    global _proxy
    url = url.strip()
    if url == _proxy:
        return
    _proxy = url
    from huggingface_hub import set_client_factory
    from huggingface_hub.utils._http import hf_request_event_hook  # what the default factory installs

    set_client_factory(lambda: http_client(event_hooks={"request": [hf_request_event_hook]}))


def own_client() -> Any:
    """Hearth's own HTTP client for downloads and remote header reads (one per proxy setting), not
    huggingface_hub's shared one: huggingface_hub closes that one whenever a request on it cannot
    connect (its retry loop does, e.g. for a Hub listing while offline), which broke every download
    or header read using it at the time. Nothing closes this one."""
    return _own_client(proxy())


@functools.cache
def _own_client(proxy_url: str | None) -> Any:
    return http_client()


def http_client(**kwargs: Any) -> Any:
    """A new ``httpx2.Client`` (redirects followed, no timeout unless given) through the proxy, if any."""
    import httpx2

    kwargs.setdefault("follow_redirects", True)
    kwargs.setdefault("timeout", None)
    return httpx2.Client(proxy=proxy(), **kwargs)


def endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _check_online() -> None:
    if offline():
        raise HearthError(
            tr("Hub access is turned off (HF_HUB_OFFLINE is set); unset it to search or download.")
        )


@contextmanager
def plain_errors(what: str) -> Iterator[None]:
    """Turn huggingface_hub / HTTP exceptions into one plain sentence."""
    from huggingface_hub import errors

    try:
        yield
    except HearthError:
        raise
    except errors.GatedRepoError as exc:
        raise HearthError(
            tr(
                "{what}: the repo is gated. Accept its license on the Hub, then log in "
                "(huggingface-cli login) or set HF_TOKEN."
            ).format(what=what)
        ) from exc
    except errors.RepositoryNotFoundError as exc:
        raise HearthError(
            tr("{what}: no such model repo (or it is private: log in or set HF_TOKEN).").format(what=what)
        ) from exc
    except (errors.EntryNotFoundError, errors.RemoteEntryNotFoundError) as exc:
        raise HearthError(tr("{what}: the file does not exist in this repo.").format(what=what)) from exc
    except errors.RevisionNotFoundError as exc:
        raise HearthError(tr("{what}: unknown revision.").format(what=what)) from exc
    except errors.OfflineModeIsEnabled as exc:
        raise HearthError(tr("Hub access is turned off (HF_HUB_OFFLINE is set).")) from exc
    except errors.HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise HearthError(
            tr("{what}: the Hub answered with HTTP {status}. Try again later.").format(
                what=what, status=status
            )
        ) from exc
    except OSError as exc:  # includes httpx2 transport errors' bases on some versions
        raise HearthError(_unreachable(what, exc)) from exc
    except Exception as exc:
        if type(exc).__module__.startswith(("httpx", "httpcore")):
            raise HearthError(_unreachable(what, exc)) from exc
        raise


def _unreachable(what: str, exc: Exception) -> str:
    return tr("{what}: cannot reach the Hub at {endpoint} ({error}).").format(
        what=what, endpoint=endpoint(), error=exc
    )


def api() -> Any:
    from huggingface_hub import HfApi

    return HfApi(endpoint=endpoint(), library_name="hearth", token=token())


def _call(what: str, fn: Callable[[], T]) -> T:
    _check_online()
    with plain_errors(what):
        return fn()


@dataclass(frozen=True)
class RepoResult:
    repo_id: str
    downloads: int
    likes: int
    gated: bool
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemoteFile:
    """One downloadable model: a single GGUF, or all parts of a split GGUF."""

    repo_id: str
    filename: str  # the file to load (first part for split models)
    size: int
    sha256: str
    parts: tuple[str, ...] = ()  # every file to download, in order
    part_sizes: tuple[int, ...] = ()
    part_sha256: tuple[str, ...] = ()

    @property
    def quant(self) -> str:
        return names.quant_label(self.filename)


def search(query: str, limit: int = 30, sort: str = "downloads") -> list[RepoResult]:
    """GGUF model repos matching ``query``, most downloaded first."""

    def run() -> list[RepoResult]:
        found = api().list_models(search=query or None, filter="gguf", sort=sort, limit=limit)
        return [
            RepoResult(m.id, int(m.downloads or 0), int(m.likes or 0), bool(m.gated), tuple(m.tags or ()))
            for m in found
        ]

    return _call(tr("Search for {query}").format(query=repr(query)), run)


def files(repo_id: str, revision: str | None = None) -> list[RemoteFile]:
    """The GGUF models in a repo, with sizes and LFS sha256; split parts grouped into one entry."""
    info = _call(repo_id, lambda: api().model_info(repo_id, revision=revision, files_metadata=True))
    singles: list[RemoteFile] = []
    groups: dict[str, list[tuple[int, str, int, str]]] = {}
    for s in info.siblings or []:
        name = s.rfilename
        if not name.lower().endswith(".gguf") or "mmproj" in name.lower():
            continue
        size = int(s.lfs.size if s.lfs else s.size or 0)
        # LFS files carry a sha256; small files kept in git only their git blob id (a sha1)
        sha = s.lfs.sha256 if s.lfs else (f"{GIT_SHA1}{s.blob_id}" if s.blob_id else "")
        split = names.split_info(name)
        if split is None:
            singles.append(RemoteFile(repo_id, name, size, sha, (name,), (size,), (sha,)))
        else:
            groups.setdefault(f"{split[0]}/{split[2]}", []).append((split[1], name, size, sha))
    for parts in groups.values():
        parts.sort()
        if [p[0] for p in parts] != list(range(1, len(parts) + 1)):
            continue  # incomplete split set: not loadable
        singles.append(RemoteFile(repo_id, parts[0][1], sum(p[2] for p in parts), parts[0][3],
                                  tuple(p[1] for p in parts), tuple(p[2] for p in parts),
                                  tuple(p[3] for p in parts)))  # fmt: skip
    return sorted(singles, key=lambda f: f.size)


def file_url(repo_id: str, filename: str, revision: str | None = None) -> str:
    from huggingface_hub import hf_hub_url

    return str(hf_hub_url(repo_id, filename, revision=revision, endpoint=endpoint()))


@dataclass
class Resolved:
    """Where a file's bytes are (after the Hub's redirect) and how to ask for them."""

    url: str
    size: int
    commit: str
    headers: dict[str, str] = field(default_factory=dict)


def resolve(repo_id: str, filename: str, revision: str | None = None) -> Resolved:
    """HEAD the file on the Hub: CDN location, size, commit; auth only sent to the Hub itself."""
    from huggingface_hub import get_hf_file_metadata
    from huggingface_hub.utils._headers import build_hf_headers  # the public name is not re-exported

    url = file_url(repo_id, filename, revision)
    secret = token()
    meta = _call(f"{repo_id}/{filename}", lambda: get_hf_file_metadata(url, secret, endpoint=endpoint()))
    location = meta.location or url
    same_origin = _origin(location) == _origin(endpoint())
    headers = build_hf_headers(token=secret, library_name="hearth") if same_origin else {}
    headers["Accept-Encoding"] = "identity"
    return Resolved(location, int(meta.size or 0), str(meta.commit_hash or ""), headers)


def _origin(url: str) -> tuple[str, str, int | None]:
    from urllib.parse import urlparse

    p = urlparse(url)
    return p.scheme, (p.hostname or "").lower(), p.port


class RangedReader:
    """Seekable read-only view of a remote file over HTTP range requests, counting fetched bytes.

    Reads are served from one cached window; a miss fetches ``block`` bytes, doubling from 64 KiB
    to 256 KiB while reads stay sequential and falling back to 64 KiB after the parser seeks over
    an array. Readahead is what costs bytes beyond the header (at most about one block per skipped
    array plus one at the end), so blocks stay small; a gemma-3 header (262k tokens) takes ~20
    requests and under 5 MB.
    """

    MIN_BLOCK = 64 * 1024
    MAX_BLOCK = 256 * 1024

    def __init__(self, resolved: Resolved, block: int = MIN_BLOCK, client: Any = None) -> None:
        self.res = resolved
        self.size = resolved.size
        self.client = client or own_client()
        self.pos = 0
        self.block = block
        self.buf_start = 0
        self.buf = b""
        self.fetched = 0
        self.requests = 0

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0, /) -> int:
        base = {0: 0, 1: self.pos, 2: self.size}[whence]
        self.pos = max(0, base + offset)
        if not 0 <= self.pos - self.buf_start < len(self.buf):
            self.block = self.MIN_BLOCK  # a jump: readahead from here may be wasted again
        return self.pos

    def read(self, n: int, /) -> bytes:
        out = bytearray()
        while n > 0 and self.pos < self.size:
            off = self.pos - self.buf_start
            if 0 <= off < len(self.buf):
                chunk = self.buf[off : off + n]
            else:
                self._fetch(max(n, self.block))
                continue
            out += chunk
            self.pos += len(chunk)
            n -= len(chunk)
        return bytes(out)

    def _fetch(self, n: int) -> None:
        end = min(self.size, self.pos + n) - 1
        want = end + 1 - self.pos
        if self.fetched + want > MAX_HEADER_FETCH:
            raise gguf.GgufError(
                tr("The model header needs more than {mib} MiB; the file looks corrupt.").format(
                    mib=MAX_HEADER_FETCH // 2**20
                )
            )
        headers = dict(self.res.headers, Range=f"bytes={self.pos}-{end}")
        stream = self.client.stream("GET", self.res.url, headers=headers, follow_redirects=True, timeout=30)
        data = bytearray()
        with plain_errors(tr("Reading the model header")), stream as resp:
            whole = resp.status_code == 200 and self.pos == 0 and end == self.size - 1
            if resp.status_code == 200 and not whole:  # the range was ignored: stop before the body
                raise HearthError(
                    tr(
                        "Reading the model header: the server ignores byte ranges and started sending the "
                        "whole file, so Hearth stopped (download the model to see whether it fits)."
                    )
                )
            if resp.status_code not in (200, 206):
                raise HearthError(
                    tr("Reading the model header: the server answered HTTP {status}.").format(
                        status=resp.status_code
                    )
                )
            for block in resp.iter_raw():  # never more than was asked, whatever the server sends
                self.fetched += len(block)
                data += block[: want - len(data)]
                if len(data) >= want:
                    break
        self.requests += 1
        self.buf_start, self.buf = self.pos, bytes(data)
        self.block = min(self.block * 2, self.MAX_BLOCK)
        if not data:
            raise gguf.GgufError(tr("The remote file ended early."))


def read_remote_header(repo_id: str, filename: str, revision: str | None = None) -> gguf.GgufInfo:
    """Parse a GGUF header on the Hub without downloading the model."""
    resolved = resolve(repo_id, filename, revision)
    reader = RangedReader(resolved)
    info = gguf.read(reader)
    info.bytes_fetched = reader.fetched
    return info


def fit_remote(
    remote: RemoteFile,
    n_ctx: int,
    n_gpu_layers: int | None = 0,
    machine: fit.Machine | None = None,
    info: gguf.GgufInfo | None = None,
) -> tuple[fit.FitReport, gguf.GgufInfo]:
    """Memory plan for a file on the Hub (from its header ``info`` if already read); split models
    count every part's size."""
    info = info or read_remote_header(remote.repo_id, remote.filename)
    weights = remote.size - info.data_offset if len(remote.parts) > 1 else None
    return fit.plan(info, n_ctx, n_gpu_layers, machine, weights_bytes=weights), info


@dataclass(frozen=True)
class FilePlan:
    remote: RemoteFile
    report: fit.FitReport
    best: bool  # the highest-quality quant that fits comfortably


def plan_files(
    repo_id: str, n_ctx: int, machine: fit.Machine | None = None, revision: str | None = None
) -> tuple[list[FilePlan], int]:
    """Every GGUF in a repo with its memory plan; returns (plans, header bytes fetched).

    Each file is planned from its own header (read a few at a time): a repo may hold other models
    than its quants (a draft model, an adapter), with another architecture and another KV cache.
    """
    remotes = files(repo_id, revision)
    if not remotes:
        return [], 0
    machine = machine or fit.Machine.current()
    with ThreadPoolExecutor(HEADER_READERS, thread_name_prefix="gguf-header") as pool:
        infos = list(pool.map(lambda r: read_remote_header(repo_id, r.filename, revision), remotes))
    reports = [fit_remote(r, n_ctx, None, machine, info)[0] for r, info in zip(remotes, infos, strict=True)]
    good = [i for i, rep in enumerate(reports) if rep.fits and rep.kind != "tight"]
    good = good or [i for i, rep in enumerate(reports) if rep.fits]
    best = min(good, key=lambda i: (names.quality_rank(remotes[i].quant), -remotes[i].size), default=-1)
    plans = [FilePlan(r, rep, i == best) for i, (r, rep) in enumerate(zip(remotes, reports, strict=True))]
    return plans, sum(info.bytes_fetched for info in infos)


def check_reachable(timeout: float = 10.0) -> None:
    """Raise HearthError at once unless the Hub answers one request, made on a client of its own. For
    requests nobody asked for (the ranking of popular repos): through huggingface_hub an unreachable
    Hub costs ~20 s of retries, and each closes its shared client under every request in flight on it."""
    import httpx2

    _check_online()
    try:
        with http_client(timeout=timeout) as client:
            client.get(f"{endpoint()}/api/models", params={"limit": 1})
    except httpx2.TransportError as exc:
        raise HearthError(
            tr("The Hub at {endpoint} cannot be reached ({error}).").format(endpoint=endpoint(), error=exc)
        ) from exc


NOT_CHAT = ("sentence-similarity", "feature-extraction", "embeddings")
POPULAR_TRIES = 2  # headers read per popular repo at most


def popular(
    n_ctx: int, machine: fit.Machine, limit: int = 8, skip: set[str] | None = None
) -> list[tuple[FilePlan, gguf.GgufInfo]]:
    """The Hub's most downloaded GGUF chat models, each with its best file that fits (by the same
    plan as everything else) and that file's header. Repos that cannot be read (gated, gone), have no
    chat template or nothing that fits are left out."""
    check_reachable()
    out: list[tuple[FilePlan, gguf.GgufInfo]] = []
    for repo in search("", limit=limit * 2):
        if len(out) >= limit:
            break
        if repo.repo_id in (skip or set()) or repo.gated or any(t in NOT_CHAT for t in repo.tags):
            continue
        try:
            found = _best_fit(repo.repo_id, n_ctx, machine)
        except HearthError:
            continue
        if found is not None:
            out.append(found)
    return out


def _best_fit(repo_id: str, n_ctx: int, machine: fit.Machine) -> tuple[FilePlan, gguf.GgufInfo] | None:
    """The best-quality file of a repo that fits comfortably (else one that fits), reading the headers
    of at most :data:`POPULAR_TRIES` files, best quality first among those smaller than the free RAM
    (a ranking of many repos must not read every quant's header)."""
    remotes = sorted((r for r in files(repo_id) if r.size < machine.available_ram),
                     key=lambda r: (names.quality_rank(r.quant), -r.size))  # fmt: skip
    fallback = None
    for remote in remotes[:POPULAR_TRIES]:
        report, info = fit_remote(remote, n_ctx, None, machine)
        if not info.has_chat_template:
            return None
        if report.fits and report.kind != "tight":
            return FilePlan(remote, report, True), info
        if report.fits and fallback is None:
            fallback = FilePlan(remote, report, True), info
    return fallback
