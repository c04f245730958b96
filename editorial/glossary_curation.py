"""What the glossary shows readers, derived from the posts that use each entry.

Every use (``GlossaryUse``) keeps what its own post says: the term as written, the
Chinese and English names, the abbreviation and the definition. From those ``refresh``
derives, for each entry:

* ``posts`` and ``public_posts`` (listed, public posts): an entry has a public page while
  at least one public post uses it, and is listed in the index from
  ``EDITORIAL_GLOSSARY_MIN_POSTS`` public posts (or when an editor features it);
* its **name**, unless an editor chose it: the term is the Chinese form most posts use
  (令牌, filed under L), else the Latin term; the English term is the English name most
  posts give; the abbreviation likewise;
* its **definition**, unless an editor wrote or chose one: the one most posts give;
* whether it **needs review**: its posts disagree on what the term is, not merely on how a
  definition is worded (``disagreeing``: two expansions of one abbreviation, a post that
  wrote another Chinese term, or two established meanings with unrelated definitions).

Names and definitions come from public posts only; only an entry no public post uses (it has
no page) is named from its drafts, for the admin. Ties go to the oldest post. An editor's
dismissal is remembered as the disagreement's fingerprint: a new disagreement flags again.
"""

import functools
import hashlib
import os.path
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from . import glossary, write_turns
from .models import GlossaryAlias, GlossaryEntry, GlossaryUse, GlossaryVariant, Post

CHUNK = 500
DERIVED = ["posts", "public_posts", "term", "english", "abbreviation", "definition_zh_hans", "conflict",
           "conflict_summary"]  # fmt: skip
SHOWN = ["public_posts", "term", "english", "abbreviation", "definition_zh_hans"]  # what readers see


@dataclass
class Changes:
    """What a refresh changed for readers: the entries whose own pages show something else,
    and whether the public index does (an entry came in or went, or one in it was renamed)."""

    entries: set = field(default_factory=set)
    index: bool = False

    def __ior__(self, other):
        self.entries |= other.entries
        self.index |= other.index
        return self


def refresh(entry_ids=None, *, gone=(), progress=None):
    """Derive counts, names, definitions and review flags of these entries (all when None),
    leaving out the uses of posts ``gone`` (being deleted in this transaction).
    Returns the ``Changes`` readers will see (the pages to write again)."""
    if entry_ids is None:
        entry_ids = list(GlossaryEntry.objects.order_by("pk").values_list("pk", flat=True))
    entry_ids = sorted(set(entry_ids))
    if progress:
        progress.total(len(entry_ids))
    changed = Changes()
    for start in range(0, len(entry_ids), CHUNK):
        chunk = entry_ids[start : start + CHUNK]
        with transaction.atomic():
            changed |= _refresh_chunk(chunk, gone)
        write_turns.let_others_write()
        if progress:
            progress.step(done=start + len(chunk))
    return changed


def _uses_of(ids, gone=()):
    """{entry id: [what each post says, with whether the post is public]}, oldest post first."""
    rows = list(
        GlossaryUse.objects.filter(entry_id__in=ids)
        .exclude(post_id__in=gone)
        .order_by("post_id")
        .values("entry_id", "post_id", "term", "chinese", "english", "abbreviation", "definition")
    )
    # Which of those posts readers see: one look-up by key (a correlated EXISTS per use took
    # PostgreSQL four minutes over the whole site's 110,000 uses).
    posts = sorted({row["post_id"] for row in rows})
    public = set()
    for start in range(0, len(posts), 5000):
        public |= set(Post.objects.listed().filter(pk__in=posts[start : start + 5000]).values_list("pk", flat=True))
    uses = defaultdict(list)
    for row in rows:
        row["public"] = row["post_id"] in public
        uses[row["entry_id"]].append(row)
    return uses


