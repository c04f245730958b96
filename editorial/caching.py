"""What readers are shown changes: tell the caches.

Public pages are cached under keys that include a content generation number; bumping
it makes every cached page stale at once, which is cheap and always correct. It is
called after a transaction commits (workflow transitions, admin saves, imports).
"""

import time

from django.core.cache import cache

GENERATION_KEY = "editorial:content-generation"


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = time.time_ns()
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    return value


def content_changed():
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


_in_process = {}  # name → (key, value, monotonic expiry): this process's copy of each index


def per_generation(name, build, timeout=300):
    """``build()``, cached until content changes (and at most ``timeout`` seconds, since a
    scheduled post goes public without a content change).

    Shared through the cache, and kept in this process too: unpickling an index of a few
    thousand tags on every page cost more than rendering the page.
    """
    key = f"editorial:{name}:{generation()}"
    held = _in_process.get(name)
    if held is not None and held[0] == key and held[2] > time.monotonic():
        return held[1]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    _in_process[name] = (key, value, time.monotonic() + timeout)
    return value
