"""An article page as a Wagtail site would model one of our items: title, summary, tags,
source, date and the body as HTML (ours stores its rendered body too), rendered by a template
like our post page's."""

from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.fields import RichTextField
from wagtail.models import Page


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey("ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)


class ArticlePage(Page):
    summary = models.TextField(blank=True)
    speaker = models.CharField(max_length=300, blank=True)
    source_link = models.URLField(max_length=500, blank=True)
    date = models.DateField(null=True, blank=True)
    body = RichTextField(blank=True)
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)
