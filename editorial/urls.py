from django.urls import path, register_converter
from django.views.generic import TemplateView

from . import feeds, kinds, views
from .models import Entity


class EntityKindConverter:
    """/people/, /organisations/, /products/, /media/, /projects/ ↔ Entity.Kind."""

    segments = {
        Entity.Kind.PERSON: "people",
        Entity.Kind.ORGANISATION: "organisations",
        Entity.Kind.PRODUCT: "products",
        Entity.Kind.MEDIA: "media",
        Entity.Kind.PROJECT: "projects",
    }
    kinds = {segment: kind for kind, segment in segments.items()}
    regex = "|".join(segments.values())

    def to_python(self, value):
        return self.kinds[value]

    def to_url(self, value):
        return self.segments[value]


register_converter(EntityKindConverter, "entity_kind")
register_converter(kinds.KindConverter, "item_kind")

app_name = "editorial"

urlpatterns = [
    # List pages are numbered by path (/zh/page/2/), so a static copy of the site pages too.
    path("", views.PostListView.as_view(), name="post-list"),
    path("page/<int:page>/", views.PostListView.as_view(), name="post-list"),
    path("feed/", feeds.PostFeed(), name="feed"),
    # Each kind of item (kinds.py): /zh/notes/, /zh/notes/<slug>/, and the same for posts, clippings, books.
    path("<item_kind:kind>/", views.KindListView.as_view(), name="kind-list"),
    path("<item_kind:kind>/page/<int:page>/", views.KindListView.as_view(), name="kind-list"),
    path("<item_kind:kind>/<str:slug>/", views.PostDetailView.as_view(), name="post-detail"),
    path("<item_kind:kind>/<str:slug>/source.md", views.post_source, name="post-source"),
    path("search/", views.search_view, name="search"),
    path("reading/", TemplateView.as_view(template_name="editorial/reading.html"), name="reading"),
    path("tags/", views.TagListView.as_view(), name="tag-list"),
    path("tags/<str:slug>/", views.follow_merged_tag(views.TagDetailView.as_view()), name="tag-detail"),
    path("tags/<str:slug>/page/<int:page>/", views.follow_merged_tag(views.TagDetailView.as_view()), name="tag-detail"),
    path("tags/<str:slug>/feed/", views.follow_merged_tag(feeds.TagFeed()), name="tag-feed"),
    path("series/<str:slug>/", views.SeriesDetailView.as_view(), name="series-detail"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path("sources/<str:slug>/", views.SourceDetailView.as_view(), name="source-detail"),
    path("sources/<str:slug>/page/<int:page>/", views.SourceDetailView.as_view(), name="source-detail"),
    path("<item_kind:kind>/<str:slug>/preview/", views.PostPreviewView.as_view(), name="post-preview"),
    path("preview/<str:token>/", views.shared_preview, name="post-share"),
    path("glossary/", views.GlossaryListView.as_view(), name="glossary-list"),
    path("glossary/page/<int:page>/", views.GlossaryListView.as_view(), name="glossary-list"),
    path("glossary/<str:slug>/", views.GlossaryDetailView.as_view(), name="glossary-detail"),
    path("<entity_kind:kind>/<str:slug>/", views.EntityDetailView.as_view(), name="entity-detail"),
    path("<entity_kind:kind>/<str:slug>/page/<int:page>/", views.EntityDetailView.as_view(), name="entity-detail"),
]
