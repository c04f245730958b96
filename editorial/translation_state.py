"""Each item's translation state (models/translation_state.py), kept in step by the content
service on every save: which originals lack their Chinese, whether the English title and summary
exist, and which originals changed since the Chinese beside them was last edited.

Passages are matched across a save by their Chinese text (a sequence alignment of digests), so
a passage added, removed or moved elsewhere does not shift the rest. A matched passage whose
original changed while its Chinese did not is stale; it stays stale, with the original as it was
before and the Chinese as it stood, until its Chinese is edited or an editor marks it checked.
"""

import difflib
import hashlib
import re

from . import passages
from .models import TranslationState


def digest(text):
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def read(body):
    """[(chinese digest, original digest or None, chinese, original)] for each passage that has
    a Chinese text or an original."""
    rows = []
    for passage in passages.split(body or "")["passages"]:
        chinese = (passage["label"] + passage["text"]).strip()
        original = passage["original"]["text"].strip() if passage["original"] else None
        if chinese or original is not None:
            rows.append(
                (
                    digest(chinese) if chinese else "",
                    digest(original) if original is not None else None,
                    chinese,
                    original,
                )
            )
    return rows


def update(post, *, previous_body=None):
    """Bring ``post``'s state up to date with its body; ``previous_body`` (if known) supplies
    the originals as they were for the word diff of newly stale passages."""
    rows = read(post.body_zh_hans)
    state = TranslationState.objects.filter(post=post).first()
    stale = _stale(state, rows, post, previous_body) if state is not None else []
    values = {
        "passages": [[chinese, original] for chinese, original, _c, _o in rows],
        "stale": stale,
        "originals": sum(1 for row in rows if row[1] is not None),
        "missing": sum(1 for row in rows if row[1] is not None and not row[0]),
        "stale_count": len(stale),
        "english_title": bool(post.title_en),
        "english_summary": bool(post.summary_en),
    }
    if state is not None and all(getattr(state, name) == value for name, value in values.items()):
        return state
    state, _created = TranslationState.objects.update_or_create(post=post, defaults=values)
    return state


def checked(post, chinese=None):
    """An editor says the Chinese of a stale passage (``chinese``: its digest; None: all of them)
    is right for its new original."""
    state = TranslationState.objects.filter(post=post).first()
    if state is None:
        return
    state.stale = [s for s in state.stale if chinese is not None and s["chinese"] != chinese]
    state.stale_count = len(state.stale)
    state.save(update_fields=["stale", "stale_count", "updated_at"])


def _stale(state, rows, post, previous_body):
    kept = {entry["chinese"]: entry for entry in state.stale}
    old_rows = state.passages
    matcher = difflib.SequenceMatcher(a=[r[0] for r in old_rows], b=[r[0] for r in rows], autojunk=False)
    stale, fresh = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            continue
        for (_c, was), (chinese, now, text, original) in zip(old_rows[i1:i2], rows[j1:j2], strict=True):
            if not chinese or now is None:
                continue
            if was is not None and was != now:
                earlier = kept.get(chinese)
                entry = {"chinese": chinese, "old": earlier["old"] if earlier else None, "new": original, "text": text}
                stale.append(entry)
                if earlier is None:
                    fresh.append((was, entry))
            elif chinese in kept:
                stale.append({**kept[chinese], "new": original})
    if fresh:
        before = _originals_by_digest(previous_body if previous_body is not None else _previous_body(post))
        for was, entry in fresh:
            entry["old"] = before.get(was)
    return stale


def _originals_by_digest(body):
    return {original_digest: original for _c, original_digest, _t, original in read(body or "") if original is not None}


def _previous_body(post):
    """The body as the last revision kept it (the save under way writes its own afterwards)."""
    from . import revisions

    version = revisions.versions_of(post).first()
    return version.field_dict.get("body_zh_hans") if version is not None else None


def word_diff(old, new):
    """[(op, text)] from ``old`` to ``new`` by words (and by character for CJK): op is "=", "-" or "+"."""
    a, b = _words(old or ""), _words(new or "")
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out


def _words(text):
    return re.findall(r"[\u3400-\u9fff\uff00-\uffef]|\w+|\s+|[^\w\s]", text)
