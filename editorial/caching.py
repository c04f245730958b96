"""What readers are shown changes: tell the caches.

Public pages are cached under keys that include a content generation number; bumping
it makes every cached page stale at once, which is cheap and always correct. The content
service (editorial/content.py) bumps it after every change commits. The cache is shared
by every process (settings.CACHES), so a change made by a command or the worker reaches
every web worker.
"""

import datetime
import logging
import threading
import time

from django.core.cache import cache
from django.utils import timezone

from .cache_backends import strict

logger = logging.getLogger("editorial.cache")
RETRY_SECONDS = 5

GENERATION_KEY = "editorial:content-generation"


class _Answering(threading.local):
    """The generation read for the request this thread is answering: read once, at its first
    use, so every index a page reads is of one generation (and a page costs one read of the
    shared cache, not one per index). Outside requests (jobs, commands) every call reads."""

    active = False
    value = None


_answering = _Answering()


def request_started(**kwargs):
    _answering.active, _answering.value = True, None


def request_finished(**kwargs):
    _answering.active, _answering.value = False, None


def generation():
    if _answering.value is not None:
        return _answering.value
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = time.time_ns()
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    if _answering.active:
        _answering.value = value
    return value


_seen = {"value": None, "at": -1e9}  # the generation this process read last, and when (monotonic)


def recent_generation(max_age):
    """The generation as this process read it at most ``max_age`` seconds ago: for answering from
    the page cache only, where a page may be served that long after a change made by another
    process (a change made by this one is seen at once). Anything that builds from content
    (indexes, the static copy) reads ``generation()``."""
    now = time.monotonic()
    if now - _seen["at"] > max_age:
        _seen["value"], _seen["at"] = generation(), now
    return _seen["value"]


def forget_in_process():
    """Drop this process's copies (indexes, the generation last read): for tests, and after the
    shared cache was cleared by hand."""
    _in_process.clear()
    _seen["at"] = -1e9
    _answering.value = None


def content_changed():
    """Make every cached page and index stale. If the cache cannot be reached (Redis is down,
    and pages are being served uncached), a job tries again every few seconds until it can,
    so pages cached before the outage are never served after it. True when it was told."""
    value = time.time_ns()
    try:
        strict(cache).set(GENERATION_KEY, value, timeout=None)
        _seen["value"], _seen["at"] = value, time.monotonic()
        if _answering.active:
            _answering.value = value
    except Exception as exc:  # noqa: BLE001 - any failure to reach the cache
        _seen["at"] = -1e9
        _answering.value = None
        logger.warning("could not invalidate cached pages (%s); retrying in %d s", exc, RETRY_SECONDS)
        _retry_later()
        return False
    return True


def _retry_later():
    from . import jobs
    from .models import Job

    if not Job.objects.filter(kind="invalidate", state=Job.State.QUEUED).exists():
        at = timezone.now() + datetime.timedelta(seconds=RETRY_SECONDS)
        jobs.start("invalidate", "Invalidate cached pages (the cache was unreachable)", run_after=at)


_in_process = {}  # name → (key, value, monotonic expiry): this process's copy of each index


def per_generation(name, build, timeout=300, *, in_process=True):
    """``build()``, cached until content changes (and at most ``timeout`` seconds, since a
    scheduled post goes public without a content change).

    Shared through the cache, and kept in this process too (``in_process``): unpickling an
    index of a few thousand tags on every page cost more than rendering the page. Large values
    asked for rarely (a sitemap page of 10,000 URLs) stay in the shared cache only.
    """
    key = f"editorial:{name}:{generation()}"
    if not in_process:
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, timeout)
        return value
    held = _in_process.get(name)
    if held is not None and held[0] == key and held[2] > time.monotonic():
        return held[1]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    _in_process[name] = (key, value, time.monotonic() + timeout)
    return value
