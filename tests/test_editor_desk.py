"""The editor's desk behind the post form (editorial/admin_desk.py): passages, live preview and
autosave as the server answers them. The browser side is tests/test_editor_desk_browser.py."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from editorial import content
from editorial.models import Autosave, Post

from .factories import PostFactory, UserFactory, member, post_form_data

pytestmark = pytest.mark.django_db

BODY = '**主持人:** 欢迎。\n<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">Welcome.</p>\n</details>\n'


@pytest.fixture
def post():
    post = PostFactory(title_zh_hans="节目纪要", body_zh_hans=BODY)
    content.saved(post)
    return Post.objects.get(pk=post.pk)


def desk_data(response):
    html = response.content.decode()
    return json.loads(re.search(r'<script id="desk-data" type="application/json">(.*?)</script>', html).group(1))


def test_the_form_carries_the_body_as_passages_and_the_desks_addresses(client, editor, post):
    response = client.get(reverse("admin:editorial_post_change", args=[post.pk]))
    html = response.content.decode()
    split = json.loads(
        re.search(r'<script id="id_body_zh_hans-passages" type="application/json">(.*?)</script>', html).group(1)
    )
    assert split["passages"][0]["label"] == "**主持人:** "
    assert split["passages"][0]["original"]["text"] == "Welcome."
    desk = desk_data(response)
    assert desk["preview"] == reverse("admin:editorial_post_live_preview", args=[post.pk])
    assert desk["kept"] is None
    assert desk["labels"]["preview"] == "实时预览"
    assert 'id="id_body_zh_hans"' in html  # the Markdown itself is still the form's field


def test_markdown_typed_in_its_tab_is_cut_into_passages(client, editor):
    url = reverse("admin:editorial_post_passages")
    assert client.get(url).status_code == 405
    answer = client.post(url, {"body": "第一段。\r\n\r\n第二段。\r\n"}).json()
    assert [p["text"] for p in answer["passages"]] == ["第一段。", "第二段。"]
    client.logout()
    assert client.post(url, {"body": "x"}).status_code == 302  # to the login page


def test_the_live_preview_renders_the_typed_text_in_the_readers_page_and_saves_nothing(client, editor, post):
    data = post_form_data(post, title_zh_hans="还没保存的标题", body_zh_hans=BODY.replace("欢迎。", "欢迎各位。"))
    data.update(preview_language="zh-hans", preview_mode="both")
    response = client.post(reverse("admin:editorial_post_live_preview", args=[post.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "还没保存的标题" in html and "欢迎各位。" in html
    assert 'class="post-body mode-both"' in html
    assert '<details class="original" open' in html  # side by side: the originals open
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # framed by the desk's panel …
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]  # … and only by our pages
    assert "noindex" in response["X-Robots-Tag"]
    stored = Post.objects.get(pk=post.pk)
    assert stored.title_zh_hans == "节目纪要" and stored.version == post.version

    english = client.post(
        reverse("admin:editorial_post_live_preview", args=[post.pk]), {**data, "preview_language": "en"}
    )
    assert '<article class="post" lang="en"' in english.content.decode()


def test_a_new_post_is_previewed_before_it_exists(client, editor):
    response = client.post(
        reverse("admin:editorial_post_live_preview"),
        {"kind": "note", "title_zh_hans": "新文章", "body_zh_hans": "## 小节\n\n正文。", "tags": "AI, 芯片"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "新文章" in html and "正文。" in html and "芯片" in html
    assert not Post.objects.exists()


def test_an_author_cannot_preview_or_autosave_someone_elses_draft(client, post):
    post.author = UserFactory(username="bob")
    post.save()
    member("Authors", "amy", client)
    assert (
        client.post(reverse("admin:editorial_post_autosave", args=[post.pk]), {"title_zh_hans": "x"}).status_code == 403
    )
    assert client.post(reverse("admin:editorial_post_live_preview", args=[post.pk]), {}).status_code in (403, 404)
    assert not Autosave.objects.exists()


def test_autosave_keeps_the_typed_fields_per_editor_and_a_save_forgets_them(client, editor, post):
    url = reverse("admin:editorial_post_autosave", args=[post.pk])
    data = post_form_data(post, title_zh_hans="打到一半")
    answer = client.post(url, data).json()
    assert "自动保存" in answer["message"]
    kept = Autosave.objects.get(user=editor, post=post)
    assert kept.fields["title_zh_hans"] == ["打到一半"]
    assert kept.base_version == post.version
    assert "csrfmiddlewaretoken" not in kept.fields and "loaded_version" not in kept.fields
    assert Post.objects.get(pk=post.pk).title_zh_hans == "节目纪要"  # not a save, not a publish

    # Another editor's form on the same post keeps its own.
    other = UserFactory(username="ed", is_staff=True)
    other.groups.add(Group.objects.get(name="Editors"))
    client.force_login(other)
    client.post(url, post_form_data(post, title_zh_hans="另一个人"))
    assert Autosave.objects.filter(post=post).count() == 2
    assert desk_data(client.get(reverse("admin:editorial_post_change", args=[post.pk])))["kept"]["fields"][
        "title_zh_hans"
    ] == ["另一个人"]

    client.force_login(editor)
    desk = desk_data(client.get(reverse("admin:editorial_post_change", args=[post.pk])))
    assert desk["kept"]["fields"]["title_zh_hans"] == ["打到一半"] and desk["kept"]["stale"] is False
    response = client.post(reverse("admin:editorial_post_change", args=[post.pk]), data)
    assert response.status_code == 302
    assert not Autosave.objects.filter(user=editor).exists()
    assert Autosave.objects.filter(user=other).exists()


def test_an_autosave_typed_on_an_older_version_is_offered_as_stale(client, editor, post):
    client.post(reverse("admin:editorial_post_autosave", args=[post.pk]), post_form_data(post, title_zh_hans="旧"))
    newer = Post.objects.get(pk=post.pk)
    newer.title_zh_hans = "别人的新标题"
    newer.save()
    desk = desk_data(client.get(reverse("admin:editorial_post_change", args=[post.pk])))
    assert desk["kept"]["stale"] is True
    assert desk["kept"]["base_version"] == post.version


def test_discarding_an_autosave(client, editor, post):
    url = reverse("admin:editorial_post_autosave", args=[post.pk])
    client.post(url, post_form_data(post, title_zh_hans="不要了"))
    assert client.post(url, {"discard": "1"}).json() == {"discarded": True}
    assert not Autosave.objects.exists()


def test_a_new_posts_autosave_is_forgotten_once_it_is_saved(client, editor):
    client.post(reverse("admin:editorial_post_autosave"), {"title_zh_hans": "草稿中", "kind": "note"})
    assert Autosave.objects.filter(post=None).exists()
    assert desk_data(client.get(reverse("admin:editorial_post_add")))["kept"]["fields"]["title_zh_hans"] == ["草稿中"]


def test_autosave_tells_the_editor_at_once_when_someone_else_saved_the_post(client, editor, post):
    url = reverse("admin:editorial_post_autosave", args=[post.pk])
    assert "conflict" not in client.post(url, post_form_data(post, title_zh_hans="我的修改")).json()
    other = UserFactory(username="olga", is_staff=True, is_superuser=True)
    client.force_login(other)
    client.post(reverse("admin:editorial_post_change", args=[post.pk]), post_form_data(post, title_zh_hans="她的修改"))
    assert Post.objects.get(pk=post.pk).title_zh_hans == "她的修改"
    client.force_login(editor)
    answer = client.post(url, post_form_data(post, title_zh_hans="我的修改，接着打")).json()  # the form's old version
    assert answer["conflict"].startswith("olga 在") and "保存会被拒绝" in answer["conflict"]
