"""Fast by construction: conditional GETs, whole-page caching with invalidation, constant query counts."""

import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from editorial import caching, content, search, workflow
from editorial.middleware import HeldPages
from editorial.models import Post

from .factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_posts_and_feeds_answer_conditional_gets(client):
    post = PostFactory(published=True, slug="c")
    first = client.get(post.get_absolute_url())
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    assert client.get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(post.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    feed = client.get("/zh/feed/")
    assert client.get("/zh/feed/", HTTP_IF_NONE_MATCH=feed["ETag"]).status_code == 304


def test_pages_are_cached_for_readers_and_fresh_after_a_change(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    post = PostFactory(in_review=True, slug="news", title_zh_hans="新闻")
    assert "新闻" not in client.get("/zh/").content.decode()
    with django_assert_num_queries(0):
        cached = client.get("/zh/")
    assert cached["X-Page-Cache"] == "hit"
    editor = UserFactory(username="editor", is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(post, by=editor)
    fresh = client.get("/zh/")
    assert fresh["X-Page-Cache"] == "miss" and "新闻" in fresh.content.decode()


def test_a_hit_within_the_recheck_window_never_reads_the_shared_cache(client, monkeypatch):
    post = PostFactory(published=True, slug="held", title_zh_hans="留存")
    assert client.get(post.get_absolute_url())["X-Page-Cache"] == "miss"
    reads = []
    shared_get = cache.get
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: reads.append(args) or shared_get(*args, **kwargs))
    for _ in range(3):
        page = client.get(post.get_absolute_url())
        assert page["X-Page-Cache"] == "hit" and "留存" in page.content.decode()
    assert reads == []  # neither the generation nor the page: both held by this process


@override_settings(EDITORIAL_PAGE_RECHECK_SECONDS=60)
def test_a_change_made_by_another_process_reaches_readers_after_the_recheck_window(client):
    post = PostFactory(published=True, slug="elsewhere", title_zh_hans="旧标题")
    assert client.get(post.get_absolute_url())["X-Page-Cache"] == "miss"
    Post.objects.filter(pk=post.pk).update(title_zh_hans="新标题")
    cache.set(caching.GENERATION_KEY, caching.generation() + 1, timeout=None)  # as the worker's save does
    assert "旧标题" in client.get(post.get_absolute_url()).content.decode()  # within the window
    caching._seen["at"] -= 61  # the window has passed
    page = client.get(post.get_absolute_url())
    assert page["X-Page-Cache"] == "miss" and "新标题" in page.content.decode()


def test_pages_held_in_memory_stay_within_their_budget_and_their_expiry():
    held = HeldPages(budget=1000)
    later = time.time() + 60
    assert held.get(1, "a") is None
    for key in "abc":
        held.put(1, key, (200, b"x" * 100, [], later))
    held.put(1, "big", (200, b"x" * 200, [], later))  # over an eighth of the budget: never held
    assert held.get(1, "a")[1] == b"x" * 100 and held.get(1, "big") is None
    for key in "defghijk":
        held.put(1, key, (200, b"x" * 100, [], later))
    assert held.size <= 1000 and held.get(1, "a") is None and held.get(1, "k") is not None  # oldest out
    held.put(1, "gone", (200, b"y", [], time.time() - 1))
    assert held.get(1, "gone") is None  # expired with its entry in the shared cache
    assert held.get(2, "k") is None and held.size == 0  # content changed: nothing held is current


def test_editors_and_previews_are_never_served_from_the_cache(client, admin_client):
    post = PostFactory(published=True, slug="p")
    client.get(post.get_absolute_url())
    assert "X-Page-Cache" not in admin_client.get(post.get_absolute_url())
    preview = admin_client.get(reverse("editorial:post-preview", kwargs={"kind": "post", "slug": "p"}))
    assert "X-Page-Cache" not in preview


def test_the_reading_mode_is_part_of_the_cache_key(client):
    PostFactory(
        published=True,
        slug="m",
        body_zh_hans='中文\n<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">EN</p>\n</details>\n',
    )
    assert '<details class="original" open' not in client.get("/zh/posts/m/").content.decode()
    client.get("/zh/posts/m/?mode=both")  # remembers the choice in a cookie
    assert '<details class="original" open' in client.get("/zh/posts/m/").content.decode()


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
@pytest.mark.parametrize(
    "url",
    [
        "/zh/",
        "/en/",
        "/zh/tags/shared/",
        "/zh/tags/",
        "/zh/sources/",
        "/zh/sources/channel/",
        "/zh/glossary/",
        "/zh/search/?q=算力",
        "/zh/feed/",
    ],
)
@override_settings(EDITORIAL_GLOSSARY_MIN_POSTS=1)  # the glossary's index lists its one term at 1 post too
def test_list_pages_run_the_same_number_of_queries_for_1_and_50_posts(client, url, django_assert_max_num_queries):

    def make(n):
        for _ in range(n):
            post = PostFactory(published=True, speaker="Channel", body_zh_hans="讨论**算力**（Compute: 计算能力）。")
            post.tags.add("shared")
            content.saved(post)
            search.index_post(post)

    def count():
        caching.content_changed()  # no cached page
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make(1)
    one = count()
    make(49)
    assert count() == one, url


def test_the_redis_cache_reads_through_one_client_per_connection_pool():
    """Django's Redis backend built a client (and redis-py its ~170 reply parsers) per call:
    0.15 ms of a cached page's 0.44."""
    from django.core.cache import caches

    from editorial.cache_backends import ResilientRedisCache

    redis = caches["default"]
    if not isinstance(redis, ResilientRedisCache):
        pytest.skip("the cache is not Redis here (the PostgreSQL run uses Redis)")
    redis.set("editorial:test:one-client", 1)
    first = redis._cache.get_client()
    assert redis.get("editorial:test:one-client") == 1 and redis._cache.get_client(write=True) is first


def test_a_request_reads_the_generation_once_and_sees_its_own_changes():
    """Every index a page reads is of one generation, read once; a change the request makes
    itself (an editor's save) is seen by the rest of it; outside requests every read is fresh."""
    caching.request_started()
    try:
        first = caching.generation()
        cache.set(caching.GENERATION_KEY, first + 1, timeout=None)  # another process's change
        assert caching.generation() == first
        assert caching.content_changed()
        own = caching.generation()
        assert own not in (first, first + 1)
    finally:
        caching.request_finished()
    cache.set(caching.GENERATION_KEY, own + 5, timeout=None)
    assert caching.generation() == own + 5
