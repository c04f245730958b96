"""Least privilege and faults: login throttling, and a proper 503 when the database is away."""

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

from editorial import caching, views

from .factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def attempt(client, password):
    return client.post(LOGIN, {"username": "editor", "password": password, "next": "/admin/"})


def test_repeated_failed_logins_from_one_client_are_refused_with_429(client):
    UserFactory(username="editor", is_staff=True, is_superuser=True, password="right-password")
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200  # the form again, with its error
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "Too many login attempts" in locked.content.decode() and "登录尝试过多" in locked.content.decode()
    # While locked, even the right password is refused; another client is not affected.
    assert attempt(client, "right-password").status_code == 429
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert attempt(other, "right-password").status_code == 302


@override_settings(EDITORIAL_TRUSTED_PROXIES=1)
def test_behind_the_proxy_each_client_is_locked_out_alone_by_user_and_address():
    """#18 point 6: behind nginx every request came from 127.0.0.1, so five wrong passwords from
    anywhere locked out every editor for 15 minutes."""
    UserFactory(username="editor", is_staff=True, is_superuser=True, password="right-password")
    UserFactory(username="other", is_staff=True, is_superuser=True, password="other-password")

    def via_proxy(address, forwarded_by_client=""):
        header = f"{forwarded_by_client}, {address}" if forwarded_by_client else address
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=header)

    attacker = via_proxy("203.0.113.9")
    for _ in range(5):
        response = attempt(attacker, "wrong")
    assert response.status_code == 429
    # an editor elsewhere, through the same proxy, logs in
    assert attempt(via_proxy("198.51.100.20"), "right-password").status_code == 302
    # a client cannot pick its address by sending X-Forwarded-For itself: nginx appends the real one
    assert attempt(via_proxy("203.0.113.9", forwarded_by_client="10.1.1.1"), "right-password").status_code == 429
    # the locked pair is (user, address): another user from that address is not locked out
    other = via_proxy("203.0.113.9").post(LOGIN, {"username": "other", "password": "other-password", "next": "/admin/"})
    assert other.status_code == 302


def test_a_successful_login_resets_the_count(client):
    UserFactory(username="editor", is_staff=True, is_superuser=True, password="right-password")
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, "right-password").status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200


