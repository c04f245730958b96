"""Markdown → safe HTML, configured once. Pure: text in, sanitised HTML out.

Bodies are rendered when a post is saved and the HTML is stored; nothing here runs
per request. The Chinese text is rendered as one Markdown document (so heading ids
stay unique); each original-language block is rendered on its own and put back in
its place as a ``<details class="original">`` disclosure (a ``div`` when the
original is Chinese, which needs no toggle).
"""

import re
import threading
from dataclasses import dataclass, field

import markdown
import nh3
from django.conf import settings
from django.utils.html import escape
from markdown.extensions.toc import slugify_unicode

from . import markdown_limits, originals

LANGUAGE_SUFFIXES = tuple(code.replace("-", "_") for code, _name in settings.LANGUAGES)

# Labels of the disclosure, in the language of the page the HTML is stored for.
ORIGINAL_LABELS = {
    "zh_hans": {"en": "英文原文", "und": "原文（语言未标注）", "zh": "中文原文"},
    "en": {"en": "Original English", "und": "Original (language not marked)", "zh": "Original Chinese"},
}

# In a stored body's HTML, where a passage keeps its English original.
ENGLISH_ORIGINAL_MARK = 'data-original="en"'


def relabel(html, language):
    """Stored HTML with its originals' labels in ``language`` (a page that falls back to the
    other language's body shows that body's labels otherwise)."""
    labels = ORIGINAL_LABELS.get(language)
    for other, other_labels in ORIGINAL_LABELS.items():
        if labels is None or other == language:
            continue
        for key, label in other_labels.items():
            html = html.replace(f"<summary>{escape(label)}</summary>", f"<summary>{escape(labels[key])}</summary>")
    return html


