"""Readers' plainest requests answered before Django runs (editorial/page_front.py), as the
production WSGI application (cms/wsgi.py) serves them under gunicorn."""

import time
import types

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import reverse

from editorial import caching, workflow
from editorial.models import Post
from editorial.page_front import PageFront

from .factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


class Served:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, dict(headers), body
        self.text = body.decode()


@pytest.fixture
def front():
    """cms/wsgi.py's application, built afresh, and a count of the requests Django itself saw.
    Its connection stays open between requests (the test's transaction holds it), as the test
    client keeps it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    django = WSGIHandler()
    seen = []

    def counted(environ, start_response):
        seen.append(environ["PATH_INFO"])
        return django(environ, start_response)

    app = PageFront(counted)

    def get(path, method="GET", **extra):
        environ = RequestFactory().generic(method, path, **extra).environ
        answer = {}
        result = app(environ, lambda status, headers, exc_info=None: answer.update(status=status, headers=headers))
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        return Served(answer["status"], answer["headers"], body)

    yield types.SimpleNamespace(get=get, seen=seen, app=app)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_a_readers_second_visit_is_djangos_own_answer_without_running_django(front):
    post = PostFactory(published=True, slug="front", title_zh_hans="前台")
    first = front.get(post.get_absolute_url())
    assert first.status == "200 OK" and first.headers["X-Page-Cache"] == "miss" and "前台" in first.text
    again = front.get(post.get_absolute_url())
    assert front.seen == [post.get_absolute_url()]  # the second never reached Django
    assert again.body == first.body and again.status == first.status
    assert again.headers == {**first.headers, "X-Page-Cache": "hit"}  # CSP, framing, ETag: all of them
    assert "Content-Security-Policy" in again.headers and again.headers["X-Frame-Options"] == "DENY"
    head = front.get(post.get_absolute_url(), method="HEAD")
    assert head.status == "200 OK" and len(front.seen) == 1


def test_a_change_in_this_process_reaches_the_next_reader_at_once(front, django_capture_on_commit_callbacks):
    post = PostFactory(in_review=True, slug="soon", title_zh_hans="即将发布")
    assert "即将发布" not in front.get("/zh/").text
    front.get("/zh/")
    editor = UserFactory(username="editor", is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(post, by=editor)
    assert "即将发布" in front.get("/zh/").text
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(post, by=editor)  # a takedown is never served from what was held
    assert front.get(post.get_absolute_url()).status.startswith("404")
    assert "即将发布" not in front.get("/zh/").text


def test_a_change_made_by_another_process_reaches_readers_after_the_recheck_window(front, settings):
    settings.EDITORIAL_PAGE_RECHECK_SECONDS = 60
    front.app.recheck = 60
    post = PostFactory(published=True, slug="far", title_zh_hans="旧标题")
    front.get(post.get_absolute_url())
    Post.objects.filter(pk=post.pk).update(title_zh_hans="新标题")
    from django.core.cache import cache

    cache.set(caching.GENERATION_KEY, caching.generation() + 1, timeout=None)  # as the worker's save does
    assert "旧标题" in front.get(post.get_absolute_url()).text  # within the window
    caching._seen["at"] -= 61
    assert "新标题" in front.get(post.get_absolute_url()).text


def test_requests_django_must_see_always_reach_it(front, admin_client):
    post = PostFactory(published=True, slug="plain")
    url = post.get_absolute_url()
    first = front.get(url)
    session = admin_client.cookies["sessionid"].value
    asks = [
        {"path": url + "?page=2"},
        {"path": url, "HTTP_IF_NONE_MATCH": first.headers["ETag"]},
        {"path": url, "HTTP_IF_MODIFIED_SINCE": first.headers["Last-Modified"]},
        {"path": url, "HTTP_COOKIE": f"sessionid={session}"},  # a signed-in editor
        {"path": url, "HTTP_COOKIE": "sessionid=junk"},
        {"path": reverse("editorial:post-preview", kwargs={"kind": "post", "slug": "plain"})},
        {"path": "/admin/login/"},
    ]
    for ask in asks:
        for _ in range(2):
            front.get(**ask)
    assert len(front.seen) == 1 + 2 * len(asks)
    assert front.get(url, HTTP_IF_NONE_MATCH=first.headers["ETag"]).status.startswith("304")
    editor_page = front.get(url, HTTP_COOKIE=f"sessionid={session}")
    assert "X-Page-Cache" not in editor_page.headers  # fresh for the editor, never the readers' copy


def test_the_reading_mode_and_the_host_are_part_of_the_key(front, settings):
    settings.ALLOWED_HOSTS = ["testserver", "grove.example.org"]
    PostFactory(
        published=True,
        slug="m",
        body_zh_hans='中文\n<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">EN</p>\n</details>\n',
    )
    opened = '<details class="original" open'
    assert opened not in front.get("/zh/posts/m/").text
    for _ in range(2):
        assert opened in front.get("/zh/posts/m/", HTTP_COOKIE="reading_mode=both").text
        assert opened not in front.get("/zh/posts/m/", HTTP_COOKIE="reading_mode=zh; other=1").text
    assert front.get("/zh/posts/m/", HTTP_HOST="evil.example.com").status.startswith("400")
    assert front.get("/zh/posts/m/", HTTP_HOST="evil.example.com").status.startswith("400")  # never held
    front.get("/zh/posts/m/", HTTP_HOST="grove.example.org")
    assert front.seen.count("/zh/posts/m/") == 6  # plain, both, zh, the other host twice, grove


def test_a_page_is_asked_for_again_when_its_cached_entry_expires(front, monkeypatch):
    post = PostFactory(published=True, slug="expiring")
    front.get(post.get_absolute_url())
    front.get(post.get_absolute_url())
    assert len(front.seen) == 1
    later = time.time() + 601  # past EDITORIAL_PAGE_CACHE_SECONDS
    monkeypatch.setattr("editorial.middleware.time", types.SimpleNamespace(time=lambda: later))
    front.get(post.get_absolute_url())
    assert len(front.seen) == 2


def test_with_the_page_cache_off_every_request_reaches_django(settings):
    settings.EDITORIAL_PAGE_CACHE_SECONDS = 0
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        post = PostFactory(published=True, slug="uncached")
        django = WSGIHandler()  # its page cache reads the setting when it is built
        seen = []
        app = PageFront(lambda environ, start_response: seen.append(1) or django(environ, start_response))
        for _ in range(3):
            environ = RequestFactory().get(post.get_absolute_url()).environ
            b"".join(app(environ, lambda *args: None))
        assert len(seen) == 3
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize(
    ("status", "headers", "kept"),
    [
        ("200 OK", [("Content-Type", "text/html")], True),
        ("200 OK", [("Set-Cookie", "reading_mode=both; Path=/")], False),
        ("200 OK", [("Content-Security-Policy", "script-src 'self' 'nonce-abc'")], False),
        ("200 OK", [("Content-Security-Policy", "script-src 'self'")], True),
        ("404 Not Found", [], False),
        ("301 Moved Permanently", [("Location", "/zh/")], False),
    ],
)
def test_only_an_answer_meant_for_any_reader_is_kept(status, headers, kept):
    assert PageFront.keepable({"status": status, "headers": headers}) is kept