def _refresh_chunk(ids, gone):
    uses = _uses_of(ids, gone)
    changed, updated, now = Changes(), [], timezone.now()
    for entry in GlossaryEntry.objects.filter(pk__in=ids):
        before = {name: getattr(entry, name) for name in DERIVED}
        was_indexed = entry.is_indexed
        derive(entry, uses.get(entry.pk, []))
        if any(getattr(entry, name) != before[name] for name in DERIVED):
            entry.fill_derived()
            updated.append(entry)
            if any(getattr(entry, name) != before[name] for name in SHOWN):
                changed.entries.add(entry.pk)
                entry.updated_at = now  # the sitemap's lastmod
            renamed = any(getattr(entry, name) != before[name] for name in SHOWN[1:])
            changed.index |= was_indexed != entry.is_indexed or (renamed and entry.is_indexed)
    GlossaryEntry.objects.bulk_update(
        updated, [*DERIVED, "sort_zh", "initial_zh", "sort_en", "initial_en", "updated_at"]
    )
    return changed


def derive(entry, uses):
    """Set ``entry``'s derived fields from its uses (dicts, oldest post first)."""
    public = [use for use in uses if use["public"]]
    basis = public or uses
    entry.posts, entry.public_posts = len(uses), len(public)
    if not entry.named_by_editor and basis:
        chinese = [_chinese_form(use) for use in basis]
        entry.term = (_most_used([c for c in chinese if c]) or _most_used([u["term"] for u in basis]))[:200]
        entry.english = _most_used([use["english"] for use in basis], key=_name)[:300]
        abbreviation = _most_used([use["abbreviation"] for use in basis], key=_name)
        entry.abbreviation = "" if _name(abbreviation) == _name(entry.english) else abbreviation[:60]
    if entry.definition_source != GlossaryEntry.Source.EDITOR and basis:
        entry.definition_zh_hans = _most_used([use["definition"] for use in basis], key=_wording)
    found = disagreements(uses, entry.term)
    fingerprint = _fingerprint(found)
    entry.conflict = bool(found) and fingerprint != entry.dismissed
    entry.conflict_summary = _summary(uses, entry.term)[:500] if found else ""
    return entry


_name = functools.lru_cache(maxsize=65536)(glossary.normalize)  # names recur across entries' uses
_NOT_WORDING = re.compile(r"[\W_]+")


def _wording(definition):
    """Definitions compared without spacing, punctuation or case (cheaper than ``normalize``
    on long text: whole-site refreshes compare 110,000 of them)."""
    return _NOT_WORDING.sub("", definition).casefold()


def _chinese_form(use):
    if glossary.CJK.search(use["term"]):
        return use["term"]
    return use["chinese"] if glossary.CJK.search(use["chinese"]) else ""


def _most_used(values, key=lambda value: value):
    """The value most posts give (compared by ``key``), the oldest post's on a tie; "" if none."""
    values = [value for value in values if value and key(value)]
    if not values:
        return ""
    counts = Counter(key(value) for value in values)
    best = max(counts.values())
    return next(value for value in values if counts[key(value)] == best)


# --- disagreements -------------------------------------------------------------------------


def disagreements(uses, term=""):
    """[(what, [readings])]: the names the posts give for the entry that cannot be one thing;
    [] when they agree. See ``disagreeing`` for when a name disagrees."""
    found = disagreeing(uses, term)
    return [("english", [found[0][0], *(name for name, _why in found[1:])])] if len(found) > 1 else []


