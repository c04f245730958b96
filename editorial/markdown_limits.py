"""Keep Python-Markdown's work bounded on hostile text, leaving every real body as it renders.

Python-Markdown is super-linear in a few shapes that no real post has (#18 point 2):

- **Unmatched brackets.** Each ``[`` is tried as a link by scanning the rest of the paragraph
  for its ``]``: 15,000 ``[`` took 23 s. The real site's paragraphs leave at most one open.
- **Deep bracket nesting** (``[[[…]]]``): the same scan from each level, 2.2 s for 4,000.
- **Deep list markers** (``- - - … x``): one recursion per level; 5,000 raise RecursionError.
- **Huge paragraphs dense with markup.** Each inline match rebuilds the rest of its text node:
  200,000 lines of ``>> x`` (1 MB, one paragraph) took 135 s.

``bounded`` escapes the brackets and markers beyond the limits below (a backslash: the reader
sees the same characters) and cuts a dense paragraph over ``SPLIT_FROM`` characters into
paragraphs of ``PIECE``. Text under every limit is returned as it came, so the whole real site
renders byte for byte as before (bench/render_limits.py checks it).
"""

import re

MAX_OPEN = 32  # unmatched "[" in one paragraph, beyond which they are escaped
MAX_BRACKET_DEPTH = 8  # "[" nested deeper than this are escaped, with their "]"
MAX_MARKERS = 32  # list or quote markers opening one line
SPLIT_FROM = 65_536  # characters in one paragraph …
DENSE = 4_000  # … holding more markup characters than this, is cut into pieces
PIECE = 8_192

_PARAGRAPH_BREAK = re.compile(r"(\n[ \t]*\n)")
_BRACKET = re.compile(r"\\.|[\[\]]", re.DOTALL)
_MARKUP = re.compile(r"[*_`<>&\[\]!\\\n]")
_MARKER = r"[ \t]*+(?:[-*+>]|\d{1,9}[.)])[ \t]++"  # possessive: no backtracking on a hostile line
_MARKERS = re.compile(rf"^((?:{_MARKER}){{{MAX_MARKERS}}})(?=[ \t]*+[-*+>\d])", re.MULTILINE)


def bounded(text):
    """``text`` with the shapes above defused (see the module docstring)."""
    text = _MARKERS.sub(lambda m: m.group(1) + "\\", text)
    parts = _PARAGRAPH_BREAK.split(text)
    return "".join(part if index % 2 else _paragraph(part) for index, part in enumerate(parts))


def _paragraph(text):
    if text.count("[") > MAX_BRACKET_DEPTH:
        text = _escape_brackets(text)
    if len(text) > SPLIT_FROM and len(_MARKUP.findall(text)) > DENSE:
        text = "\n\n".join(_pieces(text))
    return text


def _escape_brackets(text):
    opened, depth_of, escape = [], {}, set()
    for m in _BRACKET.finditer(text):
        char = m.group()
        if char == "[":
            opened.append(m.start())
            depth_of[m.start()] = len(opened)
        elif char == "]" and opened:
            start = opened.pop()
            if depth_of[start] > MAX_BRACKET_DEPTH:
                escape.update((start, m.start()))
    if len(opened) > MAX_OPEN:
        escape.update(opened)
    else:
        escape.update(start for start in opened if depth_of[start] > MAX_BRACKET_DEPTH)
    if not escape:
        return text
    out, last = [], 0
    for position in sorted(escape):
        out += [text[last:position], "\\"]
        last = position
    out.append(text[last:])
    return "".join(out)


def _pieces(text):
    """The paragraph in pieces of about PIECE characters, cut at line ends where it has them."""
    piece, size = [], 0
    for line in text.split("\n"):
        while len(line) > PIECE:  # one huge line: cut it too
            if piece:
                yield "\n".join(piece)
                piece, size = [], 0
            yield line[:PIECE]
            line = line[PIECE:]
        if size + len(line) > PIECE and piece:
            yield "\n".join(piece)
            piece, size = [], 0
        piece.append(line)
        size += len(line) + 1
    if piece:
        yield "\n".join(piece)
