"""An item's file with the smallest change that carries its edits (pure: bytes in, bytes out).

The owner's first rule is to preserve content bytes. An imported item keeps the file it
came from (``Post.source_file``); ``patched`` writes that file again with the item's
current front matter and body, changing only what an edit touched:

* a front-matter key whose value is unchanged keeps its lines as written (order, quoting,
  list indentation, an empty ``key:``); a changed key is rewritten in the same place, in
  the style of the old lines; a removed key loses its lines; a new key goes at the end;
* the body keeps every line the edit did not touch, even where the importer repaired a
  block for rendering: the edit is found as a diff between the repaired body the item was
  imported with and its body now, and applied to the file's own lines;
* the byte-order mark and CRLF line endings stay.

An item nobody edited comes back as its exact bytes.
"""

import datetime
import difflib
import re

import yaml

from . import frontmatter, originals

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_TOP_KEY = re.compile(r"^(?:'([^']*)'|\"([^\"]*)\"|([^\s#'\"-][^:]*?|-[^\s:][^:]*?)):(?:[ \t]|$)")


def patched(source, meta, body):
    """The file ``source`` (bytes) rewritten to hold ``meta`` and ``body``; ``source`` itself
    when neither differs from what it says."""
    document = frontmatter.read(source)
    changed_keys = [key for key in {**document.meta, **meta} if not _same(document.meta.get(key), meta.get(key), key)]
    if body == document.body:  # the file's own body (most files need no repair): no need to parse it
        new_body = document.body
    else:
        _parsed, imported_body = originals.normalize_parsed(document.body)
        new_body = document.body if body == imported_body else _patch_body(document.body, imported_body, body)
    if not changed_keys and new_body == document.body:
        return source
    header = _patch_header(document.header, document.meta, meta, changed_keys)
    opening, closing = document.fences
    text = opening + header + closing + new_body
    raw = source[3:] if source.startswith(b"\xef\xbb\xbf") else source
    if b"\r\n" in raw:
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if raw is not source else b"") + text.encode("utf-8")


# -- front matter ---------------------------------------------------------------------------


def _norm(value, key=""):
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (list, tuple)):
        items = [_norm(v, key) for v in value]
        return [i.casefold() if key == "tags" and isinstance(i, str) else i for i in items]
    if isinstance(value, dict):
        return {str(k): _norm(v) for k, v in value.items()}
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _same(old, new, key):
    a, b = _norm(old, key), _norm(new, key)
    if a in ("", [], "[]") and b in ("", [], "[]"):
        return True
    # "media_books: The Daily" is read as a one-item list: the same list
    if isinstance(a, list) != isinstance(b, list):
        a, b = (a if isinstance(a, list) else [a]), (b if isinstance(b, list) else [b])
    return a == b


def _blocks(header):
    """[(key or None, [lines])]: each top-level key with the lines that belong to it."""
    blocks = []
    for line in header.splitlines(keepends=True):
        m = _TOP_KEY.match(line)
        if m:
            blocks.append((next(g for g in m.groups() if g is not None), [line]))
        elif blocks and (line[:1] in (" ", "\t", "-", "\n", "") or not line.strip()):
            blocks[-1][1].append(line)
        else:
            blocks.append((None, [line]))
    return blocks


def _dump(key, value, old_lines):
    """``key: value`` as YAML lines, in the style of the key's old lines where it had any."""
    first = old_lines[0] if old_lines else ""
    after_colon = first.split(":", 1)[1].strip() if ":" in first else ""
    style = None
    if isinstance(value, str) and after_colon[:1] in ("'", '"'):
        style = after_colon[0]
    text = yaml.dump(
        {key: value},
        Dumper=_Dumper,
        allow_unicode=True,
        default_flow_style=False,
        sort_keys=False,
        width=10**9,
        default_style=style,
    )
    if style:  # default_style quotes the key too: write the key as it was written
        text = f"{key}:" + text.split(":", 1)[1]
    indent = next(
        (re.match(r"^([ \t]*)- ", line).group(1) for line in old_lines[1:] if re.match(r"^[ \t]*- ", line)), ""
    )
    if indent:
        text = re.sub(r"(?m)^- ", indent + "- ", text)
    return text.splitlines(keepends=True)


def _patch_header(header, old_meta, meta, changed_keys):
    changed = set(changed_keys)
    out = []
    seen = set()
    for key, lines in _blocks(header):
        if key is None or key not in changed:
            out.extend(lines)
        elif key in meta:
            out.extend(_dump(key, frontmatter.plain(meta[key]), lines))
        seen.add(key)
    for key in changed_keys:
        if key not in seen and key in meta:
            out.extend(_dump(key, frontmatter.plain(meta[key]), []))
    text = "".join(out)
    return text if not text or text.endswith("\n") else text + "\n"


# -- body -----------------------------------------------------------------------------------


def _patch_body(source_body, imported_body, body):
    """Apply the edit (``imported_body`` → ``body``) to ``source_body``'s own lines."""
    a = source_body.splitlines(keepends=True)
    r = imported_body.splitlines(keepends=True)
    n = body.splitlines(keepends=True)
    r_to_a = {}
    for ai, ri, size in difflib.SequenceMatcher(None, a, r, autojunk=False).get_matching_blocks():
        for k in range(size):
            r_to_a[ri + k] = ai + k
    opcodes = difflib.SequenceMatcher(None, r, n, autojunk=False).get_opcodes()
    hunks = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            continue
        # Widen the hunk over imported lines that are not the file's own (a repaired block),
        # so the file's lines there are replaced whole, never half; only through the equal
        # lines on either side, where imported and new lines are the same.
        low = hunks[-1][1] if hunks else 0
        while i1 > low and (i1 - 1) not in r_to_a:
            i1, j1 = i1 - 1, j1 - 1
        high = opcodes[index + 1][2] if index + 1 < len(opcodes) else len(r)
        while i2 < high and i2 not in r_to_a:
            i2, j2 = i2 + 1, j2 + 1
        if hunks and i1 <= hunks[-1][1]:
            hunks[-1] = (hunks[-1][0], i2, hunks[-1][2], j2)
        else:
            hunks.append((i1, i2, j1, j2))
    out, position = [], 0
    for i1, i2, j1, j2 in hunks:
        a1 = r_to_a[i1 - 1] + 1 if i1 > 0 else 0
        a2 = r_to_a[i2] if i2 < len(r) else len(a)
        out.extend(a[position:a1])
        out.extend(n[j1:j2])
        position = max(position, a2)
    out.extend(a[position:])
    return "".join(out)
