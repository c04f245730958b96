"""The site's own address, for every absolute URL readers and search engines see.

``EDITORIAL_SITE_URL`` (``https://grove.example.org``) names it. Canonical links, ``og:url``,
JSON-LD, feeds, sitemaps, robots.txt and share links are built from it, never from the
request's ``Host`` header, so no request can make a cached page point elsewhere (#18 point
7). Unset (development, tests), the request's validated host is used, and the page cache
keeps each host's pages apart.
"""

from django.conf import settings


def base(request=None):
    """``scheme://host`` of the site, without a trailing slash."""
    configured = settings.EDITORIAL_SITE_URL
    if configured:
        return configured
    if request is None:
        return ""
    return f"{request.scheme}://{request.get_host()}"


def absolute(path, request=None):
    """``path`` (``/zh/notes/x/``) as an absolute URL; relative when neither the setting nor a
    request can say where the site is (Django's feeds then add the host themselves)."""
    return base(request) + path
