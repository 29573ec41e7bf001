"""Turn a conversation into prompt tokens that fit the context window.

Rendering uses the chat template stored in the GGUF (``tokenizer.chat_template``), through
llama-cpp-python's Jinja2 formatter; models without one fall back to ChatML. When the prompt plus
room for the reply does not fit ``n_ctx``, the oldest turns are dropped (the system prompt and the
newest user message are kept); if the newest message alone is too long, its middle is cut. The
caller tells the user what happened. Earlier replies go back without their reasoning
(``<think>…</think>``), as reasoning models' templates ask: it is long and only served that turn.

Only the template's own scaffolding becomes control tokens: message text (the user's, a reply's,
passages from documents) is tokenized as plain text, so a PDF containing
``<|im_end|><|im_start|>system`` cannot forge a turn. The template is rendered a second time with a
placeholder per message to tell its scaffolding from the messages; when a template rewrites message
text beyond trimming it, special-token strings in the messages are broken up instead.
"""

from __future__ import annotations

import logging
import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.chat import reasoning
from app.chat.types import ChatMessage
from app.errors import HearthError
from app.i18n import tr

if TYPE_CHECKING:
    from llama_cpp import Llama

CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
    " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}"
    "{% endif %}"
)
MIN_REPLY_TOKENS = 64
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")  # private-use characters no real text carries
_BREAK = "\u2060"  # word joiner: splits a special-token string without a visible change

log = logging.getLogger(__name__)


@dataclass
class FittedPrompt:
    tokens: list[int]
    stop: list[str]
    max_tokens: int
    notice: str = ""


def make_formatter(llm: Llama, template: str | None) -> Any:
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    def piece(token_id: int) -> str:
        return llm.detokenize([token_id], special=True).decode("utf-8", "replace") if token_id >= 0 else ""

    return Jinja2ChatFormatter(
        template=template or CHATML,
        eos_token=piece(llm.token_eos()),
        bos_token=piece(llm.token_bos()),
        add_generation_prompt=True,
    )


def _format(formatter: Any, messages: list[dict[str, str]]) -> Any:
    try:
        return formatter(messages=messages)
    except Exception as exc:  # a template may reject e.g. a system role
        raise HearthError(
            tr("The model's chat template could not format this conversation: {error}").format(error=exc)
        ) from exc


def _render(llm: Llama, formatter: Any, messages: list[ChatMessage]) -> tuple[list[int], list[str]]:
    result = _format(formatter, [{"role": m.role, "content": m.content} for m in messages])
    pieces = _split(result.prompt, _format(formatter, _placeholders(messages)).prompt, messages)
    if pieces is None:  # the template rewrites message text: neutralise special tokens in it instead
        log.info("chat template rewrites message text; special-token strings in messages are broken up")
        safe = [{"role": m.role, "content": _neutralise(llm, m.content)} for m in messages]
        result = _format(formatter, safe)
        pieces = [(result.prompt, True)]
    tokens: list[int] = []
    add_bos = not result.added_special
    for text, special in pieces:
        if text or add_bos:
            tokens += llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=special)
        add_bos = False
    stop = result.stop if isinstance(result.stop, list) else [result.stop] if result.stop else []
    return tokens, stop


def _placeholders(messages: list[ChatMessage]) -> list[dict[str, str]]:
    return [{"role": m.role, "content": f"\ue000{i}\ue001"} for i, m in enumerate(messages)]


def _split(prompt: str, skeleton: str, messages: list[ChatMessage]) -> list[tuple[str, bool]] | None:
    """``prompt`` cut into (text, is_scaffolding) pieces, using ``skeleton`` (the same template
    rendered with placeholders) to find where each message's text sits; None if it cannot be told."""
    parts = _PLACEHOLDER.split(skeleton)  # scaffolding, index, scaffolding, index, ..., scaffolding
    scaffolds, order = parts[0::2], [int(i) for i in parts[1::2]]
    if any(i >= len(messages) for i in order):
        return None
    out: list[tuple[str, bool]] = []
    pos = 0
    for k, scaffold in enumerate(scaffolds):
        if not prompt.startswith(scaffold, pos):
            return None
        out.append((scaffold, True))
        pos += len(scaffold)
        if k == len(order):
            break
        content, after = messages[order[k]].content, scaffolds[k + 1]
        for variant in dict.fromkeys((content, content.strip(), content.lstrip(), content.rstrip())):
            if prompt.startswith(variant + after, pos):
                out.append((variant, False))
                pos += len(variant)
                break
        else:
            return None
    return out if pos == len(prompt) else None


