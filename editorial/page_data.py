"""What the public pages that list posts show: fetched for one page (a reader's request),
or for a whole batch of pages at once (a static build).

A static copy of the whole site is some 200,000 pages, most of which list a few posts: a
glossary term's, a person's, a tag's, a source's. Asked one page at a time that is four or
five queries a page, most of what a page costs. Inside ``preloaded(paths)`` the data of a
whole batch of such pages is fetched in a few queries per kind of page, and the views below
take it from there: the same templates render the same bytes (tests/test_static_bulk.py
compares every file of a build with the live site's). Outside it, each function asks the
database as a reader's request always has.
"""

import logging
from collections import defaultdict
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils import translation

from .glossary import normalize
from .models import Entity, GlossaryEntry, GlossaryUse, Post, PostEntity, TaggedPost

logger = logging.getLogger(__name__)
SPELLINGS_READ = 2000  # uses read per entry for its "also written" (the term's own page)
SPELLINGS_SHOWN = 20
GLOSSARY_POSTS_SHOWN = 30

_batch = None  # the preloaded data of the pages being rendered, while ``preloaded`` is active


class Cards(list):
    """Posts for a list page, in the order the database gives ``cards()`` (a ListView's
    queryset, with its model, so its context is the same as for a queryset)."""

    model = Post


@contextmanager
def preloaded(paths):
    """Fetch, in bulk, what the pages at ``paths`` show; the views read it until the block ends."""
    global _batch  # noqa: PLW0603 - one batch at a time, in the process rendering it
    wanted = defaultdict(set)
    for path in paths:
        language = "en" if path.startswith("/en/") else "zh-hans"
        with translation.override(language):
            try:
                match = resolve(urlsplit(path).path)
            except Resolver404:
                continue
        wanted[match.url_name].add(_key(match.url_name, match.kwargs))
    try:
        batch = _Batch(wanted)
    except Exception:  # the pages are still rendered, each asking the database itself
        logger.exception("could not fetch the data of %d pages at once", len(paths))
        batch = None
    previous, _batch = _batch, batch
    try:
        yield _batch
    finally:
        _batch = previous


def _key(name, kwargs):
    if name == "entity-detail":
        return (kwargs["kind"], kwargs["slug"])
    return kwargs.get("slug")


class _Batch:
    def __init__(self, wanted):
        self.glossary = _glossary(wanted.get("glossary-detail", set()) - {None})
        self.entities = _entities(wanted.get("entity-detail", set()))
        self.wanted_tags = wanted.get("tag-detail", set()) - {None}
        self.wanted_sources = wanted.get("source-detail", set()) - {None}
        self._tags = self._sources = None  # fetched when the first such page asks (their indexes are cached)

    def tags(self, tag):
        if self._tags is None:
            from .views import tag_pages

            ids = [t.pk for t in tag_pages().values() if t.slug in self.wanted_tags]
            links = TaggedPost.objects.filter(tag_id__in=ids, content_object__in=Post.objects.listed())
            self._tags = _grouped(links.values_list("tag_id", "content_object_id"))
        return self._tags.get(tag.pk, Cards())

    def sources(self, source):
        if self._sources is None:
            from .sources import source_index

            index = source_index()
            pairs = [(slug, pk) for slug in self.wanted_sources if slug in index for pk in index[slug].post_ids]
            self._sources = _grouped(pairs)
        return self._sources.get(source.slug, Cards())


def _ordered_cards(ids):
    """{post id: card}, and the rank of each in the order ``cards()`` gives: listed posts only."""
    cards = list(Post.objects.listed().filter(pk__in=ids).cards()) if ids else []
    return {card.pk: card for card in cards}, {card.pk: n for n, card in enumerate(cards)}


def _grouped(pairs):
    """{owner: Cards} from (owner, post id) pairs, each list in ``cards()`` order."""
    by_owner = defaultdict(set)
    for owner, post_id in pairs:
        by_owner[owner].add(post_id)
    cards, rank = _ordered_cards({pk for ids in by_owner.values() for pk in ids})
    return {
        owner: Cards(cards[pk] for pk in sorted((pk for pk in ids if pk in rank), key=rank.__getitem__))
        for owner, ids in by_owner.items()
    }


