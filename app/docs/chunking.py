"""Token-aware chunking with overlap; every chunk belongs to exactly one page.

Windows are counted in the embedder's own word pieces (so the model never truncates a chunk), cut at
word starts (so re-tokenising a chunk gives the same pieces) and, when one is near, just after a
sentence end or line break. Consecutive windows of a page overlap by ``overlap`` pieces. A chunk never
spans two pages: citations always name the right page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_SENTENCE_END = (".", "!", "?", ":", ";")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class Chunk:
    """One passage to embed: its text, 1-based page, index within the document, size in word pieces."""

    text: str
    page: int
    index: int
    n_tokens: int


def clean_page(text: str) -> str:
    """Normalise extracted text: compatibility forms (the "ﬁ" ligature becomes "fi", so it is found
    by keyword), no NULs, joined hyphenated line breaks, single spaces."""
    text = unicodedata.normalize("NFKC", text).replace("\x00", "")
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def _word_start(offsets: Sequence[tuple[int, int]], i: int) -> bool:
    return i == 0 or i >= len(offsets) or offsets[i][0] > offsets[i - 1][1]


def _split(
    text: str, offsets: Sequence[tuple[int, int]], size: int, overlap: int
) -> list[tuple[int, int, int]]:
    """(char_start, char_end, n_tokens) windows over one page's tokens."""
    n = len(offsets)
    if n == 0:
        return []
    if n <= size:
        return [(offsets[0][0], offsets[-1][1], n)]
    out: list[tuple[int, int, int]] = []
    start = 0
    while start < n:
        end = min(start + size, n)
        if end < n:
            # back off to a word start, preferring a sentence end / line break in the last 40%
            best = None
            for j in range(end, start + max(1, int(size * 0.6)), -1):
                if not _word_start(offsets, j):
                    continue
                if best is None:
                    best = j
                prev_tail = text[offsets[j - 1][0] : offsets[j - 1][1]]
                gap = text[offsets[j - 1][1] : offsets[j][0]]
                if prev_tail.endswith(_SENTENCE_END) or "\n" in gap:
                    best = j
                    break
            end = best if best is not None else end
        out.append((offsets[start][0], offsets[end - 1][1], end - start))
        if end >= n:
            break
        nxt = max(end - overlap, start + 1)
        while nxt < end and not _word_start(offsets, nxt):
            nxt += 1
        start = nxt
    return out


def chunk_pages(pages: Sequence[str], tokenizer: Any, size: int = 200, overlap: int = 32) -> list[Chunk]:
    """Chunks of ``pages`` (page i+1 = ``pages[i]``, already cleaned) of at most ``size`` word pieces."""
    if size < 8:
        raise ValueError("chunk size must be at least 8 word pieces")
    overlap = max(0, min(overlap, size // 2))
    numbered = [(i + 1, t) for i, t in enumerate(pages) if t.strip()]
    if not numbered:
        return []
    enc = tokenizer(
        [t for _, t in numbered], add_special_tokens=False, return_offsets_mapping=True, verbose=False
    )
    chunks: list[Chunk] = []
    for (page, text), offsets in zip(numbered, enc["offset_mapping"], strict=True):
        for a, b, n in _split(text, [tuple(o) for o in offsets], size, overlap):
            piece = text[a:b].strip()
            if piece:
                chunks.append(Chunk(text=piece, page=page, index=len(chunks), n_tokens=n))
    return chunks