def disagreeing(uses, term=""):
    """[(the most used name, ""), (a disagreeing name, why), …], or [] when the names agree.

    The posts' names (English, or the abbreviation when that is all a post gives) are grouped
    by ``_same_english``. Another group than the most used one disagrees, with the reason:

    * ``acronym``: both names expand one abbreviation the posts use (PE: Price-to-Earnings
      Ratio and Processing Element), so the posts met through it but mean different things;
    * ``match``: its posts write the term in Chinese, never sharing a character with the entry's
      term (净息差 and 英伟达推理微服务, met only through NIM; not 乐趣 and 快乐);
    * ``meaning``: at least two posts give that other name, both groups define the term, and
      the definitions share almost nothing (代理 as Agent and as Proxy).

    A single post's synonym with its own wording (Enjoyment / Pleasure) is not a disagreement:
    on the whole site such pairs were most of the flags and almost never needed an editor."""
    groups, acronyms = [], set()
    for use in uses:
        abbreviation = _clean_name(use.get("abbreviation", ""))
        latin_term = use.get("term", "") if not glossary.CJK.search(use.get("term", "")) else ""
        for short in (abbreviation, latin_term):
            if short and glossary.ABBREVIATION.match(short) and " " not in short:
                acronyms.add(short)
        name = _clean_name(use.get("english", "")) or abbreviation
        if not name:
            continue
        group = next((g for g in groups if any(_same_english(seen, name) for seen in g["names"])), None)
        if group is None:
            group = {"name": name, "names": set(), "n": 0, "chinese": set(), "words": set()}
            groups.append(group)
        if len(group["names"]) < 8:
            group["names"].add(name)
        group["n"] += 1
        form = _chinese_form({"term": use.get("term", ""), "chinese": use.get("chinese", "")})
        if form:
            group["chinese"].add(_name(form))
        group["words"] |= _bigrams(use.get("definition", ""))
    if len(groups) < 2:
        return []
    groups.sort(key=lambda g: -g["n"])
    major = groups[0]
    term_key = _name(term) if glossary.CJK.search(term or "") else ""
    found = [(major["name"], "")]
    for other in groups[1:]:
        if any(_expands(a, major["name"]) and _expands(a, other["name"]) for a in acronyms):
            found.append((other["name"], "acronym"))
        elif other["chinese"] and term_key and not any(set(form) & set(term_key) for form in other["chinese"]):
            found.append((other["name"], "match"))
        elif other["n"] >= 2 and _unrelated(major["words"], other["words"]):
            found.append((other["name"], "meaning"))
    return found if len(found) > 1 else []


_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
MIN_BIGRAMS = 4  # a definition shorter than this says too little to compare
UNRELATED = 0.15  # definitions sharing fewer of their bigrams than this mean different things


def _bigrams(text):
    found = set()
    for run in _CJK_RUN.findall(text or ""):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    found.update(word.casefold() for word in _LATIN_WORD.findall(text or ""))
    return found


def _unrelated(a, b):
    if len(a) < MIN_BIGRAMS or len(b) < MIN_BIGRAMS:
        return False
    return len(a & b) / min(len(a), len(b)) < UNRELATED


_NAME_JUNK = re.compile(r"[*`“”\"《》「」]")


def _clean_name(text):
    """A name as a post gives it, or "" when it is not one: no letters (40.24, 12.67%, $10B+),
    or a description in the name's place (A brand of lubricant and penetrating oil)."""
    text = _NAME_JUNK.sub("", text or "").strip()
    text = re.split(r"\s*[,，/]\s+|\s+/\s*", text)[0]  # "Forward Price-to-Earnings Ratio, Forward PE"
    letters = sum(c.isalpha() and c.isascii() for c in text)
    if letters < 2 or "%" in text or "$" in text or len(text.split()) > 5:
        return ""
    return text


WORD = re.compile(r"[a-z0-9]+")
SMALL_WORDS = {"of", "the", "and", "for", "to", "in", "on", "a", "an", "&"}


def _words(text):
    return [_name(word) or word for word in WORD.findall(text.casefold())]


