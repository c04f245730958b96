"""Original-language blocks in a post body: find them, repair them, write them canonically.

Our users' bodies are Chinese Markdown; the original text of each passage follows it in a
``<details>`` block::

    **Host:** 大家好……
    <details>
    <summary>View/Hide Original English</summary>
    <p class="english-text">Hello everyone…</p>
    </details>

Newer posts use ``<summary>Original English</summary>`` (or ``Original English Source``)
with Markdown paragraphs inside, ``View/Hide Original Text`` for an unlabelled language
and ``View/Hide Original Chinese`` where the original is Chinese.

About 1% of real blocks are malformed (REPORT.md sections 3.4 and 7). ``parse`` turns a
body into a list of segments, plain Chinese text (``str``) and ``Original`` blocks, and
records every repair it made. ``serialize`` writes the segments back with each block in
its canonical shape; for a body whose blocks are already canonical it returns the input
unchanged. Nothing here drops a word: text found in a broken wrapper is kept, either in
the original (when it belongs to the block) or in the Chinese text that follows.

Repairs, in the order they are tried (each is reported with its line number):

* ``open-tag``: ``<details`` without ``>`` is read as ``<details>``.
* ``one-line``: a whole block on one line is split into its parts.
* ``summary-close``: a summary closed by ``</p>``, by ``</summary`` (no ``>``), or on the
  next line is read as a normal summary.
* ``summary-spill``: text after a garbled ``</…`` in the summary line is Chinese text
  that was pasted there; it is moved to the Chinese text after the block.
* ``summary-label``: a misspelled label (``Veiw/Hide…``, ``V/H Original English``) is
  replaced by the canonical one for the block's language.
* ``summary-missing`` / ``summary-is-text``: no summary line, or a "summary" that is
  really the first line of the original text: the text is kept as the original.
* ``p-class``: ``<p class="p-english-text">`` and other variants of the paragraph tag.
* ``p-close``: ``</p>`` missing.
* ``stray-tag``: a stray closing tag (``</text>``) inside a block that ``</details>``
  still closes is dropped.
* ``close-tag``: a mangled close (``</detais>``, ``</sidetails>``, ``</text>``) that
  stands where ``</details>`` should is read as ``</details>``.
* ``unclosed``: a block never closed ends before the next block, the next heading, the
  first blank line after its paragraph, or the end of the file, whichever comes first,
  so it never swallows the Chinese text that follows.
* ``orphan-p``: an English paragraph left outside its block (after an early
  ``</details>``) is put back into the empty block before it, or becomes a block.
* ``trailing-text``: text after ``</p>`` inside a block is appended to the original.
* ``layout``: a block that is otherwise sound but spaced differently (a blank line
  before ``</details>``, say) is written in the canonical layout.
"""

import re
from dataclasses import dataclass, field

# The canonical summary label for each (language, style). Written once, used both ways.
CANONICAL_LABELS = {
    ("en", "p"): "View/Hide Original English",
    ("zh", "p"): "View/Hide Original Chinese",
    ("und", "p"): "View/Hide Original Text",
    ("en", "md"): "Original English",
    ("en", "source"): "Original English Source",
    ("zh", "md"): "Original Chinese",
    ("zh", "source"): "Original Chinese Source",
    ("und", "md"): "Original Text",
    ("und", "source"): "Original Source",
}
P_TAGS = {"en": '<p class="english-text">', "zh": '<p class="english-text">', "und": "<p>"}
LANGUAGES = ("en", "zh", "und")

