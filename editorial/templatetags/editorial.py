from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url

from editorial.glossary import without_marks as _without_marks

register = template.Library()


@register.filter
def without_marks(text):
    """A glossary text without the Markdown emphasis marks it kept from its post."""
    return _without_marks(text)


@register.filter
def lang_of(post, field):
    """The ``lang`` of a post's ``field`` as this page shows it (Post.language_of)."""
    return post.language_of(field)


@register.simple_tag(takes_context=True)
def language_links(context):
    """[(code, short prefix, name, url of this page in that language, is_current)]."""
    request = context["request"]
    current = context.get("LANGUAGE_CODE")
    return [
        (code, settings.URL_LANGUAGE_PREFIXES.get(code, code), name, translate_url(request.path, code), code == current)
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """Page ``number`` of the list being shown: /…/page/N/ where the list has such paths (so
    a static copy pages too), else ?page=N (search); other query parameters are kept."""
    request = context["request"]
    match = request.resolver_match
    query = request.GET.copy()
    query.pop("page", None)
    kwargs = {k: v for k, v in match.kwargs.items() if k != "page"}
    try:
        path = reverse(match.view_name, kwargs={**kwargs, "page": number} if number > 1 else kwargs)
    except NoReverseMatch:
        path = ""
        query["page"] = number
    return f"{path}?{query.urlencode()}" if query else path
