from django.contrib.sitemaps import Sitemap

from .models import GlossaryEntry, Post


class PostSitemap(Sitemap):
    """Listed items of every kind, in Chinese and, where it exists, English."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def items(self):
        return Post.objects.listed().order_by("pk").only("kind", "slug", "title_en", "updated_at")

    def lastmod(self, post):
        return post.updated_at

    def get_languages_for_item(self, post):
        return ["zh-hans", "en"] if post.title_en else ["zh-hans"]


class GlossarySitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "monthly"

    def items(self):
        return GlossaryEntry.objects.public().order_by("pk").only("slug", "updated_at")

    def lastmod(self, entry):
        return entry.updated_at


SITEMAPS = {"posts": PostSitemap, "glossary": GlossarySitemap}
