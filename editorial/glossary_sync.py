"""Keep the glossary in step with posts: run on every import and admin save, idempotently.

For each inline definition in a post (``glossary.extract``) the entry is found by its
normalised term, then aliases, then English name and abbreviation; a new concept makes
a new entry. Each use keeps what its post says (term, English, abbreviation, definition):
``glossary_curation.refresh`` derives the entry's public name and definition from the
uses of public posts only, and flags real disagreements. A definition that differs from
the entry's is also kept as a variant an editor can adopt. The post's uses are replaced
by what its text defines now (pinned uses stay), and the stored HTML gets each defined
term linked to its entry, with the post's own definition (or an editor's) as its popover.
"""

import hashlib
import html
import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import override

from . import glossary
from .models import GlossaryAlias, GlossaryEntry, GlossaryUse, GlossaryVariant, Post
from .slugs import free_slug


class Resolver:
    """Finds and makes entries. With ``preload`` it reads every alias once (batch imports)."""

    def __init__(self, *, preload=False):
        self.preload = preload
        self.clear()

    def clear(self):
        self.by_key = None
        self.slugs = None
        self.pending = []

    def _index(self):
        if self.by_key is None:
            self.by_key = dict(GlossaryAlias.objects.values_list("key", "entry_id")) if self.preload else {}
        return self.by_key

    def find(self, keys):
        index = self._index()
        missing = [k for k in keys if k not in index]
        if missing and not self.preload:
            index.update(GlossaryAlias.objects.filter(key__in=missing).values_list("key", "entry_id"))
        for key in keys:
            if index.get(key):
                return index[key]
        return None

    def add_aliases(self, entry_id, texts, *, save=True):
        index = self._index()
        new = self.pending
        for text in texts:
            key = glossary.normalize(text)
            if key and len(key) >= 2 and key not in index:
                if not self.preload and GlossaryAlias.objects.filter(key=key).exists():
                    index[key] = GlossaryAlias.objects.get(key=key).entry_id
                    continue
                index[key] = entry_id
                new.append(GlossaryAlias(entry_id=entry_id, text=text[:300], key=key))
        if save:
            self.flush_aliases()

    def flush_aliases(self):
        GlossaryAlias.objects.bulk_create(self.pending)
        self.pending = []

    def create_many(self, annotations):
        """Make one entry per annotation (in one INSERT); returns their ids in order."""
        entries = []
        for annotation in annotations:
            latin_term = not glossary.CJK.search(annotation.term)
            term = annotation.chinese if latin_term and annotation.chinese else annotation.term
            english = annotation.english or (annotation.term if latin_term else "")
            abbreviation = annotation.abbreviation if not glossary.same_key(annotation.abbreviation, english) else ""
            entry = GlossaryEntry(
                term=term[:200],
                english=english[:300],
                abbreviation=abbreviation[:60],
                definition_zh_hans=annotation.definition,
            )
            entry.fill_derived()
            entries.append(entry)
        self._free_slugs(entries)
        created = GlossaryEntry.objects.bulk_create(entries)
        for entry, annotation in zip(created, annotations, strict=True):
            self.add_aliases(
                entry.pk, [annotation.term, annotation.chinese, annotation.english, annotation.abbreviation], save=False
            )
        self.flush_aliases()
        return [entry.pk for entry in created]

    def _free_slugs(self, entries):
        if self.slugs is None:
            self.slugs = set(GlossaryEntry.objects.values_list("slug", flat=True)) if self.preload else set()

        def taken(slug):
            return slug in self.slugs or (not self.preload and GlossaryEntry.objects.filter(slug=slug).exists())

        for entry in entries:
            entry.slug = free_slug(entry.slug, taken)
            self.slugs.add(entry.slug)


@dataclass
class Plan:
    """What a body defines: entry ids with counts, and which entry each written term means."""

    counts: Counter = field(default_factory=Counter)
    term_keys: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)  # term as written → entry id
    definitions: dict = field(default_factory=dict)  # term as written → the post's own definition
    annotations: dict = field(default_factory=dict)  # entry id → [Annotation]
    entries: dict = field(default_factory=dict)  # entry id → GlossaryEntry


def plan(body, *, pinned=None, resolver=None, annotations=None):
    """Find or make the entries a body defines (before the post itself is saved).
    ``annotations``: ``glossary.extract(body)``, when it was already done (in an import's worker)."""
    resolver = resolver or Resolver()
    pinned = pinned or {}
    result = Plan()
    resolved, new = [], {}
    for annotation in glossary.extract(body or "") if annotations is None else annotations:
        term_key = glossary.normalize(annotation.term)
        entry_id = pinned.get(term_key) or resolver.find(glossary.keys(annotation))
        if entry_id is None:
            new.setdefault(term_key, annotation)  # the same new term twice in a post: one entry
        resolved.append((annotation, term_key, entry_id))
    made = dict(zip(new, resolver.create_many(list(new.values())), strict=True))
    for annotation, term_key, entry_id in resolved:
        if entry_id is None:
            entry_id = made[term_key]
        else:
            resolver.add_aliases(entry_id, [annotation.term, annotation.chinese], save=False)
        result.counts[entry_id] += 1
        result.term_keys.setdefault(entry_id, term_key)
        result.links.setdefault(annotation.term, entry_id)
        result.definitions.setdefault(annotation.term, annotation.definition or annotation.english)
        result.annotations.setdefault(entry_id, []).append(annotation)
    resolver.flush_aliases()
    result.entries = GlossaryEntry.objects.in_bulk(list(result.counts))
    return result


