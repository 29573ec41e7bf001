"""Hostile files for ``bench fuzz`` and the tests: mutated GGUF headers and PDFs, reproducible by seed.

GGUF mutations start from real generated models (``gguf_write``): truncation at every structural
boundary (each field the parser reads, found by recording its reads), bit flips, huge counts and
lengths written into the 8-byte fields, wrong value and tensor types written into the 4-byte
fields. PDF mutations start from generated PDFs (``pdfs``) and hand-written ones: truncations
(at object, stream and xref boundaries and anywhere), broken cross-reference tables, bad streams
(garbage, wrong lengths, bogus or chained filters), deep nesting (arrays, dictionaries, page
trees), huge or looping page trees, encrypted files with damaged encryption dictionaries, and bit
flips. Each case is ``Case(kind, label, data)``; nothing here runs the app (see ``bench/fuzz.py``).
"""

from __future__ import annotations

import io
import random
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.models import gguf
from tests.support import gguf_write, pdfs


@dataclass(frozen=True)
class Case:
    kind: str  # mutation kind (the report counts per kind)
    label: str  # what exactly was done, to reproduce it
    data: bytes


# -- GGUF -----------------------------------------------------------------------------------------


class _Recorder(io.BytesIO):
    """Records (offset, size) of every read the parser makes: the header's field boundaries."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads: list[tuple[int, int]] = []

    def read(self, n: int | None = -1, /) -> bytes:
        at = self.tell()
        out = super().read(n)
        self.reads.append((at, len(out)))
        return out


def gguf_seeds(folder: Path) -> list[tuple[str, bytes]]:
    """Real headers to mutate: a small llama (string arrays read, not skipped) and one whose
    vocabulary is long enough to be skipped in blocks."""
    small = gguf_write.tiny_llama(folder / "small.gguf", n_vocab=40)
    vocab = gguf_write.tiny_llama(folder / "vocab.gguf", n_vocab=3000, n_layers=3)
    return [(p.stem, p.read_bytes()) for p in (small, vocab)]


def _fields(data: bytes) -> list[tuple[int, int]]:
    rec = _Recorder(data)
    gguf.read(rec)
    return sorted({r for r in rec.reads if r[1] in (4, 8)})


HUGE = (2**64 - 1, 2**63, 2**32, 2**31 - 1, gguf.MAX_ARRAY + 1, gguf.MAX_STRING + 1, 10**12)


def gguf_cases(folder: Path, seed: int = 0, per_kind: int | None = None) -> Iterator[Case]:
    """Mutated GGUF files (each kind capped at ``per_kind`` cases, chosen by ``seed``)."""
    rng = random.Random(seed)
    for name, data in gguf_seeds(folder):
        rec = _Recorder(data)
        info = gguf.read(rec)
        header = info.data_offset
        boundaries = sorted({at for at, _ in rec.reads} | {at + 1 for at, _ in rec.reads} | {header})
        fields = _fields(data)
        kinds: dict[str, list[Case]] = {"truncated": [], "bit flip": [], "huge count": [], "wrong type": []}
        for at in boundaries:
            kinds["truncated"].append(Case("truncated", f"{name}: cut at byte {at}", data[:at]))
        for _ in range(150):
            pos, bit = rng.randrange(header), rng.randrange(8)
            flipped = bytearray(data)
            flipped[pos] ^= 1 << bit
            kinds["bit flip"].append(Case("bit flip", f"{name}: byte {pos} bit {bit}", bytes(flipped)))
        for at, size in fields:
            if size == 8:
                for value in rng.sample(HUGE, 2):
                    body = data[:at] + struct.pack("<Q", value) + data[at + 8 :]
                    kinds["huge count"].append(Case("huge count", f"{name}: u64 at {at} = {value}", body))
            else:
                for value in (rng.randrange(13, 64), rng.choice((2**31, 2**32 - 1, 7, 8, 9, 10))):
                    body = data[:at] + struct.pack("<I", value) + data[at + 4 :]
                    kinds["wrong type"].append(Case("wrong type", f"{name}: u32 at {at} = {value}", body))
        for cases in kinds.values():
            yield from rng.sample(cases, min(per_kind, len(cases))) if per_kind else cases


# -- PDF ------------------------------------------------------------------------------------------


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF with these object bodies (object i+1 = objects[i]) and a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _stream(content: bytes, extra: bytes = b"", length: int | None = None) -> bytes:
    n = len(content) if length is None else length
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (n, extra, content)


TEXT = b"BT /F1 12 Tf 72 720 Td (The fuzzed page still has words.) Tj ET"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def one_page(page_extra: bytes = b"", pages: bytes = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             content: bytes | None = None) -> bytes:  # fmt: skip
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
    page += b"/Resources << /Font << /F1 5 0 R >> >> %s >>" % page_extra
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", pages, page, content or _stream(TEXT), FONT])


def _deep(rng: random.Random) -> Iterator[tuple[str, bytes]]:
    for depth in (500, 5_000, 50_000, 200_000):
        yield f"array nested {depth} deep", one_page(b"/Junk " + b"[" * depth + b"]" * depth)
        yield f"dictionary nested {depth} deep", one_page(b"/Junk " + b"<< /A " * depth + b">>" * depth)
    for depth in (100, 1_000, 5_000):  # a chain of page-tree nodes
        objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
        for i in range(depth):
            objs.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (i + 3))
        objs.append(b"<< /Type /Page /MediaBox [0 0 612 792] /Contents %d 0 R >>" % (depth + 3))
        objs.append(_stream(TEXT))
        yield f"page tree {depth} levels deep", raw_pdf(objs)
    for depth in (1_000, 20_000):
        content = _stream(b"q " * depth + TEXT + b" Q" * depth)
        yield f"content with {depth} nested q", one_page(content=content)
    for _ in range(12):
        depth = rng.randrange(100, 100_000)
        yield f"mixed nesting {depth}", one_page(b"/Junk " + b"[<< /A " * depth + b">>]" * depth)


def _pages(kids: bytes, count: int) -> bytes:
    return one_page(pages=b"<< /Type /Pages /Kids %s /Count %d >>" % (kids, count))


def _huge_pages(rng: random.Random) -> Iterator[tuple[str, bytes]]:
    for count in (2**31 - 1, 2**63, 10**12, -1, 0):
        yield f"/Count {count}", _pages(b"[3 0 R]", count)
    yield "page tree loops to itself", _pages(b"[2 0 R]", 1)
    yield "page tree loops through a page", _pages(b"[3 0 R 2 0 R]", 2)
    for kids in (1_000, 20_000, 200_000):
        yield f"{kids} kids, one page", _pages(b"[" + b" ".join([b"3 0 R"] * kids) + b"]", kids)
    for _ in range(14):
        count = rng.choice((rng.randrange(2, 10**9), -rng.randrange(1, 10**6)))
        yield f"/Count {count} (random)", _pages(b"[3 0 R]", count)
    yield "Kids is not an array", _pages(b"3 0 R", 1)
    yield "Kids holds numbers", _pages(b"[1 2 3]", 3)
    yield "Pages is missing", raw_pdf([b"<< /Type /Catalog /Pages 9 0 R >>"])


def _bad_streams(rng: random.Random) -> Iterator[tuple[str, bytes]]:
    for length in (0, 5, 10**9, -10, 2**63):
        yield f"/Length {length}", one_page(content=_stream(TEXT, length=length))
    filters = (b"/FlateDecode", b"/LZWDecode", b"/ASCII85Decode", b"/RunLengthDecode", b"/DCTDecode",
               b"/JBIG2Decode", b"/Crypt", b"/NoSuchFilter", b"[/FlateDecode /ASCIIHexDecode]")  # fmt: skip
    for name in filters:
        yield (
            f"garbage behind {name.decode()}",
            one_page(content=_stream(bytes(rng.randrange(256) for _ in range(400)), b"/Filter " + name)),
        )
    yield "100 chained filters", one_page(content=_stream(TEXT, b"/Filter [" + b"/FlateDecode " * 100 + b"]"))
    yield (
        "predictor with no data",
        one_page(
            content=_stream(b"", b"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns 99999999 >>")
        ),
    )
    yield "missing endstream", one_page(content=b"<< /Length 10 >>\nstream\n" + TEXT)
    yield "contents point at a number", one_page(b"", content=b"42")
    for _ in range(40):  # random garbage inside the content stream
        body = bytearray(TEXT * 5)
        for _ in range(rng.randrange(1, 20)):
            body[rng.randrange(len(body))] = rng.randrange(256)
        yield "garbled content operators", one_page(content=_stream(bytes(body)))


def _truncations(rng: random.Random, base: bytes) -> Iterator[tuple[str, bytes]]:
    keywords = rb"obj|endobj|stream|endstream|xref|trailer|startxref"
    marks = sorted({m.start() for m in re.finditer(keywords, base)})
    for at in rng.sample(marks, min(30, len(marks))):
        yield f"cut at a keyword, byte {at}", base[:at]
    for _ in range(30):
        at = rng.randrange(1, len(base))
        yield f"cut at byte {at}", base[:at]


def _broken_xref(rng: random.Random, base: bytes) -> Iterator[tuple[str, bytes]]:
    yield "no xref table", re.sub(rb"xref\n.*?trailer", b"trailer", base, flags=re.S)
    yield "no trailer", base[: base.rfind(b"trailer")]
    yield "startxref past the end", re.sub(rb"startxref\s+\d+", b"startxref\n99999999999", base)
    yield "startxref negative", re.sub(rb"startxref\s+\d+", b"startxref\n-5", base)
    yield "startxref at 0", re.sub(rb"startxref\s+\d+", b"startxref\n0", base)
    yield "trailer Root missing", base.replace(b"/Root", b"/Rote")
    yield "trailer Root to a number", re.sub(rb"/Root \d+ 0 R", b"/Root 7", base)
    yield "xref /Size huge", re.sub(rb"/Size \d+", b"/Size 999999999", base)
    for _ in range(42):  # random damage to the offsets
        table = re.search(rb"xref\n(.*?)trailer", base, re.S)
        assert table is not None
        rows = bytearray(table.group(1))
        for _ in range(rng.randrange(1, 12)):
            pos = rng.randrange(len(rows))
            if chr(rows[pos]).isdigit():
                rows[pos] = ord(str(rng.randrange(10)))
        yield "xref offsets garbled", base[: table.start(1)] + bytes(rows) + base[table.end(1) :]


def _encrypted(rng: random.Random, folder: Path) -> Iterator[tuple[str, bytes]]:
    good = pdfs.fact_pdf(folder / "plain.pdf", pages=2, facts=pdfs.FACTS[:1])
    variants = {
        "RC4, password": pdfs.encrypted_pdf(folder / "rc4.pdf", good),
        "RC4, no user password": pdfs.encrypted_pdf(folder / "rc4-open.pdf", good, user_password=""),
        "AES-256, password": pdfs.encrypted_pdf(folder / "aes.pdf", good, algorithm="AES-256"),
        "AES-256, no user password": pdfs.encrypted_pdf(
            folder / "aes-open.pdf", good, user_password="", algorithm="AES-256"
        ),
    }
    for label, path in variants.items():
        data = path.read_bytes()
        yield label, data
        for key, value in ((b"/R", b"99"), (b"/V", b"9"), (b"/Length", b"7"), (b"/P", b"abc")):
            changed = re.sub(key + rb"\s+-?\d+", key + b" " + value, data)
            yield f"{label}, {key.decode()} {value.decode()}", changed
        enc = data.find(b"/Filter /Standard")  # the encryption dictionary: /O, /U keys and friends
        lo, hi = (max(0, enc - 300), min(len(data), enc + 300)) if enc >= 0 else (0, len(data))
        for _ in range(5):
            damaged = bytearray(data)
            for _ in range(rng.randrange(1, 6)):
                damaged[rng.randrange(lo, hi)] = rng.randrange(256)
            yield f"{label}, encryption dictionary damaged", bytes(damaged)


def pdf_bases(folder: Path) -> list[bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        pdfs.fact_pdf(folder / "facts.pdf", pages=3, facts=pdfs.FACTS[:2]).read_bytes(),
        pdfs.multicolumn_pdf(folder / "multi.pdf").read_bytes(),
        one_page(),
    ]


def pdf_cases(folder: Path, seed: int = 0, per_kind: int | None = None) -> Iterator[Case]:
    """Mutated PDFs (each kind capped at ``per_kind`` cases, chosen by ``seed``)."""
    rng = random.Random(seed)
    bases = pdf_bases(folder)
    kinds: dict[str, list[tuple[str, bytes]]] = {
        "truncated": [c for b in bases for c in _truncations(rng, b)][:60],
        "broken xref": [c for b in bases for c in _broken_xref(rng, b)][:50],
        "bad stream": list(_bad_streams(rng)),
        "deep nesting": list(_deep(rng)),
        "huge page count": list(_huge_pages(rng)),
        "encrypted": list(_encrypted(rng, folder)),
        "bit flip": [],
    }
    for _ in range(60):
        base = bytearray(rng.choice(bases))
        for _ in range(rng.randrange(1, 30)):
            base[rng.randrange(len(base))] ^= 1 << rng.randrange(8)
        kinds["bit flip"].append(("random bits flipped", bytes(base)))
    for kind, cases in kinds.items():
        chosen = rng.sample(cases, min(per_kind, len(cases))) if per_kind else cases
        for label, data in chosen:
            yield Case(kind, label, data)
