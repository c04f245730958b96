from django.conf import settings
from django.contrib import admin
from django.urls import URLResolver, include, path
from django.urls.resolvers import LocalePrefixPattern
from django.utils.translation import get_language

from editorial import legacy, sitemaps
from editorial import views as editorial_views


class ShortLocalePrefixPattern(LocalePrefixPattern):
    """Language prefixes readers can type: /zh/ for zh-hans, /en/ for English."""

    @property
    def language_prefix(self):
        code = get_language() or settings.LANGUAGE_CODE
        return f"{settings.URL_LANGUAGE_PREFIXES.get(code, code)}/"


def short_i18n_patterns(*urls):
    return [URLResolver(ShortLocalePrefixPattern(prefix_default_language=True), list(urls))]


handler500 = "editorial.views.server_error"

admin.site.site_header = "林间拾穗 · Editorial"
admin.site.site_title = "Editorial"
admin.site.index_title = "Editorial"

urlpatterns = [
    path("", editorial_views.language_root, name="language-root"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<str:section>-<int:number>.xml", sitemaps.page, name="sitemap-page"),
    path("robots.txt", editorial_views.robots_txt, name="robots"),
    *legacy.urlpatterns,
    *short_i18n_patterns(path("", include("editorial.urls"))),
]
