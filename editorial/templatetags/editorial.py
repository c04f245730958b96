from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override

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
        (code, settings.URL_LANGUAGE_PREFIXES.get(code, code), name, _in_language(request, code), code == current)
        for code, name in settings.LANGUAGES
    ]


def _in_language(request, code):
    """This page's address in language ``code``: Django's translate_url, without resolving the
    path again when the request was resolved already (a third of a small page's time)."""
    match = getattr(request, "resolver_match", None)
    if match is None or request.path != request.path_info:
        return translate_url(request.path, code)
    try:
        with override(code):
            return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        return request.path


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


_fragments = {}  # (template, language, where static files are) → its rendering, in this process


@register.simple_tag
def shared_fragment(name):
    """A template every page includes the same way (the site's header, its style sheets and
    scripts), rendered once per language and process instead of on every page: it depends on
    nothing but the language and the deployed files. A deploy restarts the processes."""
    key = (name, get_language(), settings.STATIC_URL, str(settings.STORAGES.get("staticfiles")), settings.DEBUG)
    if key not in _fragments:
        _fragments[key] = render_to_string(name)
    return _fragments[key]


@register.simple_tag
def options(choices, selected, value="", label=""):
    """The <option>s of a long list (the search form's 1,700 tags): what a template loop writes,
    at a hundredth of its cost. ``value``/``label`` name attributes of each choice; without
    them the choice is its own label and the option has no value attribute."""
    selected = "" if selected is None else str(selected)
    out = []
    for choice in choices:
        shown = getattr(choice, label) if label else choice
        if value:
            key = str(getattr(choice, value))
            mark = " selected" if key == selected else ""
            out.append(f'<option value="{escape(key)}"{mark}>{escape(shown)}</option>')
        else:
            mark = " selected" if str(choice) == selected else ""
            out.append(f"<option{mark}>{escape(shown)}</option>")
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above
