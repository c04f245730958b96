"""Fast by construction: conditional GETs, whole-page caching with invalidation, constant query counts."""

import pytest
from django.test import override_settings
from django.urls import reverse

from editorial import caching, content, search, workflow

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
