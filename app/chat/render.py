"""Chat text to HTML: CommonMark + GFM (tables, strikethrough, task lists, bare URLs), code highlighted.

Model output is untrusted: raw HTML is escaped, only ``http``, ``https`` and ``mailto`` links are
links (an ``edit:3`` or ``javascript:`` link stays text), images become links, never fetched. Each
code block gets a "Copy" link ``copy:N`` (N counts from ``code_base``) and its text in
:attr:`Rendered.code`. The HTML is the subset Qt's rich text draws (tables, ``pre``, inline styles).

While a reply streams, :func:`split_open` cuts the text into the blocks that can no longer change
and the last, still open one: only that one needs rendering again as text arrives, and not even that
when the new text is a plain run (:func:`adds_plain_text`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.tasklists import tasklists_plugin

from app.i18n import tr

SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
# a last line still being typed that may turn the paragraph above into a heading, a rule or a list
_PENDING_MARKUP = re.compile(r"^[ \t]*[-=*_+#>|`~.\d]*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_CHECKBOX = re.compile(r'<input class="task-list-item-checkbox"[^>]*?> ?')


@dataclass(frozen=True)
class Theme:
    dark: bool = False

    @property
    def code_bg(self) -> str:
        return "#2b2d30" if self.dark else "#f3f4f6"

    @property
    def muted(self) -> str:
        return "#9aa0a6" if self.dark else "#6b7280"

    @property
    def pygments_style(self) -> str:
        return "github-dark" if self.dark else "default"


@dataclass
class Rendered:
    html: str
    code: list[str] = field(default_factory=list)  # the code blocks' text, in order


def _safe_link(url: str) -> bool:
    return bool(SAFE_LINK.match(url.strip()))


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"]).use(tasklists_plugin)
    md.validateLink = _safe_link  # type: ignore[method-assign]
    md.add_render_rule("fence", _render_code)
    md.add_render_rule("code_block", _render_code)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("table_open", lambda *_: '<table border="1" cellspacing="0" cellpadding="4">\n')
    return md


def _render_code(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    lang = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    code: list[str] = env["code"]
    code.append(token.content)
    theme: Theme = env["theme"]
    n = env["code_base"] + len(code) - 1
    label = f'<span style="color: {theme.muted}">{html.escape(lang)}</span> &nbsp; ' if lang else ""
    copy = html.escape(tr("Copy"))
    return (
        f'<table width="100%" cellspacing="0" cellpadding="8" bgcolor="{theme.code_bg}"><tr><td>'
        f'<p>{label}<a href="copy:{n}">{copy}</a></p>'
        f"<pre>{highlight(token.content, lang, theme.pygments_style)}</pre></td></tr></table>\n"
    )


def _render_image(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    alt = html.escape(token.content or tr("image"))
    src = str(token.attrGet("src") or "")
    return f'<a href="{html.escape(src)}">[{alt}]</a>' if _safe_link(src) else f"[{alt}]"


def highlight(code: str, lang: str, style: str = "default") -> str:
    """``code`` as HTML spans with inline colours (plain escaped text for an unknown language)."""
    from pygments import highlight as pyg_highlight
    from pygments.util import ClassNotFound

    try:
        lexer = _lexer(lang.lower())
    except ClassNotFound:
        return html.escape(code)
    return str(pyg_highlight(code, lexer, _formatter(style))).removesuffix("\n")


@cache
def _lexer(lang: str) -> Any:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    if not lang:
        raise ClassNotFound(lang)
    return get_lexer_by_name(lang, stripnl=False, ensurenl=False)


@cache
def _formatter(style: str) -> Any:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(noclasses=True, nowrap=True, style=style)


def to_html(text: str, theme: Theme = Theme(), code_base: int = 0) -> Rendered:
    env: dict[str, Any] = {"code": [], "code_base": code_base, "theme": theme}
    out = _parser().render(text, env)
    out = _CHECKBOX.sub(lambda m: "☑ " if "checked" in m.group(0).replace("checkbox", "") else "☐ ", out)
    return Rendered(out, env["code"])


def preview(text: str, limit: int) -> str:
    """The start of a long ``text`` to show folded: at most ``limit`` characters, cut at the last
    paragraph, line or word break before it (mid-word only if there is none)."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    for sep in ("\n\n", "\n", " "):
        cut = head.rfind(sep)
        if cut > limit // 2:
            return head[:cut].rstrip()
    return head


