import json

from django import template
from django.utils.safestring import mark_safe

from editorial import site_address

register = template.Library()

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def article_json_ld(context, post):
    """A schema.org Article for the post, safe to embed in a <script> element."""
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": post.title,
        "description": post.summary,
        "inLanguage": "zh-Hans",
        "url": site_address.absolute(post.get_absolute_url(), request),
        "datePublished": post.published_at.isoformat() if post.published_at else None,
        "dateModified": post.updated_at.isoformat(),
        "isBasedOn": post.source_link or None,
        "author": {"@type": "Organization", "name": post.speaker} if post.speaker else None,
        # The post page's context has its tags already (as (tag, has_page) pairs).
        "keywords": [tag.name for tag, _has_page in context["tags"]] if "tags" in context else list(post.tags.names()),
    }
    payload = json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=False).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """``path`` on the site's own address (EDITORIAL_SITE_URL), never the request's Host."""
    return site_address.absolute(path, context["request"])
