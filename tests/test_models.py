"""Post.objects.public() is the one rule for what readers see; constraints hold it in the database."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from editorial.models import Entity, Post, Status

from .factories import EntityFactory, PostFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
PAST, FUTURE = NOW - datetime.timedelta(hours=1), NOW + datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    "status, published_at, unlisted, public, listed",
    [
        (Status.DRAFT, None, False, False, False),
        (Status.DRAFT, PAST, False, False, False),
        (Status.REVIEW, PAST, False, False, False),
        (Status.PUBLISHED, PAST, False, True, True),
        (Status.EVERGREEN, PAST, False, True, True),
        (Status.PUBLISHED, FUTURE, False, False, False),  # scheduled
        (Status.EVERGREEN, FUTURE, False, False, False),
        (Status.ARCHIVED, PAST, False, False, False),
        (Status.PUBLISHED, PAST, True, True, False),  # unlisted: reachable, not listed
    ],
)
def test_public_and_listed_truth_table(status, published_at, unlisted, public, listed):
    post = PostFactory(status=status, published_at=published_at, unlisted=unlisted)
    assert Post.objects.public().filter(pk=post.pk).exists() == public
    assert Post.objects.listed().filter(pk=post.pk).exists() == listed
    assert post.is_public == public


def test_scheduled_post_becomes_public_when_its_time_comes():
    post = PostFactory(scheduled=True)
    assert not Post.objects.public().filter(pk=post.pk).exists()
    assert Post.objects.scheduled().filter(pk=post.pk).exists()
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Post.objects.public().filter(pk=post.pk).exists()


def test_database_refuses_a_published_post_without_publication_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        PostFactory(status=Status.PUBLISHED, published_at=None)


def test_slugs_are_unique_in_the_database():
    PostFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(slug="same", title_zh_hans="另一篇")


def test_a_chinese_only_title_gets_a_readable_pinyin_slug_that_never_changes():
    post = Post.objects.create(title_zh_hans="大型语言模型入门")
    assert post.slug == "da-xing-yu-yan-mo-xing-ru-men"
    again = Post.objects.create(title_zh_hans="大型语言模型入门")
    assert again.slug == "da-xing-yu-yan-mo-xing-ru-men-2"
    post.title_zh_hans = "新标题"
    post.save()
    assert post.slug == "da-xing-yu-yan-mo-xing-ru-men"


def test_str_and_absolute_url():
    post = PostFactory(slug="-5Weeox0Xus", title_zh_hans="标题")
    assert str(post) == "标题"
    assert post.get_absolute_url() == "/zh/posts/-5Weeox0Xus/"
    odd = PostFactory(slug="What? It's: 社区 纪要")
    assert odd.get_absolute_url() == "/zh/posts/What%3F%20It's:%20%E7%A4%BE%E5%8C%BA%20%E7%BA%AA%E8%A6%81/"
    entity = EntityFactory(kind=Entity.Kind.ORGANISATION, name="挪威主权财富基金")
    assert str(entity) == "挪威主权财富基金"
    assert entity.get_absolute_url() == "/zh/organisations/nuo-wei-zhu-quan-cai-fu-ji-jin/"


def test_body_is_rendered_on_save_and_only_when_it_changed():
    post = PostFactory(body_zh_hans="### 标题\n\n正文")
    assert post.body_html_zh_hans == '<h3 id="标题">标题</h3>\n<p>正文</p>'
    post = Post.objects.get(pk=post.pk)
    assert post.render_bodies() == []  # nothing changed, nothing rendered
    post.body_zh_hans = "新的正文"
    post.save(update_fields=["body_zh_hans"])
    assert Post.objects.get(pk=post.pk).body_html_zh_hans == "<p>新的正文</p>"


def test_a_tag_of_symbols_only_still_gets_a_slug_and_a_page_link(client):
    post = PostFactory(published=True, slug="symbols")
    post.tags.add(">", "…")
    slugs = sorted(post.tags.values_list("slug", flat=True))
    assert slugs == ["tag", "tag-2"]
    assert client.get(post.get_absolute_url()).status_code == 200
