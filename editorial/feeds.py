"""Atom feeds: the latest listed posts per language, and per tag."""

import re

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import site_address
from .models import Post, TaggedPost
from .models.posts import CARD_FIELDS
from .views import tag_page

FEED_SIZE = 30
# Characters XML 1.0 cannot hold: one in a title made every feed listing it a 500.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ENTRY_FIELDS = ["slug", "title_zh_hans", "title_en", "summary_zh_hans", "summary_en", "speaker", "published_at"]
ENTRY_FIELDS += ["updated_at"]


def xml_safe(value):
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, (list, tuple)):
        return type(value)(xml_safe(part) for part in value)
    return value


class PostFeed(Feed):
    feed_type = Atom1Feed

    def get_feed(self, obj, request):
        """The feed with every text made safe for XML, whatever a post's fields hold."""
        feed = super().get_feed(obj, request)
        feed.feed = {name: xml_safe(value) for name, value in feed.feed.items()}
        feed.items = [{name: xml_safe(value) for name, value in item.items()} for item in feed.items]
        return feed

    def title(self, obj=None):
        return _("The Learning Grove")

    def subtitle(self, obj=None):
        return _("A personal information platform: notes on videos and podcasts, web articles, and our own thinking.")

    def link(self, obj=None):
        return site_address.absolute(reverse("editorial:post-list"))

    def feed_url(self, obj=None):
        return site_address.absolute(reverse("editorial:feed"))

    def item_link(self, item):
        return site_address.absolute(item.get_absolute_url())

    def items(self, obj=None):
        return self.with_tags(Post.objects.listed()).order_by("-published_at", "slug")[:FEED_SIZE]

    @staticmethod
    def with_tags(queryset):
        """What an entry shows (not the bodies), with its tags in one more query."""
        tagged = TaggedPost.objects.select_related("tag").order_by("pk")
        return queryset.only(*CARD_FIELDS, "updated_at").prefetch_related(Prefetch("tagged_items", queryset=tagged))

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom's <summary type="html"> is read as HTML: the summary is plain text, so escape it.
        summary = escape(item.summary)
        if get_language() == "en" and not item.title_en:  # the English feed says what is English
            return f"[{'English original' if item.english_originals else 'In Chinese only'}] {summary}"
        return summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.speaker or None

    def item_categories(self, item):
        """The item's kind first (笔记, 文章 …: what kind of item an entry is), then its tags."""
        return [str(item.kind_info.label), *(tagged.tag.name for tagged in item.tagged_items.all())]


class TagFeed(PostFeed):
    def get_object(self, request, slug):
        return tag_page(slug)

    def title(self, obj=None):
        return f"{obj.name} · {_('The Learning Grove')}"

    def link(self, obj=None):
        return site_address.absolute(reverse("editorial:tag-detail", kwargs={"slug": obj.slug}))

    def feed_url(self, obj=None):
        return site_address.absolute(reverse("editorial:tag-feed", kwargs={"slug": obj.slug}))

    def items(self, obj=None):
        posts = Post.objects.listed().filter(tagged_items__tag_id=obj.pk)
        return self.with_tags(posts).order_by("-published_at", "slug")[:FEED_SIZE]
