"""Sources (来源): the channels and people named in posts' speaker and guest fields.

The old site listed them from ``speaker`` and ``guest`` split on commas, merged case-
insensitively, with slugs from pinyin+slugify of the lower-cased name and -1, -2…
suffixes on collision after sorting the names (CURRENT-SITE.md §2.2). The same rule
here keeps old /speakers/<slug>/ links resolvable. The index is built from listed posts
and cached until content changes.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language

from . import caching
from .models import Post
from .slugs import free_slug, pinyin_slug


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


def renamed(speaker, guest, old, new):
    """(speaker, guest) with the source ``old`` (a whole name, any case) called ``new``, or None
    when neither names it. A name given twice after the change is kept once, where it came first."""

    def rename(value):
        names, seen = [], set()
        for name in (n.strip() for n in (value or "").split(",")):
            if not name:
                continue
            name = new if name.casefold() == old.casefold() else name
            if name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        return ", ".join(names)

    wanted = old.strip().casefold()
    if not wanted or all(name.casefold() != wanted for name in names_in(speaker, guest)):
        return None
    return rename(speaker), rename(guest)


def posts_naming(name):
    """Candidates for the items of every status whose speaker or guest is ``name``: a substring
    look-up that ``renamed`` then narrows to whole names."""
    name = name.strip()
    if not name:
        return Post.objects.none()
    return Post.objects.filter(Q(speaker__icontains=name) | Q(guest__icontains=name)).order_by("pk")


def source_index():
    """{slug: Source} for every source of a listed post (cached per content generation)."""
    return caching.per_generation(
        "sources",
        lambda: _build(Post.objects.listed().order_by("published_at", "pk").values_list("pk", "speaker", "guest")),
    )


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


@dataclass(frozen=True)
class SeriesMember:
    """What a post page's series list shows of another post: enough for a link, no query."""

    pk: int
    kind: str
    slug: str
    title_zh_hans: str
    title_en: str | None

    @property
    def title(self):
        return (get_language() == "en" and self.title_en) or self.title_zh_hans

    def get_absolute_url(self):
        return reverse("editorial:post-detail", kwargs={"kind": self.kind, "slug": self.slug})


def series_index():
    """{slug: (name, [SeriesMember in reading order])} for series of listed posts (cached per generation)."""
    return caching.per_generation("series", _build_series)


def _build_series():
    rows = (
        Post.objects.listed()
        .exclude(series="")
        .order_by("series_order", "date", "slug")
        .values_list("pk", "kind", "slug", "title_zh_hans", "title_en", "series")
    )
    by_name = {}
    for *member, name in rows:
        by_name.setdefault(name, []).append(SeriesMember(*member))
    index = {}
    for name in sorted(by_name):
        index[free_slug(pinyin_slug(name) or "series", index.__contains__)] = (name, by_name[name])
    return index


def series_slug(name):
    return next((slug for slug, (series, _ids) in series_index().items() if series == name), None)
