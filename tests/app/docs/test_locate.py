"""Finding a passage in a page's text despite spacing, line breaks, hyphens and small differences."""

from __future__ import annotations

from app.docs.locate import find_span

PAGE = "Intro line.\nThe lighthouse keeper's\ncat is named  Marmalade. More text follows here."


def test_exact_words_across_line_breaks() -> None:
    a, b = find_span(PAGE, "the lighthouse keeper's cat is named Marmalade.") or (0, 0)
    assert PAGE[a:b] == "The lighthouse keeper's\ncat is named  Marmalade"


def test_small_differences_still_find_the_extent() -> None:
    a, b = find_span(PAGE, "The light-house keeper's cat is named Marmalade") or (0, 0)
    assert PAGE[a:b].startswith("house keeper") or PAGE[a:b].startswith("keeper")
    assert PAGE[a:b].endswith("Marmalade")


def test_absent_or_empty() -> None:
    assert find_span(PAGE, "nothing of this is on the page at all") is None
    assert find_span("", "words") is None and find_span(PAGE, "") is None
