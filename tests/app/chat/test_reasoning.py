"""Reasoning apart from the answer, as reasoning models write it."""

from __future__ import annotations

from app.chat import reasoning


def test_think_block_then_answer() -> None:
    parts = reasoning.split("<think>\nThe user greets me.\n</think>\n\nHello!")
    assert (parts.reasoning, parts.answer, parts.thinking) == ("The user greets me.", "Hello!", False)
    assert reasoning.answer_only("[THINK]hmm[/THINK]Yes.") == "Yes."


def test_still_thinking_and_a_marker_half_written() -> None:
    assert reasoning.split("<think>Let me see").thinking
    assert reasoning.split("<thi") == reasoning.Parts("", "", thinking=True)
    assert reasoning.split("<think>a</think>").answer == ""


def test_opening_marker_in_the_prompt_and_no_reasoning() -> None:
    parts = reasoning.split("I should count.\n</think>\nThree.")  # the template wrote "<think>"
    assert (parts.reasoning, parts.answer) == ("I should count.", "Three.")
    plain = reasoning.split("Just an answer with <think> in the middle.")
    assert plain == reasoning.Parts("", "Just an answer with <think> in the middle.")
    assert not plain.has_reasoning