def test_database_unavailable_gives_readers_a_503_page_not_a_traceback(monkeypatch):
    def down(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.PostListView, "get_queryset", down)
    response = Client(raise_request_exception=False).get(reverse("editorial:post-list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Temporarily unavailable" in html and "暂时无法访问" in html and "Traceback" not in html


def test_other_errors_give_the_500_page(monkeypatch):
    def broken(self):
        raise ValueError("a bug")

    monkeypatch.setattr(views.PostListView, "get_queryset", broken)
    response = Client(raise_request_exception=False).get(reverse("editorial:post-list"))
    assert response.status_code == 500
    assert "出错了" in response.content.decode() and "a bug" not in response.content.decode()


@pytest.mark.parametrize(
    "source",
    ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"],
)
def test_a_hostile_source_url_is_shown_as_text_never_as_a_link(client, source):
    from .factories import PostFactory

    post = PostFactory(published=True, slug="hostile", source_url=source)
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'href="' + source.strip() not in html and 'href=" javascript' not in html.lower()
    assert "javascript:alert" not in html.split("<dd>")[0].lower()  # not in the head (canonical, JSON-LD)
    assert post.source_link == ""


def test_a_web_source_url_is_a_link(client):
    from .factories import PostFactory

    post = PostFactory(published=True, slug="web", source_url="https://www.youtube.com/watch?v=-5Weeox0Xus")
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<a href="https://www.youtube.com/watch?v=-5Weeox0Xus"' in html and 'data-video-id="-5Weeox0Xus"' in html


def test_every_page_carries_a_content_security_policy_cached_or_not(client, admin_client):
    from .factories import PostFactory

    post = PostFactory(published=True, slug="csp")
    for url in ["/zh/", "/zh/", post.get_absolute_url(), "/zh/feed/", "/admin/login/"]:  # twice: a cache hit too
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    # The admin's own scripts carry the request's nonce, and the policy names it.
    response = admin_client.get(reverse("admin:editorial_post_changelist"))
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


@pytest.mark.django_db
def test_control_characters_in_a_title_leave_every_feed_readable(client):
    from .factories import PostFactory

    post = PostFactory(published=True, slug="ctl", title_zh_hans="标题\x01\x0b坏字符", summary_zh_hans="摘要\x1f在此")
    post.tags.add("shared")
    for url in ["/zh/feed/", "/en/feed/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "标题坏字符" in response.content.decode() and "摘要在此" in response.content.decode()


NUL_URLS = [
    "/zh/posts/a%00b/", "/zh/notes/a%00b/", "/zh/tags/a%00/", "/zh/tags/a%00/feed/", "/zh/sources/a%00/",
    "/zh/glossary/a%00/", "/zh/people/a%00/", "/zh/search/?q=a%00b", "/zh/?kind=%00", "/zh/posts/a%00b/source.md",
    "/sitemap-posts-1.xml?p=%00",
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_byte_in_an_address_is_a_bad_request_not_an_outage(client, url):
    response = client.get(url)
    assert response.status_code in (400, 404), (url, response.status_code)


@pytest.mark.django_db
def test_hand_typed_admin_addresses_are_answered_not_500(admin_client):
    from .factories import PostFactory

    post = PostFactory(published=True, slug="p")
    assert admin_client.get("/admin/editorial/post/abc/history/").status_code == 404
    assert admin_client.get(f"/admin/editorial/post/{post.pk}/history/").status_code == 200
    response = admin_client.get("/admin/editorial/post/?date__year=99999999999&q=p")
    assert (response.status_code, response["Location"]) == (302, "/admin/editorial/post/?q=p")  # the filter dropped
    assert admin_client.get("/admin/editorial/post/?date__year=2025&date__month=13").status_code == 302
    assert admin_client.get("/admin/editorial/post/?date__year=2025").status_code == 200
    compare = admin_client.get(f"/admin/editorial/post/{post.pk}/compare/?a=abc&b=1")
    assert (compare.status_code, compare["Location"]) == (302, f"/admin/editorial/post/{post.pk}/history/")


def test_junk_query_strings_and_session_cookies_neither_fill_nor_bypass_the_cache(client):
    """#18 point 4: 20 requests with junk query strings added 84 MB to Redis, and any sessionid
    cookie, even a junk one, skipped the cache."""
    from django.core.cache import cache

    post = PostFactory(published=True, slug="big", body_zh_hans="正文。" * 2000)
    url = post.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"

    def cached_keys():  # what the cache holds: in-memory (the SQLite run) or Redis (the PostgreSQL run)
        client_ = getattr(cache, "_cache", None)
        return client_.get_client().dbsize() if hasattr(client_, "get_client") else len(client_)

    keys_before = cached_keys()
    for n in range(20):
        response = client.get(f"{url}?junk{n}={'x' * 50}")
        assert response.status_code == 200 and "X-Page-Cache" not in response  # served, not kept
    assert cached_keys() == keys_before
    assert client.get(url + "?page=2&q=x")["X-Page-Cache"] == "miss"
    assert client.get(url + "?q=x&page=2")["X-Page-Cache"] == "hit"  # one order, one page
    assert client.get(url + "?q=" + "x" * 300).get("X-Page-Cache") is None  # an overlong value
    junk = Client()
    junk.cookies["sessionid"] = "not-a-session-at-all"
    assert junk.get(url)["X-Page-Cache"] == "hit"


def test_a_signed_in_editor_still_gets_fresh_pages(client, admin_client):
    post = PostFactory(published=True, slug="fresh")
    client.get(post.get_absolute_url())
    assert "X-Page-Cache" not in admin_client.get(post.get_absolute_url())


def test_the_host_header_never_reaches_another_readers_page(client, settings):
    """#18 point 7: one request with Host: 127.0.0.1:6666 made every reader's canonical, og:url,
    JSON-LD and feed links point there for 10 minutes; a disallowed host got a cached 200."""
    from django.core.cache import cache

    settings.ALLOWED_HOSTS = ["grove.example.org", "127.0.0.1"]
    post = PostFactory(published=True, slug="hosted", title_en="Hosted")
    url = post.get_absolute_url()
    assert client.get(url, HTTP_HOST="grove.example.org").status_code == 200
    assert client.get(url, HTTP_HOST="evil.example.com").status_code == 400  # before the cache
    assert client.get("/zh/feed/", HTTP_HOST="evil.example.com").status_code == 400
    other_port = client.get(url, HTTP_HOST="127.0.0.1:6666")  # allowed host, another port
    assert other_port.status_code == 200
    page = client.get(url, HTTP_HOST="grove.example.org")
    assert page["X-Page-Cache"] == "hit"
    assert "6666" not in page.content.decode()
    settings.EDITORIAL_SITE_URL = "https://grove.example.org"
    cache.clear()  # pages cached before the site's address was set (a restart forgets its own)
    caching.forget_in_process()
    for response in (client.get(url, HTTP_HOST="127.0.0.1:6666"), client.get("/zh/feed/", HTTP_HOST="127.0.0.1:6666")):
        html = response.content.decode()
        assert "6666" not in html and "127.0.0.1" not in html
        assert f"https://grove.example.org{url}" in html
    page = client.get(url, HTTP_HOST="127.0.0.1:6666").content.decode()
    assert f'<link rel="canonical" href="https://grove.example.org{url}">' in page
    assert f'"url": "https://grove.example.org{url}"' in page  # JSON-LD
    assert 'hreflang="en" href="https://grove.example.org/en/' in page
    sitemap = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1:6666").content.decode()
    assert "https://grove.example.org/sitemap-posts-1.xml" in sitemap and "6666" not in sitemap
    robots = client.get("/robots.txt", HTTP_HOST="127.0.0.1:6666").content.decode()
    assert "Sitemap: https://grove.example.org/sitemap.xml" in robots


def test_a_sitemap_page_is_built_once_per_content_change(client, django_assert_num_queries):
    """#18 point 4: the sitemap was built on every request (2 s of CPU on the whole site)."""
    PostFactory(published=True, slug="mapped")
    first = client.get("/sitemap-posts-1.xml")
    assert "/mapped/" in first.content.decode()
    with django_assert_num_queries(0):
        again = client.get("/sitemap-posts-1.xml")
    assert again.content == first.content


def test_check_deploy_asks_for_the_site_address():
    from editorial.checks import site_address_is_set

    with override_settings(EDITORIAL_SITE_URL=""):
        assert [w.id for w in site_address_is_set(None)] == ["editorial.W002"]
    with override_settings(EDITORIAL_SITE_URL="grove.example.org"):
        assert [w.id for w in site_address_is_set(None)] == ["editorial.E002"]
    with override_settings(EDITORIAL_SITE_URL="https://grove.example.org"):
        assert site_address_is_set(None) == []


# --- #18 point 10: addresses and lengths, one rule for the admin and every import ---------


@pytest.mark.parametrize(
    "slug, ok",
    [("..", False), (".", False), ("a\x07b", False), ("向" * 83, True), ("向" * 84, False), ("...", True),
     ("a: b? 'c'", True), ("-leading", True), ("AI Vibe Coding 社区讨论会纪要0705", True)],
)  # fmt: skip
def test_the_slug_rule(slug, ok):
    from django.core.exceptions import ValidationError

    from editorial.models import validate_slug_text

    if ok:
        validate_slug_text(slug)
    else:
        with pytest.raises(ValidationError):
            validate_slug_text(slug)


def test_a_zip_member_named_dot_dot_is_refused_and_the_rest_imported(tmp_path):
    from editorial import importers

    (tmp_path / "notes").mkdir()
    good = "---\ntitle: 好\n---\n正文\n"
    (tmp_path / "notes" / "...md").write_text(good, encoding="utf-8")  # stem ".."
    (tmp_path / "notes" / "fine.md").write_text(good, encoding="utf-8")
    result = importers.import_files([tmp_path])
    failed = {report.path.rsplit("/", 1)[-1]: report.message for report in result.failed}
    assert set(failed) == {"...md"} and "“..”" in failed["...md"]
    # a name no disk holds (270 bytes) arrives only in a zip: refused, not a crash of the export later
    long = importers.import_bytes("notes/" + "长" * 90 + ".md", good.encode())
    assert long.action == "failed" and ("at most 250 bytes" in long.message or "最多 250 字节" in long.message)
    from editorial.models import Post

    assert list(Post.objects.values_list("slug", flat=True)) == ["fine"]


def test_the_admin_refuses_a_slug_of_a_hundred_chinese_characters(admin_client):
    from editorial.models import Post

    from .factories import post_form_data

    post = PostFactory(slug="short")
    url = reverse("admin:editorial_post_change", args=[post.pk])
    response = admin_client.post(url, post_form_data(post, slug="长" * 100))
    assert response.status_code == 200  # the form again, with its error
    assert "250" in response.content.decode()
    response = admin_client.post(url, post_form_data(post, tags="x" * 101))
    assert response.status_code == 200 and "100" in response.content.decode()
    assert Post.objects.get(pk=post.pk).slug == "short"


def test_an_over_long_front_matter_value_is_refused_by_the_importer(tmp_path):
    from editorial import importers

    (tmp_path / "long.md").write_text(f"---\ntitle: {'题' * 301}\n---\n正文\n", encoding="utf-8")
    (tmp_path / "person.md").write_text(f"---\ntitle: t\npeople:\n- {'名' * 301}\n---\n正文\n", encoding="utf-8")
    result = importers.import_files([tmp_path])
    messages = sorted(report.message for report in result.failed)
    assert messages == [
        "people: '名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名'… is 301 characters long; at most 300 fit",
        "title is 301 characters long; at most 300 fit",
    ]


def test_a_page_that_would_leave_its_folder_is_never_written(tmp_path):
    from editorial import static_site

    with pytest.raises(ValueError, match="outside its own folder"):
        static_site.file_for(tmp_path, "/zh/notes/../")
    post = PostFactory(published=True, slug="fine")
    from editorial.models import Post

    Post.objects.filter(pk=post.pk).update(slug="..")  # as an older database may hold
    report = static_site.build(tmp_path, workers=1)
    assert sorted(path for path, status in report.failed if status == "error") == [
        "/en/posts/../", "/en/posts/../source.md", "/zh/posts/../", "/zh/posts/../source.md",
    ]  # fmt: skip
    home = (tmp_path / "zh" / "index.html").read_text()
    assert "<html" in home.lower() and 'lang="zh-Hans"' in home  # the home page, not the post


def test_backup_names_values_postgresql_would_refuse(tmp_path):
    import io

    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refuses such values: there is nothing to find")

    from editorial.models import Post

    post = PostFactory(slug="old")
    Post.objects.filter(pk=post.pk).update(speaker="说" * 400)  # stored by an older version, on SQLite
    err = io.StringIO()
    call_command("backup", str(tmp_path / "b.yaml"), stdout=io.StringIO(), stderr=err)
    assert f"editorial.Post #{post.pk} speaker: 400 characters, at most 300" in err.getvalue()
