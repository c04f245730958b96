"""The public reading site's structure: tags, sources, feeds, sitemap, robots, head tags, outline."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from editorial.models import Entity

from .factories import EntityFactory, PostFactory

pytestmark = pytest.mark.django_db


def published(n=1, **kwargs):
    posts = []
    for i in range(n):
        when = timezone.now() - datetime.timedelta(days=i + 1)
        posts.append(PostFactory(status="published", published_at=when, **kwargs))
    return posts


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=2)
def test_tags_have_pages_from_the_threshold_and_inert_pills_below(client):
    for post in published(2):
        post.tags.add("llm")
    lonely = published(1, slug="lonely")[0]
    lonely.tags.add("llm", "singleton")
    html = client.get(lonely.get_absolute_url()).content.decode()
    assert '<a href="/zh/tags/llm/">llm</a>' in html
    assert "<span>singleton</span>" in html
    assert client.get("/zh/tags/singleton/").status_code == 404
    tag_page = client.get("/zh/tags/llm/").content.decode()
    assert tag_page.count('class="post-card"') == 3
    assert "/zh/tags/llm/" in client.get("/zh/tags/").content.decode()


def test_sources_directory_merges_names_and_keeps_old_slugs(client):
    published(1, speaker="Bloomberg Podcasts", guest="Tracy Alloway, Joe Weisenthal")
    published(1, speaker="bloomberg podcasts")
    published(1, speaker="夸克说")
    html = client.get(reverse("editorial:source-list")).content.decode()
    assert '<a href="/zh/sources/bloomberg-podcasts/">Bloomberg Podcasts</a> <small>2</small>' in html
    assert "/zh/sources/kua-ke-shuo/" in html and "/zh/sources/tracy-alloway/" in html
    assert client.get("/zh/sources/bloomberg-podcasts/").content.decode().count('class="post-card"') == 2
    assert client.get("/zh/sources/nobody/").status_code == 404


def test_atom_feeds_per_language_and_tag_parse_cleanly(client):
    for post in published(3, summary_zh_hans="摘要内容"):
        post.tags.add("ai")
    PostFactory(title_zh_hans="草稿不进订阅")
    for language, url in (("zh", "/zh/feed/"), ("en", "/en/feed/"), ("zh", "/zh/tags/ai/feed/")):
        with override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1):
            response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        assert len(feed.entries) == 3
        assert all("草稿" not in e.title for e in feed.entries)
        assert feed.entries[0].link.startswith(f"http://testserver/{language}/posts/")
    assert 'type="application/atom+xml"' in client.get("/zh/").content.decode()


def test_sitemap_has_language_alternates_only_where_translated(client):
    both = published(1, slug="both", title_en="English")[0]
    published(1, slug="zh-only", title_en=None)
    PostFactory(slug="draft-post")
    published(1, slug="quiet", unlisted=True)
    root = ET.fromstring(client.get("/sitemap-posts-1.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locations = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert "http://testserver/zh/posts/both/" in locations and "http://testserver/en/posts/both/" in locations
    assert "http://testserver/zh/posts/zh-only/" in locations and "http://testserver/en/posts/zh-only/" not in locations
    assert not [u for u in locations if "draft-post" in u or "quiet" in u]
    alternates = root.findall("s:url/x:link", ns)
    assert {a.get("hreflang") for a in alternates} >= {"zh-hans", "en", "x-default"}
    assert both.pk


def test_robots_txt_points_at_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text and "Sitemap: http://testserver/sitemap.xml" in text


def test_post_head_has_canonical_open_graph_and_json_ld(client):
    post = published(1, slug="seo", title_zh_hans="标题 </script><script>alert(1)", summary_zh_hans="摘要")[0]
    post.tags.add("ai")
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="http://testserver/zh/posts/seo/">' in html
    assert '<meta property="og:type" content="article">' in html
    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "</script>" not in data  # the title cannot close the element early
    article = json.loads(data)
    assert article["@type"] == "Article" and article["headline"].startswith("标题")
    assert article["keywords"] == ["ai"]


def test_outline_reading_time_and_markdown_source(client):
    body = "### 第一章\n\n" + "中文内容。" * 300 + "\n\n### 第二章\n\n更多内容。\n"  # ~1,200 characters
    post = published(1, slug="long", body_zh_hans=body)[0]
    assert post.toc == [{"level": 3, "id": "第一章", "name": "第一章"}, {"level": 3, "id": "第二章", "name": "第二章"}]
    assert post.reading_minutes == 3
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<ol id="outline-list" lang="zh-Hans"><li class="level-3"><a href="#第一章">' in html
    assert "about 3 minutes" in html or "约 3 分钟" in html
    source = client.get(reverse("editorial:post-source", kwargs={"kind": "post", "slug": "long"}), {"download": "1"})
    assert source["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'attachment; filename="long.md"' in source["Content-Disposition"]
    assert source.content.decode().startswith("---\n") and "### 第一章" in source.content.decode()


def test_entity_mentions_link_to_their_pages(client):
    post = published(1, slug="mentions")[0]
    person = EntityFactory(kind=Entity.Kind.PERSON, name="Jensen Huang")
    post.entity_links.create(entity=person, position=0)
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<a href="/zh/people/jensen-huang/">Jensen Huang</a>' in html
    with translation.override("en"):
        assert client.get(person.get_absolute_url()).status_code == 200


def test_series_page_and_navigation_in_reading_order(client):
    second = published(1, slug="second", series="读懂大模型", series_order=2, title_zh_hans="第二篇")[0]
    published(1, slug="first", series="读懂大模型", series_order=1, title_zh_hans="第一篇")
    PostFactory(slug="draft-in-series", series="读懂大模型", title_zh_hans="草稿篇")
    html = client.get(second.get_absolute_url()).content.decode()
    assert '<a href="/zh/series/du-dong-da-mo-xing/">读懂大模型</a>' in html
    assert "第一篇" in html and "草稿篇" not in html
    page = client.get("/zh/series/du-dong-da-mo-xing/").content.decode()
    assert page.index("第一篇") < page.index("第二篇") and "草稿篇" not in page
