from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """[(code, short prefix, name, url of this page in that language, is_current)]."""
    request = context["request"]
    current = context.get("LANGUAGE_CODE")
    return [
        (code, settings.URL_LANGUAGE_PREFIXES.get(code, code), name, translate_url(request.path, code), code == current)
        for code, name in settings.LANGUAGES
    ]
