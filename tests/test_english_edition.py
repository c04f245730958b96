"""The English edition (#16): an item's English page reads its English originals as the main
text, in English chrome, with ``lang`` on every text in the other language."""

import re

import pytest

from editorial.models import Post

from .factories import PostFactory

pytestmark = pytest.mark.django_db

BODY = (
    "## 开场\n\n**主持人：** 欢迎来到节目。\n\n"
    "<details>\n<summary>View/Hide Original English</summary>\n\n"
    "**Host:** Welcome to the show.\n\n</details>\n\n"
    "## 正文\n\n第二段中文。\n"
)


def talk(**kwargs):
    return PostFactory(published=True, slug="talk", title_zh_hans="访谈", title_en=None, body_zh_hans=BODY, **kwargs)


def test_saving_a_body_records_whether_it_keeps_english_originals():
    assert talk().english_originals is True
    plain = PostFactory(published=True, slug="plain", body_zh_hans="只有中文。")
    assert plain.english_originals is False
    plain.body_zh_hans = BODY
    plain.save()
    assert Post.objects.get(pk=plain.pk).english_originals is True


def test_the_english_page_reads_the_original_as_its_main_text(client):
    talk()
    html = client.get("/en/posts/talk/").content.decode()
    assert '<html lang="en">' in html and '<article class="post" lang="en" data-edition="originals">' in html
    assert '<h1 lang="zh-Hans">访谈</h1>' in html  # no English title: said, and marked as Chinese
    assert "The English original is the main text below (the title and summary are in Chinese)" in html
    assert 'class="post-body mode-original" lang="zh-Hans"' in html
    original = re.search(r'<details class="original" open data-original="en" lang="en">(.*?)</details>', html, re.S)
    assert original and "Welcome to the show." in original.group(1) and "Host:" in original.group(1)
    assert "<summary>Original English</summary>" in original.group(1) and "英文原文" not in html
    assert '<a href="?mode=original" aria-current="true">English</a>' in html


def test_the_chinese_page_keeps_chinese_first_and_each_edition_remembers_its_own_choice(client):
    talk()
    zh = client.get("/zh/posts/talk/").content.decode()
    assert 'class="post-body mode-zh"' in zh and "<summary>英文原文</summary>" in zh
    assert '<details class="original" open' not in zh
    client.get("/en/posts/talk/?mode=zh")  # the English reader asks for the Chinese
    assert client.cookies["reading_mode_en"].value == "zh"
    assert 'class="post-body mode-zh"' in client.get("/en/posts/talk/").content.decode()
    assert 'class="post-body mode-zh"' in client.get("/zh/posts/talk/").content.decode()
    client.get("/zh/posts/talk/?mode=both")
    assert 'class="post-body mode-zh"' in client.get("/en/posts/talk/").content.decode()


def test_an_item_without_english_says_so_on_the_english_page_and_in_lists(client):
    PostFactory(published=True, slug="zh-only", title_zh_hans="只有中文", title_en=None, body_zh_hans="中文正文。")
    talk()
    page = client.get("/en/posts/zh-only/").content.decode()
    assert "This item has no English text yet: it is shown in Chinese." in page
    assert 'class="post-body mode-zh" lang="zh-Hans"' in page and "?mode=" not in page
    home = client.get("/en/").content.decode()
    assert re.search(r'<h2 lang="zh-Hans"><a href="/en/posts/zh-only/">只有中文</a></h2>.*?In Chinese only', home, re.S)
    assert re.search(r'<h2 lang="zh-Hans"><a href="/en/posts/talk/">访谈</a></h2>.*?English original', home, re.S)
    assert "In Chinese only" not in client.get("/zh/").content.decode()


def test_an_item_written_in_english_is_english_throughout(client):
    PostFactory(
        published=True, slug="en", title_zh_hans="中文标题", title_en="English title", body_en="An English body."
    )
    html = client.get("/en/posts/en/").content.decode()
    assert '<h1 lang="en">English title</h1>' in html and 'data-edition="translated"' in html
    assert 'class="post-body mode-zh" lang="en"' in html and "An English body." in html
    assert "edition-note" not in html


def test_the_english_feed_and_sitemap_say_what_is_english(client):
    PostFactory(published=True, slug="zh-only", title_zh_hans="只有中文", title_en=None, summary_zh_hans="摘要甲")
    talk(summary_zh_hans="摘要乙")
    PostFactory(published=True, slug="titled", title_zh_hans="有英文", title_en="Has English", summary_en="In English.")
    feed = client.get("/en/feed/").content.decode()
    assert "[In Chinese only] 摘要甲" in feed and "[English original] 摘要乙" in feed
    assert "In English.</summary>" in feed and "] In English." not in feed
    assert "[In Chinese only]" not in client.get("/zh/feed/").content.decode()
    section = client.get("/sitemap.xml").content.decode()
    pages = "".join(
        client.get(loc).content.decode() for loc in re.findall(r"<loc>[^<]*?(/sitemap-posts[^<]*)</loc>", section)
    )
    english = set(re.findall(r"<loc>[^<]*/en/posts/([^/]+)/</loc>", pages))
    assert english == {"talk", "titled"}  # the Chinese-only item's English page is not offered as English
    assert "/zh/posts/zh-only/" in pages
