"""Find where a cited passage lies in a page's text, whatever the whitespace and line breaks.

The viewer highlights a passage on the rendered page (QtPdf's own text of the page) or in the
stored text; both differ from the chunk's text in spacing, line breaks and hyphenation, and
sometimes in a word or two. :func:`find_span` matches word by word, ignoring case and punctuation,
and falls back to the longest run of words the two share.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MIN_RUN = 4  # words the passage and the page must share in a row to count as found


def _words(text: str) -> list[tuple[str, int, int]]:
    # NFKC per word ("ﬁ" is "fi", as in the stored text) keeps the offsets those of ``text``
    return [
        (unicodedata.normalize("NFKC", m.group()).lower(), m.start(), m.end()) for m in _WORD.finditer(text)
    ]


def find_span(haystack: str, passage: str) -> tuple[int, int] | None:
    """(start, end) character offsets in ``haystack`` covering ``passage``, or None if not found."""
    page, want = _words(haystack), [w for w, _, _ in _words(passage)]
    if not page or not want:
        return None
    have = [w for w, _, _ in page]
    n = len(want)
    for i in range(len(have) - n + 1):  # exact word sequence first
        if have[i : i + n] == want:
            return page[i][1], page[i + n - 1][2]
    matcher = difflib.SequenceMatcher(None, have, want, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= min(MIN_RUN, n)]
    if not blocks:
        return None
    # the matched runs that lie close together around the longest one: the passage's extent on the page
    best = max(blocks, key=lambda b: b.size)
    near = [b for b in blocks if abs(b.a - best.a) <= 2 * n]
    first, last = min(b.a for b in near), max(b.a + b.size for b in near) - 1
    return page[first][1], page[last][2]
