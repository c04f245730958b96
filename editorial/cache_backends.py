"""Redis as a cache that may go away: while it is unreachable, pages render uncached.

Django's RedisCache raises on every call when the server is down, which made every
public page a 500. Here each call that fails to reach Redis is logged (once a minute at
most) and answered as a miss; writes are dropped. ``strict`` is the plain backend, for the
one write that must not be lost silently: the content generation (editorial/caching.py),
whose failed bump is retried by a background job until Redis is back.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger("editorial.cache")

_MISS = object()


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        # Fail fast: a reader should wait milliseconds for a dead cache, not seconds.
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _OneClientPerPool
        self.strict = _Strict(self)

    def _guard(self, call, default):
        import redis

        try:
            return call()
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as exc:
            now = time.monotonic()
            if now - ResilientRedisCache._last_warning > 60:
                ResilientRedisCache._last_warning = now
                logger.warning("cache unreachable, serving uncached: %s", exc)
            return default

    def get(self, key, default=None, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def set(self, key, value, timeout=_MISS, version=None):
        kwargs = {} if timeout is _MISS else {"timeout": timeout}
        self._guard(lambda: super(ResilientRedisCache, self).set(key, value, version=version, **kwargs), None)

    def add(self, key, value, timeout=_MISS, version=None):
        kwargs = {} if timeout is _MISS else {"timeout": timeout}
        return self._guard(lambda: super(ResilientRedisCache, self).add(key, value, version=version, **kwargs), False)

    def set_many(self, data, timeout=_MISS, version=None):
        kwargs = {} if timeout is _MISS else {"timeout": timeout}
        return self._guard(lambda: super(ResilientRedisCache, self).set_many(data, version=version, **kwargs), [])

    def delete(self, key, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        self._guard(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def touch(self, key, timeout=_MISS, version=None):
        kwargs = {} if timeout is _MISS else {"timeout": timeout}
        return self._guard(lambda: super(ResilientRedisCache, self).touch(key, version=version, **kwargs), False)

    def clear(self):
        return self._guard(lambda: super(ResilientRedisCache, self).clear(), False)


class _OneClientPerPool(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every call, and redis-py fills a table of
    about 170 reply parsers each time: 0.15 ms, a third of a cached page's whole cost. One client
    per connection pool serves every call (a client is thread-safe; the pool hands out
    connections and notices a fork)."""

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}  # id of a pool in self._pools (kept for the process's life) -> its client

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class _Strict:
    """The same cache, raising when Redis cannot be reached."""

    def __init__(self, cache):
        self._cache = cache

    def set(self, key, value, timeout=None, version=None):
        return RedisCache.set(self._cache, key, value, timeout=timeout, version=version)


def strict(cache):
    """``cache`` itself, or its raising view when it is a ResilientRedisCache."""
    return getattr(cache, "strict", cache)
