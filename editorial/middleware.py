"""Whole public pages for anonymous readers, from the cache, before sessions, auth and CSRF run.

Keys include the content generation (editorial/caching.py), so any change that readers
could see makes every cached page stale at once, and the validated host. Each process also
holds the pages it served (HeldPages) and rereads the generation every
EDITORIAL_PAGE_RECHECK_SECONDS, so a change made elsewhere reaches it within that time. In
front of Django, editorial/page_front.py replays the final response of the plainest of these
requests without running Django at all. Signed-in editors
always get fresh pages; previews, unknown query parameters, responses that set cookies and
private or no-store responses are never cached.
"""

import hashlib
import threading
import time
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import set_response_etag

from . import caching
from .static_site import BUILD_MARK

PUBLIC_PREFIXES = tuple(f"/{prefix}/" for prefix in settings.URL_LANGUAGE_PREFIXES.values())
# The query parameters public pages read. A request with any other, or with a value longer than
# QUERY_VALUE_LIMIT, is answered uncached: junk query strings filled the cache without bound.
QUERY_PARAMETERS = {"page", "q", "exact", "source", "area", "category", "tag", "kind", "letter", "mode", "download"}
QUERY_VALUE_LIMIT = 200
# Each edition's reading-mode choice (views.reading_mode_cookie): part of a page's key.
READING_MODE_COOKIES = ("reading_mode", "reading_mode_en")
KEPT_HEADERS = ("Content-Type", "Content-Language", "Last-Modified", "Content-Disposition", "X-Robots-Tag", "ETag")


class HeldPages:
    """The pages this process served lately, of the current content generation only, within a
    budget of bytes: a hit then costs one small read of the generation from the shared cache
    instead of fetching and unpickling the whole page again (about half a hit's cost)."""

    def __init__(self, budget):
        self.budget = budget
        self.generation = None
        # key -> (status, content, headers, expiry as time.time()), the entry of the shared cache
        # (kept as long as it is there: a post scheduled for later appears within that time)
        self.pages = {}
        self.size = 0
        self.lock = threading.Lock()

    def get(self, generation, key):
        with self.lock:
            if generation != self.generation:  # content changed: nothing held is current
                self.generation, self.pages, self.size = generation, {}, 0
                return None
            hit = self.pages.get(key)
            if hit is not None and hit[3] < time.time():
                self.size -= len(self.pages.pop(key)[1])
                return None
            return hit

    def put(self, generation, key, hit):
        size = len(hit[1])
        if size > self.budget // 8:
            return
        with self.lock:
            if generation != self.generation or key in self.pages:
                return
            while self.pages and self.size + size > self.budget:
                self.size -= len(self.pages.pop(next(iter(self.pages)))[1])
            self.pages[key] = hit
            self.size += size


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Seconds a page is kept (a post scheduled for later appears within this time); 0: off.
        self.timeout = settings.EDITORIAL_PAGE_CACHE_SECONDS
        self.held = HeldPages(settings.EDITORIAL_PAGE_MEMORY_BYTES)

    def __call__(self, request):
        generation_key = self.key(request) if self.timeout else None
        if generation_key is not None:
            generation, key = generation_key
            hit = self.held.get(generation, key)
            if hit is None and (hit := cache.get(key)) is not None:
                self.held.put(generation, key, hit)
            if hit is not None:
                status, content, headers, expiry = hit
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                response["X-Page-Cache"] = "hit"
                response.page_cache_expiry = expiry  # editorial/page_front.py may replay it until then
                return response
        response = self.get_response(request)
        if generation_key is not None and self.cacheable(response):
            if not response.has_header("ETag"):  # kept, so a hit is not hashed again on its way out
                set_response_etag(response)
            headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
            entry = (response.status_code, response.content, headers, time.time() + self.timeout)
            cache.set(key, entry, self.timeout)
            self.held.put(generation, key, entry)
            response["X-Page-Cache"] = "miss"
            response.page_cache_expiry = entry[3]
        return response

    @staticmethod
    def key(request):
        """(the content generation, the page's key), or None for a request never answered from
        the cache."""
        if request.method not in ("GET", "HEAD") or not request.path.startswith(PUBLIC_PREFIXES):
            return None
        # The host first: a disallowed one is a 400 here (DisallowedHost), never a cached 200, and
        # each allowed host has pages of its own (absolute URLs come from EDITORIAL_SITE_URL).
        host = request.get_host()
        if "/preview/" in request.path or request.META.get(BUILD_MARK):  # a build_static render: not kept
            return None
        if _signed_in(request):
            return None
        query = _canonical_query(request)
        if query is None:
            return None
        modes = "|".join(reading_modes(request.COOKIES))
        generation = caching.recent_generation(settings.EDITORIAL_PAGE_RECHECK_SECONDS)
        raw = f"{generation}|{host}|{request.path}|{query}|{modes}"
        return generation, "editorial:page:2:" + hashlib.sha256(raw.encode()).hexdigest()

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


def reading_modes(cookies):
    """The reading modes a request's cookies choose, as a page's key holds them."""
    return tuple(cookies.get(name, "")[:20] for name in READING_MODE_COOKIES)


def _canonical_query(request):
    """The query string in one order (so ``?a=1&b=2`` and ``?b=2&a=1`` share a page), or None
    when it holds a parameter no public page reads, a repeated one or an overlong value."""
    pairs = []
    for name, values in request.GET.lists():
        if name not in QUERY_PARAMETERS or len(values) > 1 or len(values[0]) > QUERY_VALUE_LIMIT:
            return None
        pairs.append((name, values[0]))
    return urlencode(sorted(pairs))


def _signed_in(request):
    """Whether the request carries the session of a signed-in user (an editor, who must see fresh
    pages). A session cookie alone proves nothing: any junk value used to bypass the cache."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key[:100])
    return store.get(SESSION_KEY) is not None
