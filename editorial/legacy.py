"""Permanent redirects from every URL the old static site has or had (CURRENT-SITE.md §2).

Paths are matched exactly as the old site wrote them, percent-decoded and case-sensitive:
stems may start with "-" or hold spaces, CJK, ":", "'" and "?". Everything lands on its
Chinese page, the old site's only language.
"""

import hashlib

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import path, re_path, reverse
from django.utils.http import urlencode
from django.utils.translation import override

from . import caching, kinds
from .models import Entity, Post
from .redirects import moved_to
from .slugs import pinyin_slug
from .sources import source_index
from .views import tag_pages

ENTITY_SECTIONS = {
    "people": Entity.Kind.PERSON,
    "companies-orgs": Entity.Kind.ORGANISATION,
    "products-models": Entity.Kind.PRODUCT,
    "media-books": Entity.Kind.MEDIA,
}


def _to(name, query=None, **kwargs):
    with override("zh-hans"):
        url = reverse(name, kwargs=kwargs or None)
    return HttpResponsePermanentRedirect(url + (f"?{urlencode(query)}" if query else ""))


def _post(kind, slug):
    post = Post.objects.public().filter(kind=kind, slug=slug).only("kind", "slug").first() or moved_to(kind, slug)
    if post is None:
        raise Http404("No such item.")
    with override("zh-hans"):
        return HttpResponsePermanentRedirect(post.get_absolute_url())


def content_post(request, folder, stem):
    """/content/notes/<stem>/ (today's URLs), /content/posts|clippings|books/<stem>/: that kind's item."""
    return _post(kinds.BY_FOLDER[folder].key, stem)


def early_post(request, folder, stem):
    """/notes/<stem>/, /posts/<stem>/, /books/<stem>/ (before 2026-02-28), and
    /notes/<videoId>-<english-slug>/ or /notes/<videoId>---/ (before 2025-12-11)."""
    kind = kinds.BY_FOLDER[folder].key
    if Post.objects.public().filter(kind=kind, slug=stem).exists() or kind != "note":
        return _post(kind, stem)
    if len(stem) > 11 and stem[11] == "-":
        return _post(kind, stem[:11])
    raise Http404("No such item.")


def tag(request, slug):
    """/tags/<pinyin-slug>/: the same slug for our ASCII tags; pinyin of the name otherwise. Only
    tags with a page are followed: a redirect named tags that only hidden posts use."""
    with_pages = tag_pages().values()
    found = next((t for t in with_pages if t.slug == slug), None)
    if found is None:
        found = next((t for t in with_pages if not t.name.isascii() and pinyin_slug(t.name.lower()) == slug), None)
    if found is None:
        raise Http404("No such tag.")
    return _to("editorial:tag-detail", slug=found.slug)


def speaker(request, slug):
    if slug not in source_index():
        raise Http404("No such source.")
    return _to("editorial:source-detail", slug=slug)


def entity(request, section, slug):
    kind = ENTITY_SECTIONS[section]
    found = Entity.objects.public().filter(kind=kind, slug=slug).first()
    if found is None:
        return _to("editorial:post-list")  # the old entity pages linked to a search; nothing better yet
    with override("zh-hans"):
        return HttpResponsePermanentRedirect(found.get_absolute_url())


def reader_source(request, digest):
    """/reader/<sha256 of "content/<kind folder>/<stem>.md">.md: that item's Markdown file."""
    item = _reader_index().get(digest)
    if item is None:
        raise Http404("No such file.")
    kind, slug = item
    return _to("editorial:post-source", kind=kind, slug=slug)


def _reader_index():
    def build():
        return {
            hashlib.sha256(f"content/{kinds.get(kind).folder}/{slug}.md".encode()).hexdigest(): (kind, slug)
            for kind, slug in Post.objects.public().values_list("kind", "slug")
        }

    return caching.per_generation("reader-index", build)


def home_page(request, number):
    return _to("editorial:post-list", page=number) if number > 1 else _to("editorial:post-list")


urlpatterns = [
    re_path(rf"^content/(?P<folder>{kinds.segment_regex()})/(?P<stem>[^/]+)/$", content_post),
    re_path(r"^(?P<folder>notes|posts|books)/(?P<stem>[^/]+)/$", early_post),
    path("tags/<str:slug>/", tag),
    path("speakers/<str:slug>/", speaker),
    re_path(r"^(?P<section>people|companies-orgs|products-models|media-books)/(?P<slug>[^/]+)/$", entity),
    re_path(r"^reader/(?P<digest>[0-9a-f]{64})\.md$", reader_source),
    path("page/<int:number>/", home_page),
    path("search/", lambda request: _to("editorial:search", query=request.GET.dict() or None)),
    path("all-tags/", lambda request: _to("editorial:tag-list")),
    path("all-tags/page/<int:number>/", lambda request, number: _to("editorial:tag-list")),
    path("all-speakers/", lambda request: _to("editorial:source-list")),
    re_path(r"^(?:areas|categories|projects)/[^/]+/$", lambda request: _to("editorial:post-list")),
    re_path(r"^all-(?:areas|categories|projects)/$", lambda request: _to("editorial:post-list")),
    path("bookshelf/", lambda request: _to("editorial:post-list")),
    path("tool/", lambda request: _to("editorial:post-list")),
    path("about/", lambda request: _to("editorial:post-list")),
]
