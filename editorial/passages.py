"""A body as the passages an editor works on: each Chinese paragraph (or heading) with the
original that follows it.

``split`` reads a body through ``originals.parse`` (the parser the renderer uses) and cuts its
Chinese text at blank lines, never inside a fenced code block. A passage is a dict of string
pieces whose concatenation is its Markdown::

    label + text + end + original.head + original.text + original.tail + after

``label`` is a speaker label (``**主持人:** ``), kept apart so the editor shows it as a name;
``end`` is what stands between the text and its original (or the blank lines after a passage
without one); ``after`` is the blank lines after an original. ``join`` is that concatenation,
and the browser's editor writes a body by the same rule, so ``join(split(body)) == body``
for every body whose originals are in their canonical shape (every imported body is). A body
with blocks in a shape the parser repairs is shown repaired, and ``repairs`` says how many:
the editor leaves the Markdown as it is until a passage is edited. New originals take the
shape of the body's first one (``shape``).
"""

import re

from . import originals

FENCE_RE = re.compile(r"^[ \t]{0,3}(```|~~~)", re.MULTILINE)
HEADING_RE = re.compile(r"^#{1,6}[ \t]")
LABEL_RE = re.compile(r"^\*\*[^*\n]{1,40}?[:：]\*\*[ \t]*|^\*\*[^*\n]{1,40}?\*\*[:：][ \t]*")
BLANK_RUN_RE = re.compile(r"\n(?:[ \t]*\n)+")


def split(body):
    """``{"lead", "passages", "shape", "repairs"}`` for ``body`` (see the module's docstring)."""
    body = body or ""
    parsed = originals.parse(body)
    result = _split(parsed)
    if join(result) == body:
        return result
    result = _split(originals.parse(originals.serialize(parsed.segments)))
    result["repairs"] = max(1, len(parsed.repairs))
    return result


def join(split_body):
    """The Markdown of a split body: the inverse of ``split``."""
    return split_body["lead"] + "".join(markdown(passage) for passage in split_body["passages"])


def markdown(passage):
    original = passage["original"]
    block = original["head"] + original["text"] + original["tail"] if original else ""
    return passage["label"] + passage["text"] + passage["end"] + block + passage["after"]


def _split(parsed):
    passages, lead = [], ""
    for segment in parsed.segments:
        if isinstance(segment, str):
            for text, end in _paragraphs(segment):
                if text:
                    passages.append(_passage(text, end))
                elif passages:
                    passages[-1]["after" if passages[-1]["original"] else "end"] += end
                else:
                    lead += end
            continue
        if not passages or passages[-1]["original"] is not None:
            passages.append(_passage("", ""))
        head, tail = _frame(segment)
        passages[-1]["original"] = {"head": head, "text": segment.text, "tail": tail, "lang": segment.lang}
    return {"lead": lead, "passages": passages, "shape": _shape(parsed), "repairs": 0}


def _passage(text, end):
    label = LABEL_RE.match(text)
    label = label.group(0) if label else ""
    return {
        "label": label,
        "text": text[len(label) :],
        "end": end,
        "original": None,
        "after": "",
        "heading": bool(HEADING_RE.match(text)),
    }


def _paragraphs(chunk):
    """(text, whitespace after it) for each paragraph of a Chinese chunk, the text "" for
    whitespace that stands before any paragraph. Concatenated, the pairs are the chunk."""
    out, start = [], 0
    lead = re.match(r"(?:[ \t]*\n)+", chunk)
    if lead:
        out.append(("", lead.group(0)))
        start = lead.end()
    for match in BLANK_RUN_RE.finditer(chunk, start):
        if match.start() < start or _inside_fence(chunk[start : match.start()]):
            continue
        out.extend(_heading_split(chunk[start : match.start()], match.group(0)))
        start = match.end()
    rest = chunk[start:]
    text = rest.rstrip(" \t\n")
    if text:
        out.extend(_heading_split(text, rest[len(text) :]))
    elif rest:
        out.append(("", rest))
    return out


def _inside_fence(text):
    """Does ``text`` (from a paragraph's start) leave a fenced code block open?"""
    fenced = None
    for fence in FENCE_RE.finditer(text):
        mark = fence.group(1)
        fenced = None if fenced == mark else (fenced or mark)
    return fenced is not None


def _heading_split(text, end):
    """A heading line with text under it (no blank line between) is two passages."""
    first, newline, rest = text.partition("\n")
    if HEADING_RE.match(first) and rest.strip():
        return [(first, newline), (rest, end)]
    return [(text, end)]


def _frame(original):
    """The markup around an original's text in its canonical shape: (head, tail)."""
    empty = originals.Original(
        text="\x00", lang=original.lang, style=original.style, trailing_newline=original.trailing_newline
    )
    head, _mark, tail = empty.to_markdown().partition("\x00")
    return head, tail


def _shape(parsed):
    first = next((s for s in parsed.segments if isinstance(s, originals.Original)), None)
    lang, style = (first.lang, first.style) if first else ("en", "p")
    head, tail = _frame(originals.Original(text="", lang=lang, style=style))
    return {"head": head, "tail": tail, "lang": lang}
