"""Whole public pages for anonymous readers, from the cache, before sessions, auth and CSRF run.

Keys include the content generation (editorial/caching.py), so any change that readers
could see makes every cached page stale at once. Editors (who carry a session cookie)
always get fresh pages; previews, responses that set cookies and private or no-store
responses are never cached.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import set_response_etag

from . import caching
from .static_site import BUILD_MARK

PUBLIC_PREFIXES = tuple(f"/{prefix}/" for prefix in settings.URL_LANGUAGE_PREFIXES.values())
KEPT_HEADERS = ("Content-Type", "Content-Language", "Last-Modified", "Content-Disposition", "X-Robots-Tag", "ETag")


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Seconds a page is kept (a post scheduled for later appears within this time); 0: off.
        self.timeout = settings.EDITORIAL_PAGE_CACHE_SECONDS

    def __call__(self, request):
        key = self.key(request) if self.timeout else None
        if key is not None:
            hit = cache.get(key)
            if hit is not None:
                status, content, headers = hit
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                response["X-Page-Cache"] = "hit"
                return response
        response = self.get_response(request)
        if key is not None and self.cacheable(response):
            if not response.has_header("ETag"):  # kept, so a hit is not hashed again on its way out
                set_response_etag(response)
            headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
            cache.set(key, (response.status_code, response.content, headers), self.timeout)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def key(request):
        if request.method not in ("GET", "HEAD") or not request.path.startswith(PUBLIC_PREFIXES):
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "/preview/" in request.path:
            return None
        if request.META.get(BUILD_MARK):  # a build_static render: not worth keeping
            return None
        mode = request.COOKIES.get("reading_mode", "")
        raw = f"{caching.generation()}|{request.get_full_path()}|{mode}"
        return "editorial:page:" + hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def cacheable(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
        )
