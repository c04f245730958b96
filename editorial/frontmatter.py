"""Markdown files with YAML front matter: read them strictly, write them as our users' site does.

``read`` takes the raw bytes of a file and returns its front matter and body, or
raises ``FileError`` with a message an editor can act on and, where it applies, the
line of the file at fault. ``write`` produces the site's format: keys in
alphabetical order, dates as quoted strings, lists as block lists.
"""

import datetime
import re
from dataclasses import dataclass, field

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# The front matter's fences: "---" (Hugo's and Eleventy's), or a longer run of dashes, which
# the live site accepts too (one real file opens with "----").
_OPENING = re.compile(r"\A-{3,}[ \t]*\n")
_CLOSING = re.compile(r"^-{3,}[ \t]*(?:\n|\Z)", re.MULTILINE)


class FileError(Exception):
    """A file that cannot be read as a post. ``line`` is 1-based, or None."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self):
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Document:
    meta: dict
    body: str
    body_line: int  # the file line on which the body starts
    notes: list = field(default_factory=list)  # harmless things we fixed (BOM, CRLF)
    header: str = ""  # the YAML between the fences, as written (LF line endings)
    fences: tuple = ("---\n", "---\n")  # the opening and closing fence lines, as written


class _StrictLoader(_Loader):
    """A safe loader that refuses duplicate keys instead of keeping the last one."""


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise FileError(
                f"duplicate key {key!r} in the front matter (first on line {seen[key] + 1})",
                line=key_node.start_mark.line + 1,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read(data, *, max_bytes=None):
    """Parse a post file's bytes into a Document, or raise FileError."""
    if max_bytes is not None and len(data) > max_bytes:
        raise FileError(f"file is {len(data) / 1e6:.1f} MB, more than the {max_bytes / 1e6:.1f} MB limit for one post")
    if not data.strip():
        raise FileError("file is empty")
    notes = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append("removed a byte-order mark")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", line=line) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("converted CRLF line endings to LF")
    if "\x00" in text:
        raise FileError("file contains NUL bytes (binary data?)", line=text[: text.index("\x00")].count("\n") + 1)

    opening = _OPENING.match(text)
    if not opening:
        raise FileError("no front matter: the file must start with a line '---'", line=1)
    closing = _CLOSING.search(text, opening.end())
    if closing is None:
        raise FileError("front matter is not closed by a line '---'", line=1)
    yaml_text = text[opening.end() : closing.start()]
    body = text[closing.end() :]
    body_line = text[: closing.end()].count("\n") + 1
    try:
        meta = yaml.load(yaml_text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except FileError as exc:
        exc.line = exc.line + 1 if exc.line else None  # the opening '---' is line 1
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FileError(f"front matter is not valid YAML: {problem}", line=mark.line + 2 if mark else None) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FileError("front matter must be a mapping of keys to values", line=2)
    bad_keys = [k for k in meta if not isinstance(k, str)]
    if bad_keys:
        raise FileError(f"front matter keys must be text, not {bad_keys[0]!r}", line=2)
    fences = (opening.group(0), closing.group(0))
    return Document(meta=meta, body=body, body_line=body_line, notes=notes, header=yaml_text, fences=fences)


def write(meta, body):
    """A post file in the site's format: sorted keys, quoted dates, block lists."""
    clean = {key: plain(value) for key, value in meta.items()}
    header = yaml.dump(clean, Dumper=_Dumper, sort_keys=True, allow_unicode=True, default_flow_style=False, width=10**9)
    return f"---\n{header}---\n{body}"


def plain(value):
    """A front-matter value as the site writes it: dates as ISO strings, tuples as lists."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
