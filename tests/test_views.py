"""The minimal public site: /zh/ and /en/ list public posts; drafts never show."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from editorial import caching, content

from .factories import EntityFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_root_sends_readers_to_their_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")["Location"] == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")["Location"] == "/zh/"
    assert client.get("/")["Location"] == "/zh/"


def test_home_lists_public_posts_only(client):
    PostFactory(published=True, title_zh_hans="公开文章", title_en="Public post")
    PostFactory(title_zh_hans="草稿文章")
    PostFactory(in_review=True, title_zh_hans="审核中文章")
    PostFactory(scheduled=True, title_zh_hans="定时文章")
    PostFactory(published=True, unlisted=True, title_zh_hans="不列出的文章")
    zh = client.get("/zh/").content.decode()
    assert "公开文章" in zh
    for hidden in ("草稿文章", "审核中文章", "定时文章", "不列出的文章"):
        assert hidden not in zh
    en = client.get("/en/").content.decode()
    assert "Public post" in en and '<html lang="en">' in en


def test_post_page_in_both_languages(client):
    post = PostFactory(
        published=True,
        slug="-abc",
        title_zh_hans="中文标题",
        title_en="English title",
        body_zh_hans="### 开场\n\n正文。",
    )
    zh = client.get("/zh/posts/-abc/")
    assert zh.status_code == 200
    assert '<h3 id="开场">开场</h3>' in zh.content.decode()
    en = client.get("/en/posts/-abc/").content.decode()
    assert '<h1 lang="en">English title</h1>' in en
    assert 'hreflang="zh-Hans" href="http://testserver/zh/posts/-abc/"' in en  # absolute (#16)
    with translation.override("en"):
        assert post.get_absolute_url() == "/en/posts/-abc/"


def test_untranslated_post_shows_chinese_with_a_note_on_the_english_site(client):
    PostFactory(published=True, slug="only-zh", title_zh_hans="只有中文", title_en=None)
    html = client.get("/en/posts/only-zh/").content.decode()
    assert '<h1 lang="zh-Hans">只有中文</h1>' in html
    assert "This item has no English text yet: it is shown in Chinese." in html


@pytest.mark.parametrize("trait", ["draft", "in_review", "scheduled", "archived"])
def test_hidden_posts_are_not_found(client, trait):
    kwargs = {} if trait == "draft" else {trait: True}
    PostFactory(slug="hidden", **kwargs)
    assert client.get("/zh/posts/hidden/").status_code == 404
    assert client.get("/zh/posts/hidden/source.md").status_code == 404


@pytest.mark.parametrize("english", ["", "# English\n\nTranslated."])
@override_settings(EDITORIAL_PAGE_CACHE_SECONDS=0)
def test_a_post_page_reads_the_post_once_in_either_language(client, english, monkeypatch):
    """The row, its tags and its mentions: three queries once the site's indexes are kept, none
    of them for a field loaded late (the English body, which decides what the English page
    says, used to be one more); and one read of the content generation, however many indexes
    the page uses (it was one per index)."""
    post = PostFactory(published=True, slug="once", title_en="Once", body_en=english)
    post.tags.add("shared")
    post.entity_links.create(entity=EntityFactory(name="Lex"), position=0)
    content.saved(post)
    generation_reads = []
    shared_get = cache.get
    monkeypatch.setattr(
        cache,
        "get",
        lambda key, *a, **kw: generation_reads.append(key == caching.GENERATION_KEY) or shared_get(key, *a, **kw),
    )
    for prefix in ("/zh", "/en"):
        client.get(f"{prefix}/posts/once/")  # the tag and source indexes, kept until content changes
        generation_reads.clear()
        with CaptureQueriesContext(connection) as queries:
            html = client.get(f"{prefix}/posts/once/").content.decode()
        assert "Lex" in html and ("Translated." in html) == (bool(english) and prefix == "/en")
        assert len(queries) == 3, [q["sql"][:80] for q in queries]
        assert generation_reads.count(True) == 1


def test_unlisted_post_is_reachable_at_its_address(client):
    PostFactory(published=True, unlisted=True, slug="quiet")
    assert client.get("/zh/posts/quiet/").status_code == 200


def test_odd_slugs_resolve(client):
    PostFactory(published=True, slug="The_Last_Bastion_of_Humanity:_Can_Emotions_Compete_with_AI?")
    PostFactory(published=True, slug="AI Vibe Coding 社区讨论会纪要0705")
    for post_slug in (
        "The_Last_Bastion_of_Humanity:_Can_Emotions_Compete_with_AI?",
        "AI Vibe Coding 社区讨论会纪要0705",
    ):
        url = reverse("editorial:post-detail", kwargs={"kind": "post", "slug": post_slug})
        assert client.get(url).status_code == 200, url


def test_home_page_query_count_does_not_grow_with_posts(client, django_assert_num_queries):
    PostFactory(published=True)
    with django_assert_num_queries(2):
        client.get("/zh/")
    PostFactory.create_batch(40, published=True)
    caching.content_changed()  # measure a render, not the page cache
    with django_assert_num_queries(2):
        client.get("/zh/")


def test_home_is_paginated_by_30_with_page_paths(client):
    PostFactory.create_batch(31, published=True)
    first = client.get("/zh/").content.decode()
    assert first.count('class="post-card"') == 30
    assert 'rel="next" href="/zh/page/2/"' in first  # a path, so a static copy pages too
    second = client.get("/zh/page/2/").content.decode()
    assert second.count('class="post-card"') == 1 and 'rel="prev" href="/zh/"' in second
    assert client.get("/zh/?page=2").content.decode().count('class="post-card"') == 1  # old links still work


def test_tag_pages_keep_their_own_page_paths(client):
    for post in PostFactory.create_batch(31, published=True):
        post.tags.add("llm")
    first = client.get("/en/tags/llm/").content.decode()
    assert 'rel="next" href="/en/tags/llm/page/2/"' in first
    assert client.get("/en/tags/llm/page/2/").content.decode().count('class="post-card"') == 1


@override_settings(DEBUG=False)
def test_not_found_page_is_friendly(client):
    response = client.get("/zh/posts/nope/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode() or "页面" in response.content.decode()


def test_entity_pages_are_paginated_and_glossary_entries_show_the_newest_thirty(client):
    from editorial.models import Entity

    from .factories import EntityFactory

    openai = EntityFactory(kind=Entity.Kind.ORGANISATION, name="OpenAI")
    for n, post in enumerate(PostFactory.create_batch(32, published=True, body_zh_hans="**令牌**（Token: 最小单位）")):
        post.entity_links.create(entity=openai, position=n)
        content.saved(post)
    first = client.get(openai.get_absolute_url()).content.decode()
    assert first.count('class="post-card"') == 30 and 'href="/zh/organisations/openai/page/2/"' in first
    assert client.get("/zh/organisations/openai/page/2/").content.decode().count('class="post-card"') == 2
    entry = client.get("/zh/glossary/token/").content.decode()
    assert entry.count('<li><a href="/zh/posts/') == 30 and "还有更多文章用到它" in entry and "exact=1" in entry