def _glossary(slugs):
    if not slugs:
        return {}
    entries = {entry.pk: entry for entry in GlossaryEntry.objects.public().filter(slug__in=slugs)}
    uses = (
        GlossaryUse.objects.filter(entry_id__in=list(entries), post__in=Post.objects.listed())
        .order_by("pk")
        .values_list("entry_id", "post_id", "term", "chinese")
    )
    posts, texts = defaultdict(set), defaultdict(list)
    for entry_id, post_id, term, chinese in uses:
        posts[entry_id].add(post_id)
        if len(texts[entry_id]) < SPELLINGS_READ:
            texts[entry_id].append((term, chinese))
    cards = _grouped((entry_id, post_id) for entry_id, ids in posts.items() for post_id in ids)
    return {
        entry.slug: (entry, cards.get(entry.pk, Cards()), _spellings(entry, texts.get(entry.pk, [])))
        for entry in entries.values()
    }


def _entities(keys):
    if not keys:
        return {}
    found = {}
    for kind in {kind for kind, _slug in keys}:
        slugs = [slug for k, slug in keys if k == kind]
        for entity in Entity.objects.public().filter(kind=kind, slug__in=slugs):
            found[entity.pk] = entity
    links = PostEntity.objects.filter(entity_id__in=list(found), post__in=Post.objects.listed())
    cards = _grouped(links.values_list("entity_id", "post_id").distinct())
    return {(entity.kind, entity.slug): (entity, cards.get(entity.pk, Cards())) for entity in found.values()}


def _spellings(entry, texts):
    """ "Also written": how public posts write the term, besides its names (never a draft's)."""
    shown = {normalize(entry.term), normalize(entry.english), normalize(entry.abbreviation)}
    found = {}
    for term, chinese in texts:
        for text in (term, chinese):
            if text and normalize(text) not in shown:
                found.setdefault(normalize(text), text)
    return sorted(found.values())[:SPELLINGS_SHOWN]


# What the views ask.


def glossary_entry(slug):
    """The public entry at ``slug``, its posts (one more than are shown, to tell whether there
    are more) and its other spellings."""
    if _batch is not None and slug in _batch.glossary:
        entry, cards, spellings = _batch.glossary[slug]
        return entry, cards[: GLOSSARY_POSTS_SHOWN + 1], spellings
    entry = GlossaryEntry.objects.public().filter(slug=slug).first()
    if entry is None:
        raise Http404("No such glossary entry.")
    uses = GlossaryUse.objects.filter(entry=entry, post__in=Post.objects.listed())
    posts = list(Post.objects.filter(pk__in=uses.values("post_id")).cards()[: GLOSSARY_POSTS_SHOWN + 1])
    texts = uses.order_by("pk").values_list("term", "chinese")[:SPELLINGS_READ]
    return entry, posts, _spellings(entry, texts)


def entity_page(kind, slug):
    """(entity, its listed posts as cards) for an entity a public post mentions."""
    if _batch is not None and (kind, slug) in _batch.entities:
        return _batch.entities[(kind, slug)]
    entity = Entity.objects.public().filter(kind=kind, slug=slug).first()
    if entity is None:
        raise Http404("No such entity.")
    return entity, Post.objects.listed().filter(entity_links__entity=entity).distinct().cards()


def tag_posts(tag):
    """The listed posts tagged ``tag`` (a views.TagPage), as cards."""
    if _batch is not None and tag.slug in _batch.wanted_tags:
        return _batch.tags(tag)
    return Post.objects.listed().filter(tagged_items__tag_id=tag.pk).cards()


def source_posts(source):
    """The listed posts of a source (a sources.Source), as cards."""
    if _batch is not None and source.slug in _batch.wanted_sources:
        return _batch.sources(source)
    return Post.objects.listed().filter(pk__in=source.post_ids).cards()
