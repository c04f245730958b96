"""Chinese and English live in their own columns; English falls back to Chinese, visibly."""

import pytest
from django.utils import translation

from editorial.models import Post

from .factories import PostFactory

pytestmark = pytest.mark.django_db


def test_each_language_is_stored_in_its_own_column():
    with translation.override("zh-hans"):
        post = PostFactory(title_zh_hans="中文标题")
    with translation.override("en"):
        post.title = "English title"
        post.save()
    stored = Post.objects.filter(pk=post.pk).values("title_zh_hans", "title_en").get()
    assert stored == {"title_zh_hans": "中文标题", "title_en": "English title"}


def test_the_active_language_decides_what_title_reads():
    post = PostFactory(title_zh_hans="中文标题", title_en="English title")
    with translation.override("en"):
        assert Post.objects.get(pk=post.pk).title == "English title"
    with translation.override("zh-hans"):
        assert Post.objects.get(pk=post.pk).title == "中文标题"


def test_english_falls_back_to_chinese_when_untranslated():
    post = PostFactory(title_zh_hans="只有中文", summary_zh_hans="中文摘要", title_en=None)
    with translation.override("en"):
        fresh = Post.objects.get(pk=post.pk)
        assert fresh.title == "只有中文"
        assert fresh.summary == "中文摘要"
        assert not fresh.has_english


def test_lookups_follow_the_active_language():
    PostFactory(title_zh_hans="中文", title_en="Alpha")
    with translation.override("en"):
        assert Post.objects.filter(title="Alpha").count() == 1
    with translation.override("zh-hans"):
        assert Post.objects.filter(title="Alpha").count() == 0