def _same_english(a, b):
    """Could ``a`` and ``b`` name the same thing? Spelling, plural, case, hyphens; one the
    abbreviation of the other; one containing the other (Alignment / AI Alignment); most
    words shared (Artificial General Intelligence / General Artificial Intelligence)."""
    key_a, key_b = _name(a), _name(b)
    if not key_a or not key_b or key_a == key_b:
        return True
    if _abbreviates(a, b) or _abbreviates(b, a):
        return True
    short, long_ = sorted((key_a, key_b), key=len)
    if len(short) >= 3 and short in long_:
        return True
    words_a, words_b = set(_words(a)) - SMALL_WORDS, set(_words(b)) - SMALL_WORDS
    if words_a and words_b and len(words_a & words_b) * 2 >= min(len(words_a), len(words_b)) + 1:
        return True
    if _one_stem(key_a, key_b):
        return True
    for short, long_ in ((a, b), (b, a)):  # MoE Model / Mixture of Experts: named by its abbreviation
        first = short.split()[0] if short.split() else ""
        if first != short and glossary.ABBREVIATION.match(first) and _abbreviates(first, long_):
            return True
    last_a, last_b = _words(a)[-1:], _words(b)[-1:]
    if last_a and last_a == last_b and len(last_a[0]) >= 3:
        return True  # one head word: Donald Trump / President Trump, Interest Rate Spread / Yield Spread
    # behaviour / behavior; not Bond / Bound: short words differ by a letter and mean other things
    return min(len(key_a), len(key_b)) >= 8 and SequenceMatcher(None, key_a, key_b).ratio() >= 0.85


def _expands(acronym, name):
    """``name`` spells ``acronym`` out (not merely contains it: Dynamic PE does not expand PE)."""
    words = {_name(word) for word in name.split()}
    return _name(acronym) not in words and _abbreviates(acronym, name)


def _one_stem(key_a, key_b):
    """Curious / Curiosity, Sandbox / Sandboxing, Capitulate / capitulation: one word's forms."""
    common = len(os.path.commonprefix([key_a, key_b]))
    return common >= 5 and common >= 0.7 * min(len(key_a), len(key_b))


def _abbreviates(short, name):
    """``short`` is made of the starts of ``name``'s words, in order: LLM / Large Language
    Models, RLHF, CapEx / Capital Expenditure, Fed / Federal Reserve, GPT4 / … Transformer 4."""
    letters = _name(short)
    letters = letters[:-1] if len(letters) > 2 and letters.endswith("s") else letters  # LLMs
    if short.endswith(("ing", "ed")) and short[:2].isupper():
        letters = _name(short[: -3 if short.endswith("ing") else -2])  # IPOing
    words = WORD.findall(name.casefold())
    if len(letters) < 2 or len(letters) > 12 or letters == "".join(words):
        return False
    return _starts_of(letters, words)


def _starts_of(letters, words):
    if not letters:
        return True
    if not words:
        return False
    word = words[0]
    for k in range(min(len(word), len(letters)), 0, -1):
        if letters[:k] == word[:k] and _starts_of(letters[k:], words[1:]):
            return True
    skippable = word in SMALL_WORDS or (len(words) > 1 and letters[:1] != word[:1])  # "of"; "Open" in Open AI
    return skippable and _starts_of(letters, words[1:])


def _fingerprint(found):
    if not found:
        return ""
    parts = [f"{what}:{'|'.join(sorted(glossary.normalize(r) for r in readings))}" for what, readings in found]
    text = "\x1f".join(parts)
    return hashlib.sha256(text.encode()).hexdigest()


REASONS = {"acronym": "two expansions of one abbreviation", "match": "another Chinese term",
           "meaning": "another meaning"}  # fmt: skip


def _summary(uses, term):
    """ "Price-to-Earnings Ratio ≠ Processing Element (two expansions of one abbreviation); …"."""
    found = disagreeing(uses, term)
    major = found[0][0]
    return "; ".join(f"{major} ≠ {name} ({REASONS[why]})" for name, why in found[1:4])


# --- editors' decisions --------------------------------------------------------------------