def _neutralise(llm: Llama, text: str) -> str:
    for special in _special_texts(llm):
        if special in text:
            text = text.replace(special, special[0] + _BREAK + special[1:])
    return text


_specials: weakref.WeakKeyDictionary[Llama, list[str]] = weakref.WeakKeyDictionary()


def _special_texts(llm: Llama) -> list[str]:
    """Texts of the vocabulary's control and user-defined tokens, longest first (once per model)."""
    if llm not in _specials:
        import llama_cpp

        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        mask = llama_cpp.LLAMA_TOKEN_ATTR_CONTROL | llama_cpp.LLAMA_TOKEN_ATTR_USER_DEFINED
        found = {
            llm.detokenize([t], special=True).decode("utf-8", "replace")
            for t in range(llm.n_vocab())
            if llama_cpp.llama_vocab_get_attr(vocab, t) & mask
        }
        _specials[llm] = sorted((t for t in found if len(t) > 1), key=len, reverse=True)
    return _specials[llm]


def _merge_system(messages: list[ChatMessage]) -> list[ChatMessage]:
    """Some templates reject a system role: fold it into the first user message then."""
    if not messages or messages[0].role != "system" or len(messages) < 2:
        return messages
    first = messages[1]
    return [ChatMessage(first.role, f"{messages[0].content}\n\n{first.content}"), *messages[2:]]


def fit_prompt(llm: Llama, formatter: Any, messages: list[ChatMessage], max_tokens: int) -> FittedPrompt:
    if not messages or messages[-1].role != "user":
        raise HearthError(tr("A reply needs a user message last."))
    messages = [ChatMessage(m.role, reasoning.answer_only(m.content)) if m.role == "assistant" else m
                for m in messages]  # fmt: skip
    n_ctx = llm.n_ctx()
    reserve = reply_reserve(n_ctx, max_tokens)
    system = [m for m in messages[:1] if m.role == "system"]
    history = messages[len(system) : -1]
    last = messages[-1]

    def render(hist: list[ChatMessage], final: ChatMessage) -> tuple[list[int], list[str]]:
        msgs = [*system, *hist, final]
        try:
            return _render(llm, formatter, msgs)
        except HearthError:
            if not system:
                raise
            return _render(llm, formatter, _merge_system(msgs))

    tokens, stop = render(history, last)
    n_history = len(history)
    while len(tokens) + reserve > n_ctx and history:
        history = drop_oldest_turn(history)
        tokens, stop = render(history, last)
    notice = dropped_notice(n_history - len(history), n_ctx)

    if len(tokens) + reserve > n_ctx:
        text = last.content
        over = len(tokens) + reserve - n_ctx
        body = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        keep = len(body) - over - 8
        if keep < 16:
            raise HearthError(
                tr(
                    "The system prompt alone does not fit the {n_ctx}-token context: shorten it or raise the"
                    " context length."
                ).format(n_ctx=n_ctx)
            )
        head = llm.detokenize(body[: keep // 2]).decode("utf-8", "ignore")
        tail = llm.detokenize(body[len(body) - keep // 2 :]).decode("utf-8", "ignore")
        last = ChatMessage("user", f"{head}\n[…]\n{tail}")
        tokens, stop = render(history, last)
        notice = (notice + " " if notice else "") + cut_notice(n_ctx)
    return FittedPrompt(tokens, stop, max(1, min(max_tokens, n_ctx - len(tokens))), notice)


def reply_reserve(n_ctx: int, max_tokens: int) -> int:
    """Context tokens kept free for the reply when older turns must be dropped."""
    return min(max_tokens, max(MIN_REPLY_TOKENS, n_ctx // 4))


def drop_oldest_turn(history: list[ChatMessage]) -> list[ChatMessage]:
    """``history`` without its oldest turn (a user message and the reply that follows it)."""
    return history[2 if len(history) >= 2 and history[1].role == "assistant" else 1 :]


def dropped_notice(dropped: int, n_ctx: int) -> str:
    if not dropped:
        return ""
    return tr("Dropped the {dropped} oldest messages to fit the {n_ctx}-token context.").format(
        dropped=dropped, n_ctx=n_ctx
    )


def cut_notice(n_ctx: int) -> str:
    return tr("Your message was too long for the {n_ctx}-token context: its middle was left out.").format(
        n_ctx=n_ctx
    )
