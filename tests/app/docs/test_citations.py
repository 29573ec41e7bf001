"""Which sources an answer cites, how cards name them, and the check of each cited sentence."""

from __future__ import annotations

from app.docs.citations import check_claims, cited_numbers, split_sources, where, without_markers

SOURCES = [
    {
        "n": 1,
        "file": "a.pdf",
        "page": 14,
        "label": "xii",
        "kind": "pdf",
        "text": "The kiln is fired on Thursdays.",
    },
    {
        "n": 2,
        "file": "a.pdf",
        "page": 3,
        "label": "",
        "kind": "pdf",
        "text": "The ferry leaves at 23:40 daily.",
    },
    {
        "n": 3,
        "file": "b.md",
        "page": 2,
        "label": "Caring for wool",
        "kind": "markdown",
        "text": "Wash in cold water.",
    },
]


def test_cited_numbers_in_first_cited_order() -> None:
    assert cited_numbers("Yes [2]. Also [1][3], and again [2, 3]; not [x] or [].") == [2, 1, 3]


def test_split_sources_keeps_cited_ones_in_citation_order() -> None:
    cited, others = split_sources("It is fired on Thursdays [1]; wash it cold [3]. [9] is unknown.", SOURCES)
    assert [s["n"] for s in cited] == [1, 3]
    assert [s["n"] for s in others] == [2]
    assert split_sources("No citation at all.", SOURCES) == ([], SOURCES)


def test_where_names_the_printed_page_label_or_the_heading() -> None:
    assert [where(s) for s in SOURCES] == [
        "a.pdf, p. xii (page 14)",
        "a.pdf, page 3",
        "b.md, Caring for wool",
    ]


def test_supported_and_unsupported_sentences() -> None:
    answer = (
        "The kiln is fired every Thursday [1]. The ferry leaves at 22:15 [2]. "
        "Wool should be washed in cold water [3]. Dogs are not allowed on the ferry [2]. No source here."
    )
    claims = check_claims(answer, SOURCES)
    assert [c.cited for c in claims] == [(1,), (2,), (3,), (2,)]
    assert [c.supported for c in claims] == [True, False, True, False]
    assert claims[1].missing_numbers == ("22", "15")  # the passage says 23:40
    assert claims[0].sentence == "The kiln is fired every Thursday."  # markers removed, quoted as text


def test_a_quoted_sentence_reads_as_text_without_its_markers() -> None:
    cases = {
        "Paris is big [1].": "Paris is big.",
        "Paris [1], the capital [2][3], is big [1, 2]!": "Paris, the capital, is big!",
        "It is big [1], [2]; it is old [3]?": "It is big; it is old?",
        "It is big ([1]) and old (since 52 BC [2]).": "It is big and old (since 52 BC).",
        "[1] It says: [2] yes [3] .": "It says: yes.",
        "Keep 23:40, [x] and (this) as they are.": "Keep 23:40, [x] and (this) as they are.",
    }
    assert {s: without_markers(s) for s in cases} == cases
    claim = check_claims("The ferry leaves at 23:40 [2] .", SOURCES)[0]
    assert claim.sentence == "The ferry leaves at 23:40." and claim.supported
