"""Does every word of a body reach the reader, in its order, and nothing else?

The owner's first rule is to preserve content; block repairs (originals.py) must never
lose or invent a word. ``source_words`` reads the words of a Markdown body as a reader
of the old site would have them: markup (complete tags, broken tags, comments, link
targets) and the labels of original blocks aside. ``reader_words`` reads the words of the
HTML we render. ``compare`` says whether the two sequences are the same and, if not,
where they part. Words are Latin words (numbers alone aside) and single CJK characters.
"""

import html
import re
from dataclasses import dataclass

from .originals import LABEL_PHRASE, classify_label

# Numbers alone are left out on both sides: "1. " may be a list's number (shown by the
# browser, not in the text) or words, and only rendering can tell.
WORD = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[\u3400-\u9fff\uf900-\ufaff]")
COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
# Tags, whole or broken: "<p class=…>", "</details", "<details style=…>", "</summary_>", "</".
TAG = re.compile(r"</?[A-Za-z][\w-]*(?:[ \t][^<>\n]*)?>?|</")
SUMMARY_LINE = re.compile(r"<summary>(.*?)(?:</[^>\n]*>|</[A-Za-z_-]*[;\]]?|$)", re.IGNORECASE | re.MULTILINE)
LABEL = re.compile(LABEL_PHRASE, re.IGNORECASE)
LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
# The language of a code fence is Markdown syntax, not a word readers see.
FENCE_INFO = re.compile(r"^([ \t]*(?:```|~~~))[^\n`]*", re.MULTILINE)
SUMMARY_ELEMENT = re.compile(r"<summary\b[^>]*>.*?</summary>", re.IGNORECASE | re.DOTALL)


def _without_labels(match):
    text = match.group(1)
    if classify_label(text.strip()) is not None and len(text.split()) <= 6:
        return " "
    return " " + LABEL.sub(" ", text) + " "


def source_words(body):
    text = COMMENT.sub(" ", body or "")
    text = SUMMARY_LINE.sub(_without_labels, text)
    text = LINK_TARGET.sub("] ", text)
    text = FENCE_INFO.sub(r"\1", text)
    text = TAG.sub(" ", text)
    return WORD.findall(html.unescape(text))


def reader_words(rendered_html):
    text = SUMMARY_ELEMENT.sub(" ", rendered_html or "")
    text = html.unescape(TAG.sub(" ", text))
    # Code samples show tags as text ("<tasks>"); the source side takes tags out, so here too.
    text = TAG.sub(" ", text)
    return WORD.findall(text)


@dataclass
class Comparison:
    same: bool
    index: int = -1  # where the sequences part
    source: str = ""  # a few source words from there
    reader: str = ""

    def __str__(self):
        if self.same:
            return "every word in order"
        return f"word {self.index}: source {self.source!r}, reader {self.reader!r}"


def compare(body, rendered_html):
    wanted, shown = source_words(body), reader_words(rendered_html)
    if wanted == shown:
        return Comparison(True)
    index = next(
        (i for i, (a, b) in enumerate(zip(wanted, shown, strict=False)) if a != b), min(len(wanted), len(shown))
    )
    return Comparison(False, index, " ".join(wanted[index : index + 8]), " ".join(shown[index : index + 8]))
