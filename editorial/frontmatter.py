"""Markdown files with YAML front matter: read them strictly, write them as our users' site does.

``read`` takes the raw bytes of a file and returns its front matter and body, or
raises ``FileError`` with a message an editor can act on and, where it applies, the
line of the file at fault. ``write`` produces the site's format: keys in
alphabetical order, dates as quoted strings, lists as block lists.
"""

import collections.abc
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


# Limits on the shape of one file's front matter. The real site's largest holds 154 values and
# nests 3 deep; a 380-byte "billion laughs" (anchors 9 deep) stands for 387 million values.
MAX_VALUES = 100_000  # values once every alias is expanded
MAX_DEPTH = 64  # lists and mappings inside one another


class _StrictLoader(_Loader):
    """A safe loader that refuses duplicate keys instead of keeping the last one, and turns a
    value it cannot build (``date: 2025-02-29``, ``!!int abc``) into a FileError on its line."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (FileError, yaml.YAMLError):
            raise
        except (ValueError, TypeError, OverflowError) as exc:
            raise FileError(_unbuildable(node, exc), line=node.start_mark.line + 1) from None


def _unbuildable(node, exc):
    kind = node.tag.rsplit(":", 1)[-1]
    if kind == "timestamp":
        return f"{node.value!r} is not a real date or time ({exc})"
    if isinstance(node, yaml.ScalarNode):
        return f"{node.value!r} cannot be read as {kind} ({exc})"
    return f"a {kind} that cannot be read ({exc})"


def _check_nesting(yaml_text):
    """Refuse nesting deeper than MAX_DEPTH from the parser's events, before a tree is composed:
    libyaml's composer recurses in C, and 30,000 ``[`` (or ``- `` on one line) crash the process."""
    if yaml_text.count("[") + yaml_text.count("{") + yaml_text.count("- ") + yaml_text.count("? ") <= MAX_DEPTH:
        return  # cannot nest that deep (every real file): no second parse
    loader = _Loader(yaml_text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise FileError(
                        f"the front matter nests lists or mappings more than {MAX_DEPTH} deep",
                        line=event.start_mark.line + 1,
                    )
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        loader.dispose()


def _check_shape(node):
    """Refuse front matter nested deeper than MAX_DEPTH or holding more than MAX_VALUES values
    once its aliases are expanded, before anything is built from it. Linear in the nodes
    written, however often an alias repeats them; no recursion, however deep."""
    seen = {}  # id(node) -> (values it stands for, how deep it nests); (0, 0) while in progress
    stack = [(node, False)]
    while stack:
        current, done = stack.pop()
        children = _children(current)
        if not done:
            if id(current) not in seen:
                seen[id(current)] = (0, 0)  # an alias back to an enclosing node counts nothing more
                stack.append((current, True))
                stack.extend((child, False) for child in children)
            continue
        below = [seen[id(child)] for child in children]
        if (0, 0) in below:
            raise FileError(
                "an alias in the front matter refers to the list or mapping that holds it",
                line=current.start_mark.line + 1,
            )
        values = 1 + sum(v for v, _ in below)
        depth = 1 + max((d for _, d in below), default=0)
        line = current.start_mark.line + 1
        if values > MAX_VALUES:
            raise FileError(
                f"the front matter stands for more than {MAX_VALUES:,} values once its aliases are expanded "
                "(an alias bomb?)",
                line=line,
            )
        if depth > MAX_DEPTH:
            raise FileError(f"the front matter nests lists or mappings more than {MAX_DEPTH} deep", line=line)
        seen[id(current)] = (values, depth)


def _children(node):
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, collections.abc.Hashable):
            raise FileError(
                f"a {type(key).__name__} is used as a key in the front matter; keys must be text",
                line=key_node.start_mark.line + 1,
            )
        if key in seen:
            raise FileError(
                # node lines count from 0 in the YAML, which starts on the file's line 2
                f"duplicate key {key!r} in the front matter (first on line {seen[key] + 2})",
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
        meta = _load(yaml_text)
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


def _load(yaml_text):
    _check_nesting(yaml_text)
    loader = _StrictLoader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_shape(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


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
