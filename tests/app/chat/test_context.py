"""The prompt a turn sends, on the real starter model's tokenizer and chat template."""

from __future__ import annotations

from pathlib import Path

from app.chat import context
from app.chat.types import ChatMessage


def test_earlier_replies_go_back_without_their_reasoning(starter_model: Path) -> None:
    import llama_cpp

    llm = llama_cpp.Llama(str(starter_model), n_ctx=512, verbose=False)
    try:
        formatter = context.make_formatter(llm, llm.metadata.get("tokenizer.chat_template"))
        messages = [
            ChatMessage("user", "How many legs has a cat?"),
            ChatMessage("assistant", "<think>Cats are quadrupeds, so four.</think>\n\nFour."),
            ChatMessage("user", "And a bird?"),
        ]
        fitted = context.fit_prompt(llm, formatter, messages, 32)
        prompt = llm.detokenize(fitted.tokens, special=True).decode()
        assert "Four." in prompt and "And a bird?" in prompt
        assert "quadrupeds" not in prompt and "<think>" not in prompt
    finally:
        llm.close()