def linked_html(body_html, found):
    """The post's HTML with its defined terms linked. The popover shows the definition this
    post gives (it never shows another post's, which may be a draft), or the editor's."""
    targets = {}
    with override("zh-hans"):
        for term, entry_id in found.links.items():
            entry = found.entries[entry_id]
            own = found.definitions.get(term, "")
            editors = entry.definition_zh_hans if entry.definition_source == "editor" else ""
            targets[term] = (entry.get_absolute_url(), glossary.without_marks(editors or own or entry.english))
    return link_terms(body_html or "", targets)


def _use(post, entry_id, found):
    first = found.annotations[entry_id][0]
    return GlossaryUse(
        post=post,
        entry_id=entry_id,
        count=found.counts[entry_id],
        term_key=found.term_keys[entry_id],
        term=first.term[:200],
        chinese=first.chinese[:200],
        english=first.english[:300],
        abbreviation=first.abbreviation[:60],
        definition=first.definition,
    )


def record(post, found, *, created=False):
    """Store the post's uses and any differing definitions (the post must be saved).
    ``created``: the post is new, so it has no uses yet to replace. Returns the ids of the
    entries whose uses changed (used before or now), for ``glossary_curation.refresh``."""
    variants = []
    for entry_id, annotations in found.annotations.items():
        variants.extend(_variants(found.entries[entry_id], post, annotations))
    GlossaryVariant.objects.bulk_create(variants, ignore_conflicts=True)
    if created:
        GlossaryUse.objects.bulk_create(_use(post, entry_id, found) for entry_id in found.counts)
        return set(found.counts)
    before = set(GlossaryUse.objects.filter(post=post).values_list("entry_id", flat=True))
    GlossaryUse.objects.filter(post=post, pinned=False).delete()
    kept = set(GlossaryUse.objects.filter(post=post).values_list("entry_id", flat=True))
    GlossaryUse.objects.bulk_create(_use(post, entry_id, found) for entry_id in found.counts if entry_id not in kept)
    for use in GlossaryUse.objects.filter(post=post, pinned=True, entry_id__in=found.counts):
        fresh = _use(post, use.entry_id, found)
        fields = ["count", "term", "chinese", "english", "abbreviation", "definition"]
        if any(getattr(use, name) != getattr(fresh, name) for name in fields):
            GlossaryUse.objects.filter(pk=use.pk).update(**{name: getattr(fresh, name) for name in fields})
    return before | set(found.counts)


def pinned_terms(post):
    if post.pk is None:
        return {}
    return dict(post.glossary_uses.filter(pinned=True).values_list("term_key", "entry_id"))


def sync_post(post, *, resolver=None):
    """Attach a saved post's inline definitions to entries and link them in its stored HTML;
    the ids of the entries it used before or uses now."""
    found = plan(post.body_zh_hans, pinned=pinned_terms(post), resolver=resolver)
    linked = linked_html(post.body_html_zh_hans, found)
    if linked != post.body_html_zh_hans:
        post.body_html_zh_hans = linked
        Post.objects.filter(pk=post.pk).update(body_html_zh_hans=linked)
    return record(post, found)


def _variants(entry, post, annotations):
    """A definition that differs from the entry's, kept for an editor to adopt. (The entry's
    own name and definition are derived from public posts by ``glossary_curation``.)"""
    current = glossary.normalize(entry.definition_zh_hans)
    variants = []
    for annotation in annotations:
        differs = glossary.normalize(annotation.definition) != current or (
            annotation.english and glossary.normalize(annotation.english) != glossary.normalize(entry.english)
        )
        if not differs:
            continue
        parts = (annotation.term, annotation.english, annotation.abbreviation, annotation.definition)
        fingerprint = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        variants.append(
            GlossaryVariant(
                entry=entry,
                post=post,
                term=annotation.term[:200],
                english=annotation.english[:300],
                abbreviation=annotation.abbreviation[:60],
                definition=annotation.definition,
                raw=annotation.raw,
                fingerprint=fingerprint,
            )
        )
    return variants


def link_terms(body_html, targets):
    """Wrap each defined term's bold text in a link to its entry, with its definition.
    ``targets``: {term as written: (entry URL, definition)}.

    Without JavaScript the link leads to the entry and the definition shows as a tooltip;
    the reading site's script turns it into an accessible popover.
    """
    if not targets or "<strong>" not in body_html:
        return body_html
    targets = {html.escape(term, quote=False): target for term, target in targets.items()}

    def replace(match):
        target = targets.get(match.group(1))
        if target is None:
            return match.group(0)
        url, definition = target
        title = html.escape(definition[:300], quote=True)
        return (
            f'<strong><dfn class="glossary-term"><a href="{url}" title="{title}" '
            f'data-definition="{title}">{match.group(1)}</a></dfn></strong>'
        )

    return re.sub(r"<strong>([^<]{1,80})</strong>", replace, body_html)