# "<details>", "<details" (no ">"), '<details style="display:none;">'
OPEN_RE = re.compile(r"^[ \t]*<details\b(?:[ \t]+[^<>\n]*)?(>)?", re.IGNORECASE)
# "</details>", and the mangled closes "</details" and "</details]" on a line of their own
CLOSE_RE = re.compile(r"^[ \t]*</details(?:[ \t]*[>\])}])?[ \t]*$", re.IGNORECASE)
MANGLED_CLOSE_RE = re.compile(r"^[ \t]*</[ \t]*([A-Za-z]+)[ \t]*>[ \t]*$")
SUMMARY_RE = re.compile(r"^[ \t]*<summary>(.*)$", re.IGNORECASE | re.DOTALL)
P_OPEN_RE = re.compile(r"^[ \t]*<p\b[^>]*>", re.IGNORECASE)
ORPHAN_P_RE = re.compile(r"^[ \t]*<p\b[^>]*english-text[^>]*>", re.IGNORECASE)
GARBLED_CLOSE_RE = re.compile(r"^[ \t]*</(?![A-Za-z]+[ \t]*>)")
HEADING_RE = re.compile(r"^#{1,6}(\s|[^#\s])")
P_CLOSE_END_RE = re.compile(r"</p>[ \t]*$", re.IGNORECASE)
# What ends a summary line: </summary>, any other closing tag standing in for it (</p>,
# </source>, </summary_>, </details>, </summary;), "</summary" without ">" at the line's end, or a bare "</"
# with Chinese text pasted after it.
SUMMARY_CLOSE_RE = re.compile(r"</[ \t]*[A-Za-z_][\w-]*[ \t]*(?:>|[;\]]|$)|</", re.IGNORECASE)


@dataclass
class Original:
    """One original-language block: its language, how it is written, and its text.

    ``style`` is ``"p"`` (one paragraph of inline HTML text, ``<br>`` allowed) or
    ``"md"``/``"source"`` (Markdown paragraphs). ``text`` is kept verbatim.
    """

    text: str
    lang: str = "en"
    style: str = "p"
    trailing_newline: bool = True

    @property
    def label(self):
        return CANONICAL_LABELS[(self.lang, self.style)]

    def to_markdown(self):
        if self.style == "p":
            out = f"<details>\n<summary>{self.label}</summary>\n{P_TAGS[self.lang]}{self.text}</p>\n</details>"
        else:
            out = f"<details>\n<summary>{self.label}</summary>\n\n{self.text}\n\n</details>"
        return out + ("\n" if self.trailing_newline else "")


@dataclass
class Repair:
    line: int  # 1-based line in the body
    code: str
    detail: str = ""

    def __str__(self):
        return f"line {self.line}: {self.code}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class ParsedBody:
    segments: list = field(default_factory=list)  # str (Chinese Markdown) or Original
    repairs: list = field(default_factory=list)

    @property
    def originals(self):
        return [s for s in self.segments if isinstance(s, Original)]

    @property
    def chinese(self):
        """The Chinese Markdown with every original block taken out."""
        return "".join(s for s in self.segments if isinstance(s, str))


# A label up to its last keyword ("View/Hide Original English", "Original English Source").
_LABEL_END = re.compile(r"^.*(?:english|chinese|original|transcript|source|英文|中文|原文)", re.IGNORECASE)


def classify_label(label):
    """The language a summary label names, or None if it is not a label at all."""
    s = " ".join(label.lower().split())
    if len(s) > 80:
        return None
    if "chinese" in s or "中文" in s:
        return "zh"
    if "english" in s or "英文" in s:
        return "en"
    if "original" in s or "transcript" in s or "原文" in s:
        return "und"
    return None


# A known label standing at the end of a longer summary ("My note: … **Original English"),
# or at its start with text glued after it ("View/Hide Original English词…").
LABEL_PHRASE = (
    r"(?:(?:[A-Za-z]*(?:view|veiw|vew|show|hide)[A-Za-z]*|V|H|Toggle)(?:\s*/\s*[A-Za-z]+)?\s+)?"
    r"Original\s+(?:English|Chinese|Text)(?:\s+Source)?"
    r"|英文原文|中文原文|原文"
)
_LABEL_AT_END = re.compile(rf"(?:{LABEL_PHRASE})[\s*_:：]*$", re.IGNORECASE)
_LABEL_AT_START = re.compile(rf"^\s*(?:{LABEL_PHRASE})", re.IGNORECASE)