def split_open(text: str, streaming: bool = True) -> tuple[str, str]:
    """(closed, open): the text of the blocks that later text cannot change, and the last block.

    The cut is at the start line of the last top-level block the parser sees (CommonMark closes a
    block for good once another one starts after it). While ``streaming``, an unfinished last line
    made only of markup characters ("-", "==", "1.") is held back from ``open``: a moment later it
    may be a list item, not a heading underline or a rule.
    """
    blocks = [t for t in _parser().parse(text) if t.level == 0 and t.nesting >= 0 and t.map]
    lines = text.split("\n")
    cut = max((t.map[0] for t in blocks if t.map), default=0)
    last = blocks[-1] if blocks else None
    if last is not None and last.type == "fence" and last.map and _closes(last, lines[last.map[1] - 1]):
        cut = last.map[1]  # a closed code fence cannot change either
    closed = "\n".join(lines[:cut]) + ("\n" if cut else "")
    open_lines = lines[cut:]
    if streaming and len(open_lines) > 1 and _PENDING_MARKUP.match(open_lines[-1]):
        open_lines = open_lines[:-1]
    return closed, "\n".join(open_lines)


SENTENCE_END = ".!?;:"  # plain text at a sentence's end, followed by a space


def adds_plain_text(drawn: str, new: str) -> bool:
    """Whether ``new``, arriving after an open block whose text so far is drawn as ``drawn``, can only
    add plain text at the block's end: letters, digits, single spaces, commas and apostrophes after a
    letter or a digit (and a space) open no markup and close none (no emphasis, code, link, line
    break or block start), so they can be drawn as they are, without rendering the block again (most
    batches of prose are such a run). So can a sentence's end (``.!?;:``) right after a letter or a
    digit and followed by a space, unless the block so far is only a number ("12" + ". " starts a
    list): a space after it keeps linkify from joining it into a link ("example" + ".com")."""
    tail = drawn[-2:]
    if not new or "  " in tail[-1:] + new or drawn.strip(SENTENCE_END).isdigit():
        return False
    after_word = tail[-1:].isalnum() or (tail[:1].isalnum() and tail[1:] == " ")
    after_sentence = tail[:1].isalnum() and tail[1:] in tuple(SENTENCE_END) and new[0] == " "
    if not (after_word or after_sentence):
        return False
    text = tail + new
    for i, c in enumerate(new, start=len(tail)):
        punctuation = c in SENTENCE_END and text[i - 1].isalnum() and text[i + 1 : i + 2] == " "
        if not (c.isalnum() or c in " ,'" or punctuation):
            return False
    return True


def _closes(fence: Token, line: str) -> bool:
    m = _FENCE.match(line)
    return (
        fence.map is not None
        and fence.map[1] - fence.map[0] > 1
        and m is not None
        and not m.group(2).strip()
        and m.group(1)[0] == fence.markup[0]
        and len(m.group(1)) >= len(fence.markup)
    )


def open_fence(block: str) -> tuple[str, str] | None:
    """(language, code so far) when ``block`` (from :func:`split_open`) is a code fence still open."""
    m = _FENCE.match(block.split("\n", 1)[0])
    if m is None or (m.group(1)[0] == "`" and "`" in m.group(2)):
        return None
    info = m.group(2).strip()
    return (info.split(maxsplit=1)[0] if info else ""), block.partition("\n")[2]


def code_live_html(lang: str, code: str, theme: Theme = Theme()) -> str:
    """An open code block while it streams: plain text the view appends to, highlighted once closed."""
    label = html.escape(lang) or html.escape(tr("code"))
    return (
        f'<p><span style="color: {theme.muted}">{label} …</span></p>'
        f'<pre style="background-color: {theme.code_bg}">{html.escape(code)}</pre>'
    )