_HEADINGS = {f"h{n}" for n in range(1, 7)}
_TAGS = _HEADINGS | {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "sub", "sup", "small",
    "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "code", "pre", "kbd", "a", "img",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "details", "summary", "div", "span", "abbr", "dfn", "figure", "figcaption",
}  # fmt: skip
_ATTRIBUTES = {
    **{h: {"id"} for h in _HEADINGS},
    "*": {"lang", "title"},
    "a": {"href", "id"},
    "img": {"src", "alt", "width", "height"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "details": {"data-original"},
    "div": {"data-original"},
}
# Only classes, never the "class" attribute itself: naming both makes ammonia panic (GROUND.md).
_CLASSES = {
    "details": {"original"},
    "div": {"original", "original-chinese", "original-text", "footnote"},
    "p": {"english-text"},
    "a": {"footnote-ref", "footnote-backref"},
}
_cleaner = nh3.Cleaner(
    tags=_TAGS,
    attributes=_ATTRIBUTES,
    allowed_classes=_CLASSES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)
_inline_cleaner = nh3.Cleaner(
    tags={"br", "b", "strong", "i", "em", "code", "a", "sub", "sup"},
    attributes={"a": {"href"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
)

_local = threading.local()


def _markdown():
    if not hasattr(_local, "md"):
        _local.md = markdown.Markdown(
            extensions=["extra", "sane_lists", "toc"],
            extension_configs={"toc": {"slugify": slugify_unicode}},
            output_format="html",
        )
    return _local.md.reset()


# Elements whose content an HTML parser takes as raw text: one left open (by a broken file or
# a hostile one) would swallow the rest of the post. None may appear in a post, so their
# tags are shown as text instead, and whatever follows them stays.
_RAW_TEXT_TAG = re.compile(
    r"<(?=/?(?:script|style|template|textarea|title|noscript|xmp|iframe|noembed|noframes|plaintext|math|svg|mglyph|malignmark|mtext|mi|mo|mn|ms|annotation-xml)[\s/>])",
    re.IGNORECASE,
)


def _defuse(html):
    return _RAW_TEXT_TAG.sub("&lt;", html)


def sanitize(html):
    """Remove anything executable from HTML, keeping what a post may contain."""
    return _cleaner.clean(_defuse(html))


# A caption's speaker-change marker ">> " would otherwise render as a nested blockquote.
_SPEAKER_CHANGE = re.compile(r"^(>>)", re.MULTILINE)
# "[Speaker 1]: 大家好…" is a transcript line, but Markdown reads "[label]: target" as a link
# definition and drops the line. Only a target that looks like an address stays a definition.
_FALSE_LINK_DEFINITION = re.compile(
    r"^([ ]{0,3})\[(?=[^\]\n]*\]:[ \t]*(?!<|[A-Za-z][\w+.-]*:|/|#|www\.)\S)", re.MULTILINE
)
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass
class Rendered:
    html: str = ""
    toc: list = field(default_factory=list)  # [{"level": 2|3, "id": …, "name": …}] outside originals
    minutes: int = 0  # reading time of the text in this language


def _as_markdown(text):
    """Our users' text as Python-Markdown should read it (see the two patterns above), with
    what would make it slow or deep defused (markdown_limits)."""
    return markdown_limits.bounded(_FALSE_LINK_DEFINITION.sub(r"\1\\[", _SPEAKER_CHANGE.sub(r"\\\1", text)))


def render_body(text, language="zh_hans"):
    """Render a post body (Chinese Markdown with original blocks) to safe HTML."""
    return render(text, language).html


def prerender(text, language="zh_hans"):
    """Render ``text`` now, so the next ``render`` of the same text in this thread takes it
    (once) instead of rendering again: the admin renders a posted body before its save takes
    the database's write lock, and holds the lock only to write."""
    if text:
        rendered = render(text, language)
        _local.__dict__.setdefault("ahead", {})[(language, text)] = rendered


def forget_prerendered():
    _local.ahead = {}


def render(text, language="zh_hans"):
    """A body's safe HTML, its chapters (h2/h3) and its reading time, computed once on save."""
    if not text:
        return Rendered()
    ahead = getattr(_local, "ahead", None)
    if ahead and (language, text) in ahead:
        return ahead.pop((language, text))
    parsed = originals.parse(text)
    placeholder = "ORIGINALBLOCK{}X"
    parts, blocks = [], []
    for segment in parsed.segments:
        if isinstance(segment, str):
            parts.append(_as_markdown(segment))
        else:
            parts.append("\n\n" + placeholder.format(len(blocks)) + "\n\n")
            blocks.append(render_original(segment, language))
    md = _markdown()
    try:
        html = sanitize(md.convert("".join(parts)))
    except RecursionError:  # a shape markdown_limits does not know: the text, shown plainly
        md = _markdown()
        html = "".join(f"<p>{escape(part)}</p>" for part in re.split(r"\n\s*\n", "".join(parts)) if part.strip())
    html = re.sub(r"<p>ORIGINALBLOCK(\d+)X</p>", lambda m: blocks[int(m.group(1))], html)
    return Rendered(html=html, toc=_chapters(md.toc_tokens), minutes=reading_minutes(parsed.chinese))


def _chapters(tokens):
    flat = []
    for token in tokens:
        if token["level"] in (2, 3):
            flat.append({"level": token["level"], "id": token["id"], "name": token["name"]})
        flat.extend(_chapters(token.get("children", [])))
    return flat


def reading_minutes(text):
    """About 400 Chinese characters or 220 English words a minute; at least one minute."""
    cjk = len(re.findall(r"[\u3400-\u9fff]", text))
    words = len(re.findall(r"[A-Za-z]+", text))
    return max(1, round(cjk / 400 + words / 220)) if text.strip() else 0


def render_original(original, language="zh_hans"):
    """One original-language block as a disclosure (or, for Chinese, a plain div)."""
    if original.style == "p":
        inner = _inline_cleaner.clean(_defuse(_BOLD.sub(r"<strong>\1</strong>", original.text)))
        inner = f'<div class="original-text">{inner}</div>'
    else:
        inner = f'<div class="original-text">{sanitize(_markdown().convert(_as_markdown(original.text)))}</div>'
    lang = {"en": "en", "zh": "zh-Hans"}.get(original.lang, "")
    lang_attr = f' lang="{lang}"' if lang else ""
    if original.lang == "zh":
        return f'<div class="original original-chinese" data-original="zh"{lang_attr}>{inner}</div>'
    label = escape(ORIGINAL_LABELS.get(language, ORIGINAL_LABELS["zh_hans"])[original.lang])
    return (
        f'<details class="original" data-original="{original.lang}"{lang_attr}>'
        f"<summary>{label}</summary>{inner}</details>"
    )
