"""A loopback Hugging Face Hub: real HTTP on 127.0.0.1, selected with ``HF_ENDPOINT``.

The Hub cannot be reached from these machines, so this is the one fake in the model-library tests.
It speaks the subset of the Hub API that ``huggingface_hub`` 2.4 uses (routes, headers, error
codes), serves REAL bytes (the starter GGUF, generated GGUFs), and injects faults:

* ``GET /api/models?search=&filter=&sort=&limit=``: model list
* ``GET /api/models/{repo}[/revision/{rev}]``: model info with ``siblings`` (size and lfs with ``blobs=1``)
* ``GET /api/models/{repo}/tree/{rev}``, ``POST /api/models/{repo}/paths-info/{rev}``: lfs sha256/size
* ``HEAD|GET /{repo}/resolve/{rev}/{file}``: 302 to a second server on another port (the "CDN", a
  different origin, so clients stop there and read ``X-Linked-Etag``/``X-Linked-Size``/``X-Repo-Commit``
  like on the real Hub); the CDN answers ``Range`` with 206, ``Accept-Ranges: bytes``.
* gated repos: resolve answers 401 ``X-Error-Code: GatedRepo`` without the right bearer token.

Faults (see :class:`Faults`): drop the connection after N bytes, 5xx answers, corrupt bytes
(hash mismatch), a bandwidth limit, expired CDN addresses (403, now or after N bytes of each
signed address), a CDN that ignores ``Range``. Counters record requests (with their
``Authorization`` header) and bytes sent per file.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlparse

COMMIT = "a" * 40
CHUNK = 1 << 20


@dataclass
class HubFile:
    path: Path  # served bytes come from this real file
    size: int = 0
    sha256: str = ""
    lfs: bool = True  # False: a small file kept in git, known only by its git blob id (sha1)
    git_oid: str = ""

    def __post_init__(self) -> None:
        self.size = self.path.stat().st_size
        h = hashlib.sha256()
        g = hashlib.sha1(b"blob %d\0" % self.size, usedforsecurity=False)
        with self.path.open("rb") as fh:
            while block := fh.read(CHUNK):
                h.update(block)
                g.update(block)
        self.sha256 = self.sha256 or h.hexdigest()
        self.git_oid = g.hexdigest()


@dataclass
class HubRepo:
    repo_id: str
    files: dict[str, HubFile] = field(default_factory=dict)
    gated: bool = False
    downloads: int = 1000
    likes: int = 10
    tags: list[str] = field(default_factory=lambda: ["gguf", "text-generation"])
    sha: str = COMMIT


@dataclass
class Faults:
    drop_after: int | None = None  # close the connection after this many body bytes...
    drop_times: int = 0  # ...this many times
    drop_only: str = ""  # ...only when sending this file (all files when empty)
    errors_5xx: int = 0  # answer the next N file requests with 503
    corrupt_at: int | None = None  # flip the byte at this offset of every served body
    rate_bps: int | None = None  # bandwidth limit per response
    expired: int = 0  # answer the next N file requests with 403, like an expired signed CDN address
    expire_after: int | None = None  # each signed address serves this many bytes, then answers 403
    ignore_range: bool = False  # answer Range requests with the whole file (200), like some mirrors


@dataclass
class Stats:
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, range
    authorization: list[tuple[str, str]] = field(default_factory=list)  # ("hub" | "cdn", header or "")
    bytes_sent: dict[str, int] = field(default_factory=dict)
    signed: dict[int, int] = field(default_factory=dict)  # bytes served per signed address

    def sent(self, filename: str) -> int:
        return self.bytes_sent.get(filename, 0)


class FakeHub:
    """``with FakeHub() as hub: hub.add_file("me/repo", "x.gguf", path)``; ``hub.url`` is the endpoint."""

    def __init__(self, token: str = "hf_test_token") -> None:
        self.repos: dict[str, HubRepo] = {}
        self.faults = Faults()
        self.stats = Stats()
        self.token = token
        self.lock = threading.Lock()
        self._hub = _server(self, cdn=False)
        self._cdn = _server(self, cdn=True)
        self.url = f"http://127.0.0.1:{self._hub.server_address[1]}"
        self.cdn_url = f"http://127.0.0.1:{self._cdn.server_address[1]}"
        self._threads = [
            threading.Thread(target=s.serve_forever, args=(0.05,), daemon=True)
            for s in (self._hub, self._cdn)
        ]

    def __enter__(self) -> FakeHub:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for s in (self._hub, self._cdn):
            s.shutdown()
            s.server_close()
        for t in self._threads:
            t.join(timeout=5)

    def add_file(self, repo_id: str, filename: str, path: Path, lfs: bool = True, **repo_kw: Any) -> HubFile:
        repo = self.repos.setdefault(repo_id, HubRepo(repo_id, **repo_kw))
        repo.files[filename] = HubFile(path, lfs=lfs)
        return repo.files[filename]

    def file_url(self, repo_id: str, filename: str) -> str:
        """Direct CDN address of a file (for plain-GET comparisons in the benchmark)."""
        sha = self.repos[repo_id].files[filename].sha256
        return f"{self.cdn_url}/cdn/{quote(repo_id)}/{sha}?file={quote(filename)}"


def _server(hub: FakeHub, cdn: bool) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"hub": hub, "is_cdn": cdn})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    return server


_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
_INFO = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)(?:/revision/(?P<rev>[^/]+))?$")
_TREE = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)/(?P<kind>tree|paths-info)/(?P<rev>[^/]+)(?:/.*)?$")
_CDN = re.compile(r"^/cdn/(?P<repo>[^/]+/[^/]+)/(?P<sha>[0-9a-f]{64})$")


class _Handler(BaseHTTPRequestHandler):
    hub: FakeHub
    is_cdn: bool
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    # -- plumbing -------------------------------------------------------------------------------
    def _json(self, obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, code: str, message: str) -> None:
        self._json({"error": message}, status, {"X-Error-Code": code, "X-Error-Message": message})

    def _repo(self, repo_id: str) -> HubRepo | None:
        repo = self.hub.repos.get(unquote(repo_id))
        if repo is None:
            self._error(404, "RepoNotFound", "Repository not found")
        return repo

    def _authorized(self, repo: HubRepo) -> bool:
        if not repo.gated:
            return True
        auth = self.headers.get("Authorization", "")
        if auth == f"Bearer {self.hub.token}":
            return True
        status = 403 if auth else 401
        self._error(status, "GatedRepo", "Access to model is restricted. You must have access to it.")
        return False

    def _entry(self, name: str, f: HubFile) -> dict[str, Any]:
        if not f.lfs:
            return {"type": "file", "oid": f.git_oid, "size": f.size, "path": name}
        oid = hashlib.sha1(f.sha256.encode(), usedforsecurity=False).hexdigest()  # the pointer file's id
        return {"type": "file", "oid": oid, "size": f.size, "path": name,
                "lfs": {"oid": f.sha256, "size": f.size, "pointerSize": 134}}  # fmt: skip

    def _record(self) -> None:
        with self.hub.lock:
            self.hub.stats.requests.append((self.command, self.path, self.headers.get("Range", "")))
            origin = "cdn" if self.is_cdn else "hub"
            self.hub.stats.authorization.append((origin, self.headers.get("Authorization", "")))

    # -- routes ---------------------------------------------------------------------------------
    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self._record()
        url = urlparse(self.path)
        if self.is_cdn:
            m = _CDN.match(url.path)
            return self._serve_file(m, parse_qs(url.query)) if m else self._error(404, "", "Not found")
        query = parse_qs(url.query)
        if url.path == "/api/models":
            return self._list(query)
        if m := _TREE.match(url.path):
            return self._tree(m.group("repo"), None)
        if m := _INFO.match(url.path):
            return self._info(m.group("repo"), query)
        if m := _RESOLVE.match(url.path):
            return self._resolve(m.group("repo"), unquote(m.group("file")))
        self._error(404, "", "Not found")

    def do_POST(self) -> None:
        self._record()
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        m = _TREE.match(urlparse(self.path).path)
        if m and m.group("kind") == "paths-info":
            return self._tree(m.group("repo"), form.get("paths", []))
        self._error(404, "", "Not found")

    def _list(self, query: dict[str, list[str]]) -> None:
        search = (query.get("search") or [""])[0].lower()
        filters = query.get("filter", [])
        out = []
        for repo in self.hub.repos.values():
            if search and search not in repo.repo_id.lower():
                continue
            if any(f not in repo.tags for f in filters):
                continue
            out.append({"id": repo.repo_id, "_id": repo.repo_id, "modelId": repo.repo_id,
                        "downloads": repo.downloads, "likes": repo.likes, "tags": repo.tags,
                        "gated": "auto" if repo.gated else False, "private": False,
                        "library_name": "gguf", "pipeline_tag": "text-generation",
                        "createdAt": "2025-01-01T00:00:00.000Z"})  # fmt: skip
        sort = (query.get("sort") or ["downloads"])[0]
        if sort in ("downloads", "likes"):
            out.sort(key=lambda r: -int(str(r[sort])))
        limit = int((query.get("limit") or ["1000"])[0])
        self._json(out[:limit])

    def _info(self, repo_id: str, query: dict[str, list[str]]) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        blobs = query.get("blobs", ["false"])[0].lower() == "true"
        siblings = []
        for name, f in repo.files.items():
            entry: dict[str, Any] = {"rfilename": name}
            if blobs:
                entry.update(size=f.size, blobId=self._entry(name, f)["oid"])
                if f.lfs:
                    entry["lfs"] = {"size": f.size, "sha256": f.sha256, "pointerSize": 134}
            siblings.append(entry)
        self._json({"id": repo.repo_id, "_id": repo.repo_id, "modelId": repo.repo_id, "sha": repo.sha,
                    "private": False, "gated": "auto" if repo.gated else False, "disabled": False,
                    "downloads": repo.downloads, "likes": repo.likes, "tags": repo.tags,
                    "library_name": "gguf", "siblings": siblings,
                    "createdAt": "2025-01-01T00:00:00.000Z",
                    "lastModified": "2025-01-02T00:00:00.000Z"})  # fmt: skip

    def _tree(self, repo_id: str, paths: list[str] | None) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        names = [p for p in paths if p in repo.files] if paths is not None else list(repo.files)
        self._json([self._entry(n, repo.files[n]) for n in names])

    def _resolve(self, repo_id: str, filename: str) -> None:
        repo = self._repo(repo_id)
        if repo is None or not self._authorized(repo):
            return
        f = repo.files.get(filename)
        if f is None:
            return self._error(404, "EntryNotFound", f"{filename} does not exist on main")
        with self.hub.lock:  # a new signed address per resolve
            signature = len(self.hub.stats.signed)
            self.hub.stats.signed[signature] = 0
        self.send_response(302)
        self.send_header(
            "Location",
            f"{self.hub.cdn_url}/cdn/{repo.repo_id}/{f.sha256}?file={quote(filename)}&sig={signature}",
        )
        self.send_header("X-Repo-Commit", repo.sha)
        self.send_header("X-Linked-Etag", f'"{f.sha256}"')
        self.send_header("ETag", '"pointer-etag"')
        self.send_header("X-Linked-Size", str(f.size))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _serve_file(self, m: re.Match[str], query: dict[str, list[str]]) -> None:
        repo = self.hub.repos.get(m.group("repo"))
        name = (query.get("file") or [""])[0]
        f = repo.files.get(name) if repo else None
        if f is None or f.sha256 != m.group("sha"):
            return self._error(404, "", "Not found")
        faults = self.hub.faults
        signature = int((query.get("sig") or ["-1"])[0])
        with self.hub.lock:
            fail = faults.errors_5xx > 0
            if fail:
                faults.errors_5xx -= 1
            expired = faults.expired > 0
            if expired:
                faults.expired -= 1
            served = self.hub.stats.signed.get(signature, 0)
            expired = expired or (faults.expire_after is not None and served >= faults.expire_after)
        if fail:
            return self._error(503, "", "Service temporarily unavailable")
        if expired:
            return self._error(403, "", "Request has expired")
        start, end = 0, f.size - 1
        rng = None if faults.ignore_range else self.headers.get("Range")
        if rng:
            mr = re.fullmatch(r"bytes=(\d*)-(\d*)", rng.strip())
            if not mr or (mr.group(1) and int(mr.group(1)) >= f.size):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{f.size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if mr.group(1):
                start = int(mr.group(1))
                end = min(int(mr.group(2)), f.size - 1) if mr.group(2) else f.size - 1
            else:  # suffix range
                start = max(0, f.size - int(mr.group(2)))
        length = end - start + 1
        self.send_response(206 if rng else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{f.sha256}"')
        self.send_header("Content-Length", str(length))
        if rng:
            self.send_header("Content-Range", f"bytes {start}-{end}/{f.size}")
        self.end_headers()
        if self.command == "HEAD":
            return
        self._send_body(f, name, start, length, signature)

    def _send_body(self, f: HubFile, name: str, start: int, length: int, signature: int) -> None:
        faults = self.hub.faults
        with self.hub.lock:
            drop = faults.drop_after if faults.drop_times > 0 and faults.drop_only in ("", name) else None
            if drop is not None:
                faults.drop_times -= 1
            if faults.expire_after is not None:  # the address expires mid-transfer: the connection ends
                left = faults.expire_after - self.hub.stats.signed.get(signature, 0)
                drop = left if drop is None else min(drop, left)
        sent = 0
        t0 = time.monotonic()
        with f.path.open("rb") as fh:
            fh.seek(start)
            while sent < length:
                n = min(CHUNK if faults.rate_bps is None else max(1024, faults.rate_bps // 20), length - sent)
                if drop is not None:
                    n = min(n, drop - sent)
                block = bytearray(fh.read(n))
                c = faults.corrupt_at
                if c is not None and start + sent <= c < start + sent + len(block):
                    block[c - start - sent] ^= 0xFF
                try:
                    self.wfile.write(block)
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent += len(block)
                with self.hub.lock:
                    self.hub.stats.bytes_sent[name] = self.hub.stats.bytes_sent.get(name, 0) + len(block)
                    if signature in self.hub.stats.signed:
                        self.hub.stats.signed[signature] += len(block)
                if drop is not None and sent >= drop:
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if faults.rate_bps:
                    ahead = sent / faults.rate_bps - (time.monotonic() - t0)
                    if ahead > 0:
                        time.sleep(ahead)