def _split_label(text):
    """(label, text before it, text after it) of a summary's text. The label is "" when the
    text is no label at all (it is then returned whole as the text before)."""
    stripped = text.strip()
    if not stripped:
        return "", "", ""
    at_start = _LABEL_AT_START.match(stripped)
    if at_start:
        after = stripped[at_start.end() :].strip()
        if after and not _looks_like_label(after):
            return at_start.group(0).strip(), "", after
    at_end = _LABEL_AT_END.search(stripped)
    if at_end:
        before = stripped[: at_end.start()].strip()
        if before and not _looks_like_label(before):
            return at_end.group(0).strip(" *_:："), before, ""
    if _looks_like_label(stripped):
        return stripped, "", ""
    return "", stripped, ""


def _looks_like_label(text):
    """A few words naming a language or an original, not a sentence that happens to hold one."""
    return classify_label(text) is not None and len(text.split()) <= 6 and not re.search(r"[.,?!;。，？！；]", text)


def _mostly_cjk(text):
    letters = [c for c in text if not c.isspace()]
    cjk = sum(1 for c in letters if "\u3400" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef")
    return bool(letters) and cjk > 0.3 * len(letters)


def serialize(segments):
    """Write segments back as a body, every block in its canonical shape."""
    return "".join(s if isinstance(s, str) else s.to_markdown() for s in segments)


_recent = {}  # text → ParsedBody, the last few bodies parsed (insertion-ordered)


def parse(text):
    """Split a body into Chinese text and original blocks, repairing what is broken.

    Memoised for the last few bodies: saving a post renders and scans the same body,
    so it is parsed once. Treat the result as read-only.
    """
    result = _recent.get(text)
    if result is None:
        result = _remember(text, _Parser(text).run())
    return result


def normalize_parsed(text):
    """(parsed, canonical body): the canonical body parses to the same segments, remembered too."""
    parsed = parse(text)
    canonical = serialize(parsed.segments)
    if canonical != text:
        _remember(canonical, ParsedBody(segments=parsed.segments, repairs=[]))
    return parsed, canonical


def _remember(text, parsed):
    _recent[text] = parsed
    while len(_recent) > 8:
        del _recent[next(iter(_recent))]
    return parsed


class _Parser:
    def __init__(self, text):
        self.lines = text.splitlines(keepends=True)
        self.result = ParsedBody()
        self.chunk = []  # Chinese lines not yet flushed
        self._ahead = None  # look-ahead tables (_build_ahead), made when first needed

    def repair(self, index, code, detail=""):
        self.result.repairs.append(Repair(index + 1, code, detail))

    def flush(self):
        if self.chunk:
            self.result.segments.append("".join(self.chunk))
            self.chunk = []

    def run(self):
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            if OPEN_RE.match(line):
                self.flush()
                i = self._block(i)
            elif ORPHAN_P_RE.match(line):
                i = self._orphan_paragraph(i)
            else:
                self.chunk.append(line)
                i += 1
        self.flush()
        return self.result

    # -- a block ------------------------------------------------------------------------

    def _block(self, start):
        lines = self.lines
        repairs_before = len(self.result.repairs)
        opening = OPEN_RE.match(lines[start])
        if not opening.group(1):
            self.repair(start, "open-tag", "<details without >")
        rest = lines[start][opening.end() :]
        after = ""
        if rest.strip() and "</details>" not in rest.lower():
            # "<details><summary>Original English Source</summary>" with the text on the lines
            # that follow (about 100 notes of the real site): the summary is the block's first line.
            end, after = self._find_end(start)
            body = [rest.lstrip()] + lines[start + 1 : end + 1]
            if after:
                body = body[:-1]
        elif rest.strip():
            # Everything on one line: split it into the lines it should have had.
            self.repair(start, "one-line")
            rest, close, after = rest.partition("</details>")
            pieces = re.sub(r"[ \t]*(<summary>|<p\b)", r"\n\1", rest.strip()).split("\n")
            body = [p + "\n" for p in pieces if p.strip()] + ([close + "\n"] if close else [])
            end = start
            if after.strip():
                self.repair(start, "close-spill", "text after </details> kept as Chinese text")
                after = after.lstrip()
            else:
                after = ""
        else:
            end, after = self._find_end(start)
            body = lines[start + 1 : end + 1]
            if after:
                body = body[:-1]  # the garbled close line; its text goes to the Chinese side
        last_line = lines[end] if end < len(lines) else ""
        trailing_newline = last_line.endswith("\n") or bool(after)

        body, closed = self._drop_close(body)
        if not closed and not after:
            self.repair(end, "unclosed")
        label_lang, spill, body = self._summary(start, body)
        if spill:
            self.result.segments.append(spill)  # Chinese text that stood in the summary line
        original = self._content(start, body, label_lang, closed=closed or bool(after))
        if isinstance(original, str):
            # A broken block that holds only Chinese text: the text goes back where it belongs.
            self.chunk.append(original if original.endswith("\n") else original + "\n")
        else:
            original.trailing_newline = trailing_newline
            self.result.segments.append(original)
            if len(self.result.repairs) == repairs_before and "".join(lines[start : end + 1]) != original.to_markdown():
                self.repair(start, "layout", "blank lines or spacing inside the block made canonical")
        if after:
            self.chunk.append(after)
        return end + 1

    def _find_end(self, start):
        """(index of the block's last line, Chinese text spilled into a garbled close line)."""
        lines = self.lines
        n = len(lines)
        p_style = None
        p_closed = False
        seen_content = False
        j = start + 1
        while j < n:
            line = lines[j]
            stripped = line.strip()
            if CLOSE_RE.match(line):
                return j, ""
            if stripped.lower().endswith("</details>") and j > start + 1:
                return j, ""
            if OPEN_RE.match(line) or HEADING_RE.match(line):
                return self._back_over_blanks(j - 1, start), ""
            if seen_content and GARBLED_CLOSE_RE.match(line):
                # "</所有不同的算法……": a close tag whose name was replaced by Chinese text.
                self.repair(j, "close-spill", "text after a garbled </ kept as Chinese text")
                return j, GARBLED_CLOSE_RE.sub("", line, count=1)
            mangled = MANGLED_CLOSE_RE.match(line)
            if mangled and mangled.group(1).lower() not in {"p", "summary"}:
                following = self._next_nonblank(j + 1)
                if following is not None and CLOSE_RE.match(lines[following]):
                    self.repair(j, "stray-tag", stripped)
                    j += 1
                    continue
                self.repair(j, "close-tag", f"{stripped} read as </details>")
                return j, ""
            if not seen_content and (SUMMARY_RE.match(line) or stripped.lower() == "</summary>"):
                j += 1
                continue
            if stripped:
                ends_paragraph = p_style and p_closed and not P_OPEN_RE.match(line)
                if ends_paragraph and not self._close_ahead(j + 1, stop_at_text=True):
                    # Text after the paragraph that no close follows: Chinese text.
                    return self._back_over_blanks(j - 1, start), ""
                if not seen_content:
                    p_style = bool(P_OPEN_RE.match(line))
                seen_content = True
                if p_style and P_CLOSE_END_RE.search(line):
                    p_closed = True
            elif seen_content:
                # A blank line after content: the block goes on only if it is still
                # waiting for its </p> or </details> and that comes before anything else.
                if p_style and p_closed:
                    if not self._close_ahead(j, stop_at_text=True):
                        return self._back_over_blanks(j - 1, start), ""
                elif not self._close_ahead(j, stop_at_text=False):
                    return self._back_over_blanks(j - 1, start), ""
            j += 1
        return n - 1, ""

    def _close_ahead(self, j, *, stop_at_text):
        """Is there a close for the open block before the next block or heading (or, with
        ``stop_at_text``, before the next line of text)? Answered from tables built once per
        body, so a body of many lines costs linear time, not quadratic."""
        if self._ahead is None:
            self._ahead = self._build_ahead()
        next_decisive, next_nonblank, is_close = self._ahead
        k = next_nonblank[j] if stop_at_text else next_decisive[j]
        return k is not None and is_close[k]

    def _build_ahead(self):
        """For each line: the next line that closes or stops a block, the next non-blank line,
        and whether a line closes a block (what _close_ahead used to scan for, line by line)."""
        n = len(self.lines)
        is_close, decisive, blank = [False] * n, [False] * n, [True] * n
        for k, line in enumerate(self.lines):
            mangled = MANGLED_CLOSE_RE.match(line)
            mangled = mangled and mangled.group(1).lower() not in {"p", "summary"}
            if CLOSE_RE.match(line) or line.strip().lower().endswith("</details>") or mangled:
                is_close[k] = decisive[k] = True
            elif OPEN_RE.match(line) or HEADING_RE.match(line):
                decisive[k] = True
            blank[k] = not line.strip()
        next_decisive, next_nonblank = [None] * (n + 1), [None] * (n + 1)
        for k in range(n - 1, -1, -1):
            next_decisive[k] = k if decisive[k] else next_decisive[k + 1]
            next_nonblank[k] = k if not blank[k] else next_nonblank[k + 1]
        return next_decisive, next_nonblank, is_close

    def _next_nonblank(self, j):
        while j < len(self.lines):
            if self.lines[j].strip():
                return j
            j += 1
        return None

    def _back_over_blanks(self, j, start):
        while j > start and not self.lines[j].strip():
            j -= 1
        return j

    def _drop_close(self, body):
        """Remove the closing tag from the block's lines; say whether there was one."""
        if not body:
            return body, False
        last = body[-1]
        stripped = last.strip()
        if CLOSE_RE.match(last):
            return body[:-1], True
        if stripped.lower().endswith("</details>"):
            before = stripped[: -len("</details>")]
            if re.fullmatch(r"[</>\s]*", before):
                return body[:-1], True  # "</</details>": only tag debris before the close
            return body[:-1] + [before + "\n"], True
        mangled = MANGLED_CLOSE_RE.match(last)
        if mangled and mangled.group(1).lower() not in {"p", "summary"}:
            return body[:-1], True
        return body, False

    def _summary(self, start, body):
        """Read the summary line: (language, Chinese text pasted into it, remaining lines).

        Only the label itself is dropped (it is written anew in the canonical shape). Text
        before a label ("My note: …**Original English") or after it ("…English</summary>
        Hello") is the original's, a "summary" that is no label at all is the original's
        first paragraph, and Chinese text pasted over a garbled close goes before the block,
        where it stood: every word keeps its place.
        """
        first = next((k for k, line in enumerate(body) if line.strip()), None)
        if first is None:
            self.repair(start, "summary-missing")
            return "en", "", body
        m = SUMMARY_RE.match(body[first])
        if not m:
            self.repair(start, "summary-missing")
            return "en", "", body
        rest = body[first + 1 :]
        raw = m.group(1).rstrip("\n")
        line = start + first + 1
        spill, tail = "", ""
        close = SUMMARY_CLOSE_RE.search(raw)
        if close:
            label, after = raw[: close.start()], raw[close.end() :]
            if close.group(0) == "</":
                # "…Original English</任何协调一致的回应…": Chinese text pasted into the line.
                self.repair(line, "summary-spill", "text after a garbled </ kept as Chinese text before the block")
                spill = after.strip() + "\n\n" if after.strip() else ""
            else:
                if close.group(0).lower() != "</summary>":
                    # </p>, </source>, </summary_>, </details>, "</summary" at the end of the line
                    self.repair(line, "summary-close", f"{close.group(0).strip()} read as </summary>")
                tail = after.strip()
        else:
            label = raw
            following = next((k for k, text in enumerate(rest) if text.strip()), None)
            if following is not None and rest[following].strip().lower() == "</summary>":
                self.repair(line, "summary-close", "label wrapped onto the next line")
                rest = rest[following + 1 :]
        label, lead, glued = _split_label(label)
        if glued:
            tail = f"{glued} {tail}".strip()
        if lead:
            self.repair(line, "summary-lead", "text before the label kept as the original's")
        if tail:
            self.repair(line, "summary-text", "text after the label kept as the original's")
        if not label:
            self.repair(line, "summary-is-text")
        own = "\n\n".join(filter(None, (lead, tail)))
        if own:
            rest = [own + "\n", "\n", *rest] if any(t.strip() for t in rest) else [own + "\n"]
        self._label = label
        return (classify_label(label) or "en") if label else "en", spill, rest

    def _content(self, start, body, lang, *, closed):
        """Turn the block's inner lines into an Original (or a str if it holds Chinese text)."""
        label = getattr(self, "_label", "")
        self._label = ""
        kept = []
        for line in body:
            mangled = MANGLED_CLOSE_RE.match(line)
            if mangled and mangled.group(1).lower() not in {"p", "summary"}:
                continue  # a stray tag already reported by _find_end
            kept.append(line)
        while kept and not kept[0].strip():
            kept.pop(0)
        while kept and not kept[-1].strip():
            kept.pop()
        text = "".join(kept)
        p_open = P_OPEN_RE.match(text)
        unclosed_p = p_open and "</p>" not in text.lower()
        if lang == "en" and (not closed or unclosed_p) and _mostly_cjk(text[p_open.end() :] if p_open else text):
            self.repair(start, "chinese-in-block", "a broken block holding Chinese text; the text is kept as Chinese")
            return text[p_open.end() :] if p_open else text
        if not p_open:
            if not text and not label.strip().lower().startswith("original"):
                style = "p"  # an empty "View/Hide …" block: keep the paragraph shape
            else:
                style = "source" if "source" in label.lower() else "md"
            original = Original(text=text.rstrip("\n"), lang=lang, style=style)
            if text and label not in ("", CANONICAL_LABELS[(lang, style)]) or (not text and label):
                self._label_repair(start, label, original)
            return original
        tag = p_open.group(0).strip()
        if tag != P_TAGS[lang]:
            self.repair(start, "p-class", tag)
        inner = text[p_open.end() :].rstrip("\n")
        close = inner.lower().rfind("</p>")
        if close == -1:
            self.repair(start, "p-close", "</p> missing")
        else:
            after = inner[close + len("</p>") :]
            inner = inner[:close]
            if after.strip():
                self.repair(start, "trailing-text", "text after </p> kept in the original")
                inner = inner + "\n" + after.strip()
        original = Original(text=inner, lang=lang, style="p")
        self._label_repair(start, label, original)
        return original

    def _label_repair(self, start, label, original):
        if label and label != original.label:
            self.repair(start + 1, "summary-label", f"{label!r} → {original.label!r}")

    # -- an English paragraph outside any block -------------------------------------------

    def _orphan_paragraph(self, start):
        lines = self.lines
        end = start
        while end < len(lines) - 1 and not P_CLOSE_END_RE.search(lines[end]) and lines[end + 1].strip():
            end += 1
        text = "".join(lines[start : end + 1])
        m = P_OPEN_RE.match(text)
        inner = text[m.end() :].rstrip("\n")
        if inner.lower().endswith("</p>"):
            inner = inner[: -len("</p>")]
        trailing_newline = lines[end].endswith("\n")
        nxt = end + 1
        if nxt < len(lines) and CLOSE_RE.match(lines[nxt]):
            trailing_newline = lines[nxt].endswith("\n")
            nxt += 1
        previous = self.result.segments[-1] if self.result.segments else None
        if not "".join(self.chunk).strip() and isinstance(previous, Original) and not previous.text:
            # "<summary>…</p>" then an early "</details>": the paragraph is that block's text.
            self.repair(start, "orphan-p", "moved into the empty block before it")
            previous.text = inner
            previous.trailing_newline = trailing_newline
            self.result.segments.extend(self.chunk)
            self.chunk = []
        else:
            self.repair(start, "orphan-p", "made into a block of its own")
            self.flush()
            self.result.segments.append(Original(text=inner, lang="en", style="p", trailing_newline=trailing_newline))
        return nxt
