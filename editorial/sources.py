"""Sources (来源): the channels and people named in posts' speaker and guest fields.

The old site listed them from ``speaker`` and ``guest`` split on commas, merged case-
insensitively, with slugs from pinyin+slugify of the lower-cased name and -1, -2…
suffixes on collision after sorting the names (CURRENT-SITE.md §2.2). The same rule
here keeps old /speakers/<slug>/ links resolvable. The index is built from listed posts
and cached until content changes.
"""

from dataclasses import dataclass, field

from django.core.cache import cache

from . import caching
from .models import Post
from .slugs import pinyin_slug


@dataclass
class Source:
    name: str
    slug: str
    post_ids: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.post_ids)


def names_in(speaker, guest):
    return [n.strip() for value in (speaker, guest) for n in (value or "").split(",") if n.strip()]


def source_index():
    """{slug: Source} for every source of a listed post (cached per content generation)."""
    key = f"editorial:sources:{caching.generation()}"
    index = cache.get(key)
    if index is None:
        index = _build(Post.objects.listed().order_by("published_at", "pk").values_list("pk", "speaker", "guest"))
        cache.set(key, index, 300)  # scheduled posts go public without a content change
    return index


def _build(rows):
    by_name = {}
    for pk, speaker, guest in rows:
        for name in names_in(speaker, guest):
            source = by_name.setdefault(name.casefold(), Source(name=name, slug=""))
            if pk not in source.post_ids:
                source.post_ids.append(pk)
    index, taken = {}, {}
    for folded in sorted(by_name):
        source = by_name[folded]
        base = pinyin_slug(folded) or "source"
        n = taken.get(base, 0)
        source.slug = base if n == 0 else f"{base}-{n}"
        taken[base] = n + 1
        index[source.slug] = source
    return index


def series_index():
    """{slug: (name, [post ids in reading order])} for series of listed posts (cached per generation)."""
    key = f"editorial:series:{caching.generation()}"
    index = cache.get(key)
    if index is None:
        rows = (
            Post.objects.listed()
            .exclude(series="")
            .order_by("series_order", "date", "slug")
            .values_list("pk", "series")
        )
        by_name = {}
        for pk, name in rows:
            by_name.setdefault(name, []).append(pk)
        index, taken = {}, set()
        for name in sorted(by_name):
            slug = base = pinyin_slug(name) or "series"
            n = 1
            while slug in taken:
                n += 1
                slug = f"{base}-{n}"
            taken.add(slug)
            index[slug] = (name, by_name[name])
        cache.set(key, index, 300)
    return index


def series_slug(name):
    return next((slug for slug, (series, _ids) in series_index().items() if series == name), None)