def dismiss(entries):
    """An editor looked: the posts' names may stand as they are (until they disagree anew)."""
    settled, uses = 0, _uses_of([entry.pk for entry in entries])
    for entry in entries:
        found = disagreements(uses[entry.pk], entry.term)
        entry.dismissed, entry.conflict = _fingerprint(found), False
        settled += 1
    GlossaryEntry.objects.bulk_update(entries, ["dismissed", "conflict"])
    return settled


def adopt_most_used(entries):
    """Make the definition and names most public posts give the entry's own (an editor's
    choice: never replaced by a post again), and settle its disagreement."""
    every = _uses_of([entry.pk for entry in entries])
    for entry in entries:
        uses = every[entry.pk]
        basis = [use for use in uses if use["public"]] or uses
        definition = _most_used([use["definition"] for use in basis], key=_wording)
        if definition:
            entry.definition_zh_hans = definition
        entry.definition_source = GlossaryEntry.Source.EDITOR
        derive(entry, uses)
        entry.named_by_editor = True
        entry.dismissed, entry.conflict = _fingerprint(disagreements(uses, entry.term)), False
        entry.fill_derived()
    GlossaryEntry.objects.bulk_update(
        entries,
        ["definition_zh_hans", "definition_source", "named_by_editor", "term", "english", "abbreviation",
         "dismissed", "conflict", "sort_zh", "initial_zh", "sort_en", "initial_en"],
    )  # fmt: skip
    return len(entries)


def _uses(entry):
    return _uses_of([entry.pk])[entry.pk]


def readings(entry):
    """What the entry's posts say, grouped: [(english, definition, [use dicts])], most used first
    (the admin's review view)."""
    groups = defaultdict(list)
    for use in _uses(entry):
        groups[(_name(use["english"]), _wording(use["definition"]))].append(use)
    return sorted(groups.values(), key=lambda group: (-len(group), group[0]["post_id"]))


@transaction.atomic
def merge(target, others):
    """Fold ``others`` into ``target``: aliases, post uses (counts added) and variants move."""
    for other in others:
        GlossaryAlias.objects.filter(entry=other).update(entry=target)
        GlossaryAlias.objects.get_or_create(
            key=glossary.normalize(other.term), defaults={"entry": target, "text": other.term}
        )
        for use in GlossaryUse.objects.filter(entry=other):
            existing = GlossaryUse.objects.filter(entry=target, post=use.post_id).first()
            if existing:
                GlossaryUse.objects.filter(pk=existing.pk).update(count=F("count") + use.count)
                use.delete()
            else:
                GlossaryUse.objects.filter(pk=use.pk).update(entry=target)
        duplicates = GlossaryVariant.objects.filter(entry=target).values("post", "fingerprint")
        for row in duplicates:
            GlossaryVariant.objects.filter(entry=other, post=row["post"], fingerprint=row["fingerprint"]).delete()
        GlossaryVariant.objects.filter(entry=other).update(entry=target)
        if not target.definition_en and other.definition_en:
            target.definition_en = other.definition_en
        target.english = target.english or other.english
        target.abbreviation = target.abbreviation or other.abbreviation
        other.delete()
    target.save()


def review_queue():
    """Entries to review, those whose decision reaches the most public posts first."""
    return GlossaryEntry.objects.needs_review().order_by("-public_posts", "-posts", "pk")


def counts():
    """The glossary in figures (bench/glossary_eval.py and the admin's review page)."""
    entries = GlossaryEntry.objects.all()
    return {
        "entries": entries.count(),
        "used_by_2": entries.filter(posts__gte=2).count(),
        "public": entries.public().count(),
        "in_index": entries.in_index().count(),
        "flagged": entries.needs_review().count(),
        "flagged_public": entries.needs_review().filter(public_posts__gte=1).count(),
        "uses": GlossaryUse.objects.count(),
        "aliases": GlossaryAlias.objects.count(),
        "largest": list(entries.order_by("-posts").values_list("term", "posts")[:5]),
        "by_posts": dict(entries.values_list("posts").annotate(n=Count("pk")).order_by("posts")[:6]),
    }
