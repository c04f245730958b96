"""Previews: staff see any post as readers will; share links are signed, expiring, revocable."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from editorial.models import PreviewLink

from .factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def preview_url(post):
    return reverse("editorial:post-preview", kwargs={"kind": post.kind, "slug": post.slug})


def assert_preview_headers(response):
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert 'class="draft-banner"' in html


def test_authors_and_editors_preview_a_draft_with_the_reader_template(client):
    author = UserFactory(username="Authors", is_staff=True)
    author.groups.add(Group.objects.get(name="Authors"))
    post = PostFactory(title_zh_hans="草稿标题", body_zh_hans="### 小节\n\n正文", author=author)  # the author's own
    editor = UserFactory(username="Editors", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    for user in (author, editor):
        client.force_login(user)
        response = client.get(preview_url(post))
        assert_preview_headers(response)
        assert '<h1 lang="zh-Hans">草稿标题</h1>' in response.content.decode()
        assert '<h3 id="小节">小节</h3>' in response.content.decode()
        assert response.templates[0].name == "editorial/post_detail.html"


def test_anonymous_readers_cannot_preview(client):
    post = PostFactory()
    response = client.get(preview_url(post))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get(post.get_absolute_url()).status_code == 404


def make_link(post, **kwargs):
    return PreviewLink.objects.create(post=post, expires_at=timezone.now() + datetime.timedelta(days=7), **kwargs)


def test_a_share_link_lets_someone_without_an_account_read_that_post(client):
    post = PostFactory(title_zh_hans="分享的草稿")
    link = make_link(post)
    assert PreviewLink.objects.get(pk=link.pk).token == link.token  # the same link whenever it is shown
    response = client.get(link.get_absolute_url())
    assert_preview_headers(response)
    assert "分享的草稿" in response.content.decode()


def test_expired_revoked_tampered_and_forged_links_fail(client):
    post, other = PostFactory(), PostFactory(title_zh_hans="别的草稿")
    expired = make_link(post)
    PreviewLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    revoked = make_link(post, revoked_at=timezone.now())
    assert client.get(expired.get_absolute_url()).status_code == 404
    assert client.get(revoked.get_absolute_url()).status_code == 404
    good = make_link(post)
    tampered = good.token[:-2] + ("AA" if not good.token.endswith("AA") else "BB")
    assert client.get(reverse("editorial:post-share", kwargs={"token": tampered})).status_code == 404
    # A token is bound to its link's key: knowing another post's id does not help.
    forged = signing.Signer(salt="editorial.preview-link").sign(str(other.pk))
    assert client.get(reverse("editorial:post-share", kwargs={"token": forged})).status_code == 404
    # And a share link opens nothing else: not the admin, not other previews.
    assert client.get(preview_url(other)).status_code == 302


def test_editors_create_and_revoke_share_links_in_the_admin(client):
    editor = UserFactory(username="eve", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    post = PostFactory()
    response = client.post(reverse("admin:editorial_post_share", args=[post.pk]), follow=True)
    link = PreviewLink.objects.get()
    assert link.get_absolute_url() in response.content.decode()
    assert link.created_by == editor and link.is_active
    client.post(reverse("admin:editorial_post_revoke", args=[post.pk, link.pk]))
    link.refresh_from_db()
    assert not link.is_active
    client.logout()
    assert client.get(link.get_absolute_url()).status_code == 404


def test_authors_cannot_create_share_links(client):
    author = UserFactory(username="amy", is_staff=True)
    author.groups.add(Group.objects.get(name="Authors"))
    client.force_login(author)
    post = PostFactory(author=author)
    assert client.post(reverse("admin:editorial_post_share", args=[post.pk])).status_code == 403
    assert not PreviewLink.objects.exists()
