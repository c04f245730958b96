"""Merging tags (#15): one job, one revision per changed post, the old addresses redirect."""

from urllib.parse import quote

import pytest
import reversion
from django.test import override_settings
from django.urls import reverse
from reversion.models import Version
from taggit.models import Tag

from editorial import content
from editorial.models import Post

from .factories import PostFactory

pytestmark = pytest.mark.django_db


def tagged(slug, *names):
    post = PostFactory(published=True, slug=slug)
    post.tags.add(*names)
    return post


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
def test_merging_tags_keeps_every_post_and_old_addresses(admin_client, django_capture_on_commit_callbacks, worker):
    both = tagged("both", "AI", "人工智能", "其他")
    only_old = tagged("only-old", "人工智能")
    untouched = tagged("untouched", "其他")
    for n in range(3):
        tagged(f"more-{n}", "AI")  # AI is the most used: it survives
    old = Tag.objects.get(name="人工智能")
    old_slug, survivor = old.slug, Tag.objects.get(name="AI")
    assert admin_client.get(f"/zh/tags/{old_slug}/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:taggit_tag_changelist"),
            {"action": "merge_tags", "_selected_action": [old.pk, survivor.pk]},
        )
    assert response.status_code == 302 and "/admin/editorial/job/" in response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        (job, *_rest) = worker()
    assert job.state == "done", job.error
    assert job.summary == "已将 1 个标签合并到“AI”；2 篇文章有改动。"

    assert not Tag.objects.filter(name="人工智能").exists()
    assert sorted(Post.objects.get(pk=both.pk).tags.names()) == ["AI", "其他"]
    assert list(Post.objects.get(pk=only_old.pk).tags.names()) == ["AI"]
    # One revision per changed post, saying what happened and who did it; none for the others.
    for post in (both, only_old):
        (latest, *_older) = Version.objects.get_for_object(post)
        assert latest.revision.comment == "已合并标签：人工智能 → AI" and latest.revision.user.is_superuser
    assert not any("合并" in v.revision.comment for v in Version.objects.get_for_object(untouched))

    for path, target in [
        (f"/zh/tags/{old_slug}/", f"/zh/tags/{survivor.slug}/"),
        (f"/en/tags/{old_slug}/feed/", f"/en/tags/{survivor.slug}/feed/"),
    ]:
        response = admin_client.get(path)
        assert (response.status_code, response["Location"]) == (301, target)
    assert admin_client.get("/zh/tags/never-was/").status_code == 404


def test_a_tag_merged_twice_still_redirects_to_the_last(admin_client, django_capture_on_commit_callbacks, worker):
    for n in range(3):
        tagged(f"c{n}", "丙")
    tagged("b", "乙", "丙")
    tagged("a", "甲", "乙")
    first = Tag.objects.get(name="甲")
    with override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1):
        for names in (["甲", "乙"], ["乙", "丙"]):
            ids = list(Tag.objects.filter(name__in=names).values_list("pk", flat=True))
            with django_capture_on_commit_callbacks(execute=True):
                admin_client.post(
                    reverse("admin:taggit_tag_changelist"), {"action": "merge_tags", "_selected_action": ids}
                )
            with django_capture_on_commit_callbacks(execute=True):
                worker()
        assert list(Tag.objects.values_list("name", flat=True)) == ["丙"]
        response = admin_client.get(f"/zh/tags/{first.slug}/")
        assert response["Location"] == f"/zh/tags/{quote(Tag.objects.get().slug)}/"


def test_one_tag_selected_is_refused_with_a_message(admin_client):
    tag = tagged("x", "单独").tags.get()
    response = admin_client.post(
        reverse("admin:taggit_tag_changelist"), {"action": "merge_tags", "_selected_action": [tag.pk]}, follow=True
    )
    assert "请选择两个或更多标签进行合并。" in response.content.decode()
    assert not reversion.models.Revision.objects.filter(comment__contains="合并").exists()


def test_renaming_a_tag_keeps_its_old_address_working(admin_client, django_capture_on_commit_callbacks):
    for n in range(5):
        tagged(f"rn-{n}", "大模型")  # enough posts for a tag page
    tag = Tag.objects.get(name="大模型")
    old_slug = tag.slug
    # In the admin a rename changes the name; the address (slug, read-only there) stays.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:taggit_tag_change", args=[tag.pk]), {"name": "大语言模型"})
    assert response.status_code == 302
    page = admin_client.get(f"/zh/tags/{quote(old_slug)}/")
    assert page.status_code == 200 and "大语言模型" in page.content.decode()
    # A new address (given by a script or a future form) redirects from the old one …
    Tag.objects.filter(pk=tag.pk).update(slug="da-yu-yan-mo-xing")
    with django_capture_on_commit_callbacks(execute=True):
        content.tag_renamed(Tag.objects.get(pk=tag.pk), old_slug)
    moved = admin_client.get(f"/zh/tags/{quote(old_slug)}/")
    assert moved.status_code == 301 and moved["Location"] == "/zh/tags/da-yu-yan-mo-xing/"
    # … and going back makes the address the tag's own again, not a redirect to itself.
    Tag.objects.filter(pk=tag.pk).update(slug=old_slug)
    with django_capture_on_commit_callbacks(execute=True):
        content.tag_renamed(Tag.objects.get(pk=tag.pk), "da-yu-yan-mo-xing")
    assert admin_client.get(f"/zh/tags/{quote(old_slug)}/").status_code == 200
    assert admin_client.get("/zh/tags/da-yu-yan-mo-xing/").status_code == 301
