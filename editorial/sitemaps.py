"""Sitemaps: an index at /sitemap.xml naming pages of at most ``LIMIT`` URLs each.

Pages are addressed by path (``/sitemap-posts-2.xml``), not ``?p=2``, so that the static
copy can hold them as files. Each section knows how many URLs it has without building
them (``url_count``), so the index is two counts, not every item.
"""

import math

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.contrib.sites.requests import RequestSite
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse

from . import caching
from .models import GlossaryEntry, Post

LIMIT = 10_000  # URLs per page (Google allows 50,000; smaller pages render in well under a second)


class PostSitemap(Sitemap):
    """Listed items of every kind, in Chinese and, where it exists, English."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"
    limit = LIMIT

    def items(self):
        return Post.objects.listed().order_by("pk").only("kind", "slug", "title_en", "updated_at")

    def lastmod(self, post):
        return post.updated_at

    def get_languages_for_item(self, post):
        return ["zh-hans", "en"] if post.title_en else ["zh-hans"]

    def url_count(self):
        listed = Post.objects.listed()
        return listed.count() + listed.exclude(title_en="").count()


class GlossarySitemap(Sitemap):
    """The entries in the public index (the others' pages ask not to be indexed)."""

    i18n = True
    alternates = True
    changefreq = "monthly"
    limit = LIMIT

    def items(self):
        return GlossaryEntry.objects.in_index().order_by("pk").only("slug", "updated_at")

    def lastmod(self, entry):
        return entry.updated_at

    def url_count(self):
        return GlossaryEntry.objects.in_index().count() * len(self._languages())


SITEMAPS = {"posts": PostSitemap, "glossary": GlossarySitemap}


def pages():
    """[(section, page number)] of every sitemap page, cached until content changes."""

    def build():
        found = []
        for section, kind in SITEMAPS.items():
            found += [(section, page) for page in range(1, max(1, math.ceil(kind().url_count() / LIMIT)) + 1)]
        return found

    return caching.per_generation("sitemap-pages", build)


def index(request):
    items = [
        SitemapIndexItem(request.build_absolute_uri(reverse("sitemap-page", args=[section, page])), None)
        for section, page in pages()
    ]
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml")


def page(request, section, number):
    if (section, number) not in pages():
        raise Http404("No such sitemap page")
    site = SITEMAPS[section]()
    urls = site.get_urls(page=number, protocol=request.scheme, site=RequestSite(request))
    response = TemplateResponse(request, "sitemap.xml", {"urlset": urls}, content_type="application/xml")
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response
