"""Sitemaps: an index at /sitemap.xml naming pages of at most ``LIMIT`` URLs each.

Pages are addressed by path (``/sitemap-posts-2.xml``), not ``?p=2``, so that the static
copy can hold them as files. Each section knows how many URLs it has without building
them (``url_count``), so the index is two counts, not every item. A page is written
directly, not through ``django.contrib.sitemaps``: its template and a ``reverse`` per
link and language took 4.7 s for 10,000 URLs on the whole site; addresses here are filled
into one reversed pattern per kind and language.
"""

import math
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation

from . import caching, site_address
from .models import GlossaryEntry, Post

LIMIT = 10_000  # URLs per page (Google allows 50,000; smaller pages render in well under a second)
_SLUG = "sitemap-slug-placeholder"
_SAFE = "!$&'()*+,;=/~:@"  # what reverse() leaves unquoted in a path


class _Section:
    """Items with their languages; subclasses say which items and how their URL is made."""

    url_name = ""

    def rows(self):
        """[(item, [language codes], lastmod)] in a stable order."""
        raise NotImplementedError

    def url_count(self):
        raise NotImplementedError

    def kwargs(self, item):
        return {}

    def urls(self, request):
        """[(location, lastmod, {language: location})] of every URL of the section."""
        base = site_address.base(request)
        patterns = {}

        def location(item, language):
            kwargs = self.kwargs(item)
            key = (language, tuple(sorted((k, v) for k, v in kwargs.items() if k != "slug")))
            if key not in patterns:
                with translation.override(language):
                    patterns[key] = reverse(self.url_name, kwargs={**kwargs, "slug": _SLUG})
            return base + patterns[key].replace(_SLUG, quote(kwargs["slug"], safe=_SAFE))

        found = []
        for item, languages, lastmod in self.rows():
            alternates = {language: location(item, language) for language in languages}
            for language in languages:
                found.append((alternates[language], lastmod, alternates))
        return found


def in_english():
    """Items whose English page has English to read: an English title or body, or the English
    originals kept in the Chinese body. The others' English page shows the Chinese."""
    return Q(title_en__gt="") | Q(body_en__gt="") | Q(english_originals=True)


class PostSitemap(_Section):
    """Listed items of every kind, in Chinese and, where there is English to read, English."""

    url_name = "editorial:post-detail"

    def rows(self):
        posts = Post.objects.listed().order_by("pk").annotate(english=in_english())
        return [
            ((kind, slug), ["zh-hans", "en"] if english else ["zh-hans"], updated)
            for kind, slug, english, updated in posts.values_list("kind", "slug", "english", "updated_at")
        ]

    def kwargs(self, item):
        return {"kind": item[0], "slug": item[1]}

    def url_count(self):
        listed = Post.objects.listed()
        return listed.count() + listed.filter(in_english()).count()


class GlossarySitemap(_Section):
    """The entries in the public index (the others' pages ask not to be indexed)."""

    url_name = "editorial:glossary-detail"
    languages = [code for code, _name in settings.LANGUAGES]

    def rows(self):
        entries = GlossaryEntry.objects.in_index().order_by("pk").values_list("slug", "updated_at")
        return [(slug, self.languages, updated) for slug, updated in entries]

    def kwargs(self, item):
        return {"slug": item}

    def url_count(self):
        return GlossaryEntry.objects.in_index().count() * len(self.languages)


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
        {"location": site_address.absolute(reverse("sitemap-page", args=[section, page]), request), "last_mod": None}
        for section, page in pages()
    ]
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml")


def page(request, section, number):
    if (section, number) not in pages():
        raise Http404("No such sitemap page")

    def build():
        urls = SITEMAPS[section]().urls(request)[(number - 1) * LIMIT : number * LIMIT]
        if not urls and number > 1:  # the content changed since the index was counted (page 1 may be empty)
            raise Http404("No such sitemap page")
        return render(urls)

    # Kept until content changes: a page of 10,000 URLs costs a fraction of a second of CPU,
    # and six requests at once stalled every other page for 12 s (#18 point 4).
    name = f"sitemap:{site_address.base(request)}:{section}:{number}"
    response = HttpResponse(caching.per_generation(name, build, in_process=False), content_type="application/xml")
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def render(urls):
    default = settings.LANGUAGE_CODE
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    ]
    for location, lastmod, alternates in urls:
        parts.append(f"<url><loc>{escape(location)}</loc>")
        if lastmod:
            parts.append(f"<lastmod>{lastmod.date().isoformat()}</lastmod>")
        parts.append("<changefreq>monthly</changefreq>")
        for language, href in alternates.items():
            parts.append(f'<xhtml:link rel="alternate" hreflang="{language}" href={quoteattr(href)}/>')
        if default in alternates:
            parts.append(f'<xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(alternates[default])}/>')
        parts.append("</url>\n")
    parts.append("</urlset>\n")
    return "".join(parts)
