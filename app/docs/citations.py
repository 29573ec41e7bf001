"""Which sources an answer cites, and whether each cited sentence is backed by its passage.

:func:`split_sources` parts an answer's sources into those it cites with ``[n]`` markers (in the
order first cited) and the rest, retrieved but not cited. :func:`check_claims` compares every
sentence that cites something with the passages it cites: a sentence is *supported* when most of
its key terms (stopwords dropped, words reduced to a crude stem) occur in those passages and every
number it states appears there. It runs in microseconds, so the window can run it while painting.
It is a warning light, not a proof: a paraphrase with other words can be flagged, and a sentence
that reuses a passage's words wrongly can pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.docs.manifest import STOPWORDS
from app.docs.readers import location

SUPPORT_THRESHOLD = 0.5  # share of a sentence's key terms its passages must contain
_MARK = re.compile(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
_MARKS = re.compile(rf"{_MARK.pattern}(?:\s*[,;]?\s*{_MARK.pattern})*")  # "[1]", "[1][3]", "[1], [2]"
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")  # what "([1])" leaves
_SPACE_BEFORE = re.compile(r"\s+([.,;:!?)\]}])")
_SPACE_AFTER = re.compile(r"([(\[{])\s+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|\n+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "es", "ed", "ly", "s")


def cited_numbers(text: str) -> list[int]:
    """Source numbers cited in ``text`` ("[2]", "[1][3]", "[1, 2]"), in order of first citation."""
    seen: dict[int, None] = {}
    for m in _MARK.finditer(text):
        for part in re.split(r"[,;]", m.group(1)):
            seen.setdefault(int(part), None)
    return list(seen)


def split_sources(
    answer: str, sources: Sequence[Mapping[str, Any]]
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """(sources the answer cites, in citation order; the others, in retrieval order)."""
    by_n = {int(s.get("n", i + 1)): s for i, s in enumerate(sources)}
    cited = [by_n[n] for n in cited_numbers(answer) if n in by_n]
    ids = {id(s) for s in cited}
    return cited, [s for s in sources if id(s) not in ids]


def where(source: Mapping[str, Any]) -> str:
    """ "file.pdf, p. xii (page 14)" / "notes.md, Installing the loom": how a card names a source."""
    kind = str(source.get("kind") or "pdf")
    unit = int(source.get("page") or 1)
    return f"{source.get('file', '?')}, {location(kind, unit, str(source.get('label') or ''))}"


def stem(word: str) -> str:
    word = word.lower()
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def terms(text: str) -> set[str]:
    """Stems of the words worth matching in ``text`` (no stopwords, no one-letter words)."""
    return {stem(w) for w in _WORD.findall(text) if len(w) > 1 and w.lower() not in STOPWORDS}


@dataclass(frozen=True)
class Claim:
    sentence: str  # without its [n] markers, spaced as text (see without_markers)
    cited: tuple[int, ...]
    support: float  # share of its key terms found in the cited passages (0..1)
    missing_numbers: tuple[str, ...]  # numbers it states that no cited passage contains

    @property
    def supported(self) -> bool:
        return self.support >= SUPPORT_THRESHOLD and not self.missing_numbers


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def without_markers(sentence: str) -> str:
    """``sentence`` as a reader would quote it: its [n] markers gone, no space left before punctuation
    or a closing bracket ("Paris is big [1]." -> "Paris is big."), nor brackets left empty."""
    text = _EMPTY_BRACKETS.sub(" ", _MARKS.sub(" ", sentence))
    text = " ".join(text.split())
    return _SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", text))


def check_claims(answer: str, sources: Sequence[Mapping[str, Any]]) -> list[Claim]:
    """One :class:`Claim` per sentence of ``answer`` that cites a known source."""
    by_n = {
        int(s.get("n", i + 1)): str(s.get("text") or s.get("excerpt") or "") for i, s in enumerate(sources)
    }
    out: list[Claim] = []
    for sentence in sentences(answer):
        cited = tuple(n for n in cited_numbers(sentence) if n in by_n)
        if not cited:
            continue
        plain = without_markers(sentence)
        passage = " ".join(by_n[n] for n in cited)
        wanted = terms(plain)
        found = wanted & terms(passage)
        support = len(found) / len(wanted) if wanted else 1.0
        numbers = set(_NUMBER.findall(passage))
        missing = tuple(x for x in _NUMBER.findall(plain) if x not in numbers)
        out.append(Claim(plain, cited, round(support, 3), missing))
    return out
