"""Every way an item changes, through the content service: what readers and editors then see.

Each entry point (admin save, delete, bulk action, workflow verb, import, upload, restore,
glossary and entity edits, re-render, a scheduled time) is driven as a user drives it, and
each effect is checked where a user would notice it: the public page (with the page cache
on), search, the glossary, the revision history, the status history, the static copy.
"""

import datetime

import pytest
import reversion
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from editorial import caching, content, importers, revisions, workflow
from editorial.models import Entity, GlossaryEntry, Job, Post, SlugRedirect, Status, StatusChange

from .factories import PostFactory, UserFactory, post_form_data

pytestmark = pytest.mark.django_db

NOTE = """---
title: 令牌的故事
date: '2025-03-01'
tags:
- 大模型
- 推理
people:
- Andrej Karpathy
companies_orgs:
- OpenAI
---
## 开场

**Andrej Karpathy:** 我们从**令牌**（Token: 模型读写文本的最小单位）讲起。

<details><summary>View/Hide Original English</summary><p class="english-text">We start with tokens.</p></details>
"""


@pytest.fixture
def editor(client):
    user = UserFactory(username="eve", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def imported(tmp_path, django_capture_on_commit_callbacks):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "tokens.md").write_text(NOTE, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        importers.import_files([tmp_path])
    return Post.objects.get(kind="note", slug="tokens")


def public_html(client, path):
    """The page as an anonymous reader gets it, through the page cache."""
    client.cookies.clear()
    response = client.get(path)
    return response.status_code, response.content.decode() if response.status_code == 200 else ""


# --- the import ------------------------------------------------------------------------


def test_an_import_records_its_status_change_and_a_revision_with_tags_and_mentions(imported):
    change = StatusChange.objects.get(post=imported)
    assert (change.transition, change.from_status, change.to_status) == ("import", "draft", "published")
    version = Version.objects.get_for_object(imported).get()
    snapshot = revisions.snapshot(version)
    assert snapshot["tags"] == "大模型, 推理"
    assert snapshot["mentions"].splitlines() == ["Andrej Karpathy", "OpenAI"]


def test_an_import_reaches_readers_on_commit(client, tmp_path, django_capture_on_commit_callbacks):
    assert public_html(client, "/zh/")[0] == 200  # cached: the home page without the note
    (tmp_path / "tokens.md").write_text(NOTE, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_markdown", str(tmp_path), verbosity=0)
    assert "令牌的故事" in public_html(client, "/zh/")[1]


# --- admin save, delete, bulk actions --------------------------------------------------


def test_an_admin_edit_renders_links_indexes_and_publishes(
    client, editor, imported, django_capture_on_commit_callbacks
):
    assert "模型读写文本" in public_html(client, "/zh/notes/tokens/")[1]  # now cached
    client.force_login(editor)
    body = imported.body_zh_hans.replace("我们从", "今天我们从").replace("最小单位", "基本单位")
    data = post_form_data(imported, body_zh_hans=body, tags="大模型, 推理")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:editorial_post_change", args=[imported.pk]), data)
    assert response.status_code == 302
    status, html = public_html(client, "/zh/notes/tokens/")
    assert "今天我们从" in html  # rendered, and the cached page is gone
    assert 'data-definition="模型读写文本的基本单位"' not in html or "基本单位" in html
    assert "今天我们从" in public_html(client, "/zh/search/?q=今天我们从")[1]
    assert "令牌的故事" in public_html(client, "/zh/glossary/")[1] or GlossaryEntry.objects.exists()
    latest = Version.objects.get_for_object(imported).first()
    assert revisions.snapshot(latest)["tags"] == "大模型, 推理"


def test_deleting_in_the_admin_takes_the_page_down_at_once(
    client, editor, imported, django_capture_on_commit_callbacks
):
    assert public_html(client, "/zh/notes/tokens/")[0] == 200  # cached
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:editorial_post_delete", args=[imported.pk]), {"post": "yes"})
    assert not Post.objects.exists()
    assert public_html(client, "/zh/notes/tokens/")[0] == 404
    assert "令牌的故事" not in public_html(client, "/zh/")[1]


def test_a_bulk_archive_takes_every_page_down_and_refreshes_the_static_copy_once(
    client, editor, tmp_path, django_capture_on_commit_callbacks, worker
):
    posts = [
        PostFactory(slug=f"p{i}", title_zh_hans=f"文章{i}", status=Status.PUBLISHED, published_at=timezone.now())
        for i in range(3)
    ]
    for post in posts:
        assert public_html(client, post.get_absolute_url())[0] == 200
    client.force_login(editor)
    with override_settings(EDITORIAL_STATIC_DIR=str(tmp_path / "site")):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:editorial_post_changelist"),
                {"action": "workflow_archive", "_selected_action": [p.pk for p in posts], "comment": ""},
            )
        assert response.status_code == 302
        assert [p.status for p in Post.objects.order_by("slug")] == [Status.ARCHIVED] * 3
        for post in posts:
            assert public_html(client, post.get_absolute_url())[0] == 404
        waiting = Job.objects.filter(kind="static")
        assert waiting.count() == 1  # not one refresh per post, and none inside the request
        assert sorted(slug for _kind, slug in waiting.get().params["items"]) == ["p0", "p1", "p2"]
        worker()
        assert Job.objects.get(kind="static").state == Job.State.DONE


# --- restore ---------------------------------------------------------------------------


def test_restoring_an_imported_posts_first_revision_brings_everything_back(
    client, editor, imported, django_capture_on_commit_callbacks
):
    original = {
        "html_zh": imported.body_html_zh_hans,
        "tags": imported.ordered_tag_names(),
        "mentions": [link.entity.name for link in imported.entity_links.order_by("position")],
        "glossary": sorted(imported.glossary_uses.values_list("entry__term", flat=True)),
    }
    first = Version.objects.get_for_object(imported).get()
    client.force_login(editor)
    edited = post_form_data(imported, body_zh_hans="全部删掉了。", tags="别的")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:editorial_post_change", args=[imported.pk]), edited)
    imported.refresh_from_db()
    assert imported.ordered_tag_names() == ["别的"] and not imported.glossary_uses.exists()

    with django_capture_on_commit_callbacks(execute=True):
        post = content.restore(first, by=editor)
    post = Post.objects.get(pk=post.pk)
    assert post.body_html_zh_hans == original["html_zh"]
    assert post.ordered_tag_names() == original["tags"]
    assert [link.entity.name for link in post.entity_links.order_by("position")] == original["mentions"]
    assert sorted(post.glossary_uses.values_list("entry__term", flat=True)) == original["glossary"]
    assert "我们从" in public_html(client, "/zh/notes/tokens/")[1]
    assert 'href="/zh/notes/tokens/"' not in public_html(client, "/zh/search/?q=全部删掉了")[1]
    assert 'href="/zh/notes/tokens/"' in public_html(client, "/zh/search/?q=我们从")[1]


def test_restoring_through_the_admins_revision_form_renders_the_html(client, editor, imported):
    first = Version.objects.get_for_object(imported).get()
    client.force_login(editor)
    client.post(
        reverse("admin:editorial_post_change", args=[imported.pk]), post_form_data(imported, body_zh_hans="新的。")
    )
    imported.refresh_from_db()
    url = reverse("admin:editorial_post_revision", args=[imported.pk, first.pk])
    data = post_form_data(
        imported, body_zh_hans=first.field_dict["body_zh_hans"], tags="大模型, 推理", loaded_version=""
    )
    assert client.post(url, data).status_code == 302
    imported.refresh_from_db()
    assert "我们从" in imported.body_html_zh_hans and "We start with tokens." in imported.body_html_zh_hans


def test_compare_shows_only_what_really_changed(client, editor, imported):
    client.force_login(editor)
    client.post(reverse("admin:editorial_post_change", args=[imported.pk]),
                post_form_data(imported, summary_zh_hans="新摘要", tags="大模型, 推理"))  # fmt: skip
    newer, older = Version.objects.get_for_object(imported)[:2]
    diffs = {diff.name: diff for diff in revisions.diff_versions(older, newer)}
    assert set(diffs) == {"summary_zh_hans"}
    html = client.get(reverse("admin:editorial_post_compare", args=[imported.pk]), {"a": older.pk, "b": newer.pk})
    text = html.content.decode()
    assert "#None" not in text and "+ None" not in text


# --- slugs -----------------------------------------------------------------------------


def test_a_public_items_old_address_redirects_in_every_language_and_from_old_links(
    client, editor, imported, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    for new in ("tokens-story", "the-token-story"):  # renamed twice: the first address follows
        imported.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("admin:editorial_post_change", args=[imported.pk]),
                        post_form_data(imported, slug=new, tags="大模型, 推理"))  # fmt: skip
    client.logout()
    for old in ("/zh/notes/tokens/", "/en/notes/tokens/", "/zh/notes/tokens-story/"):
        response = client.get(old)
        assert response.status_code == 301 and response["Location"].endswith("/notes/the-token-story/")
    assert client.get("/zh/notes/tokens/source.md")["Location"] == "/zh/notes/the-token-story/source.md"
    legacy = client.get("/content/notes/tokens/")
    assert legacy.status_code == 301 and legacy["Location"] == "/zh/notes/the-token-story/"
    # Taking an old address back for the item itself ends its redirect.
    client.force_login(editor)
    imported.refresh_from_db()
    client.post(reverse("admin:editorial_post_change", args=[imported.pk]),
                post_form_data(imported, slug="tokens", tags="大模型, 推理"))  # fmt: skip
    assert not SlugRedirect.objects.filter(slug="tokens").exists()
    assert client.get("/zh/notes/tokens/").status_code == 200


def test_a_drafts_slug_change_leaves_no_redirect(client, editor):
    draft = PostFactory(slug="first-idea", status=Status.DRAFT)
    client.force_login(editor)
    client.post(reverse("admin:editorial_post_change", args=[draft.pk]), post_form_data(draft, slug="better-idea"))
    assert Post.objects.get(pk=draft.pk).slug == "better-idea"
    assert not SlugRedirect.objects.exists()


# --- scheduled publication -------------------------------------------------------------


def test_a_scheduled_post_appears_on_its_own_at_its_time(client, tmp_path, django_capture_on_commit_callbacks, worker):
    editor = UserFactory(username="ed", is_superuser=True, is_staff=True)
    post = PostFactory(slug="later", title_zh_hans="定时文章", status=Status.REVIEW, published_at=None)
    when = timezone.now() + datetime.timedelta(hours=1)
    with override_settings(EDITORIAL_STATIC_DIR=str(tmp_path)):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.publish(post, by=editor, at=when)
        job = Job.objects.get(kind="publish_due")
        assert job.run_after == when and job.params == {"post": post.pk}
        assert "定时文章" not in public_html(client, "/zh/")[1]  # cached now, without it
        worker()
        assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED  # its time has not come
        # The time comes.
        earlier = timezone.now() - datetime.timedelta(seconds=1)
        Post.objects.filter(pk=post.pk).update(published_at=earlier)
        Job.objects.filter(pk=job.pk).update(run_after=earlier)
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.update(run_after=earlier)
        with django_capture_on_commit_callbacks(execute=True):
            worker()
        assert Job.objects.get(pk=job.pk).state == Job.State.DONE
        assert "定时文章" in public_html(client, "/zh/")[1]
        worker()  # the static refresh the publication queued
        assert "定时文章" in (tmp_path / "zh" / "posts" / "later" / "index.html").read_text()
        assert "later" in (tmp_path / "zh" / "feed" / "index.html").read_text()


# --- glossary, entities, re-rendering ---------------------------------------------------


def test_a_changed_definition_reaches_every_post_using_it(
    client, editor, imported, django_capture_on_commit_callbacks, worker
):
    entry = GlossaryEntry.objects.get(uses__post=imported)
    assert "模型读写文本的最小单位" in Post.objects.get(pk=imported.pk).body_html_zh_hans
    client.force_login(editor)
    data = {
        "term": entry.term, "english": entry.english, "abbreviation": entry.abbreviation,
        "definition_zh_hans": "编辑写的定义", "definition_en": "", "definition_source": "editor",
        "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0",
        "variants-TOTAL_FORMS": "0", "variants-INITIAL_FORMS": "0",
        "uses-TOTAL_FORMS": "0", "uses-INITIAL_FORMS": "0",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:editorial_glossaryentry_change", args=[entry.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    worker()
    job = Job.objects.get(kind="glossary")
    assert job.state == Job.State.DONE and job.done == 1
    assert 'data-definition="编辑写的定义"' in Post.objects.get(pk=imported.pk).body_html_zh_hans
    assert 'data-definition="编辑写的定义"' in public_html(client, "/zh/notes/tokens/")[1]


def test_renaming_a_person_shows_on_the_posts_naming_them(client, editor, imported, django_capture_on_commit_callbacks):
    assert "Andrej Karpathy" in public_html(client, "/zh/notes/tokens/")[1]
    person = Entity.objects.get(name="Andrej Karpathy")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:editorial_entity_change", args=[person.pk]),
                    {"kind": person.kind, "name": "Andrej Karpathy（卡帕西）"})  # fmt: skip
    assert "卡帕西" in public_html(client, "/zh/notes/tokens/")[1]


def test_rerender_posts_reaches_readers(client, imported, django_capture_on_commit_callbacks):
    generation = caching.generation()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rerender_posts", verbosity=0)
    assert caching.generation() != generation


# --- transactions ----------------------------------------------------------------------


def test_a_rolled_back_change_publishes_nothing(django_capture_on_commit_callbacks):
    post = PostFactory(status=Status.PUBLISHED, published_at=timezone.now())
    generation = caching.generation()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), reversion.create_revision():
        from django.db import transaction

        with transaction.atomic():
            content.changed({(post.kind, post.slug)})
            raise RuntimeError("the save failed")
    assert caching.generation() == generation
    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        with transaction.atomic():
            content.changed({(post.kind, post.slug)})
    assert caching.generation() != generation


def test_a_save_that_fails_on_the_server_keeps_every_typed_character(client, editor, imported, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the glossary scan fell over")

    monkeypatch.setattr(content, "saved", broken)
    client.force_login(editor)
    typed = "我花了一个小时写的新段落。\n\n" + imported.body_zh_hans
    response = client.post(
        reverse("admin:editorial_post_change", args=[imported.pk]),
        post_form_data(imported, body_zh_hans=typed, title_zh_hans="新标题", tags="大模型, 推理"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "我花了一个小时写的新段落。" in html and "新标题" in html
    assert "could not be saved" in html or "文章没有保存" in html
    imported.refresh_from_db()
    assert imported.title_zh_hans == "令牌的故事" and "一个小时" not in imported.body_zh_hans


def test_renaming_a_tag_shows_on_its_posts(client, editor, imported, django_capture_on_commit_callbacks):
    from taggit.models import Tag

    assert "推理" in public_html(client, "/zh/notes/tokens/")[1]
    tag = Tag.objects.get(name="推理")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:taggit_tag_change", args=[tag.pk]), {"name": "模型推理"})
    assert "模型推理" in public_html(client, "/zh/notes/tokens/")[1]


# --- the static copy, from every entry point ---------------------------------------------


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
def test_the_static_copy_follows_every_kind_of_change(
    client, editor, tmp_path, django_capture_on_commit_callbacks, worker
):
    from editorial import static_site

    site = tmp_path / "site"
    source = tmp_path / "content" / "notes"
    source.mkdir(parents=True)
    page = site / "zh" / "notes" / "tokens" / "index.html"
    with override_settings(EDITORIAL_STATIC_DIR=str(site)):
        static_site.build(site, workers=1)
        (source / "tokens.md").write_text(NOTE, encoding="utf-8")
        with django_capture_on_commit_callbacks(execute=True):
            call_command("import_markdown", str(source.parent), verbosity=0)  # an import
        worker()
        assert "令牌的故事" in page.read_text() and "令牌的故事" in (site / "zh" / "index.html").read_text()
        post = Post.objects.get(slug="tokens")
        first = Version.objects.get_for_object(post).get()
        client.force_login(editor)
        with django_capture_on_commit_callbacks(execute=True):  # an edit in the admin
            client.post(reverse("admin:editorial_post_change", args=[post.pk]),
                        post_form_data(post, title_zh_hans="改过的标题", tags="大模型, 推理"))  # fmt: skip
        worker()
        assert "改过的标题" in page.read_text()
        with django_capture_on_commit_callbacks(execute=True):  # a revision restored
            content.restore(first, by=editor)
        worker()
        assert "令牌的故事" in page.read_text() and "改过的标题" not in page.read_text()
        post.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):  # a new address
            client.post(reverse("admin:editorial_post_change", args=[post.pk]),
                        post_form_data(post, slug="token-story", tags="大模型, 推理"))  # fmt: skip
        worker()
        moved = site / "zh" / "notes" / "token-story" / "index.html"
        assert "令牌的故事" in moved.read_text()
        assert "url=/zh/notes/token-story/" in page.read_text()  # the old address sends readers on
        post.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):  # deleted
            client.post(reverse("admin:editorial_post_delete", args=[post.pk]), {"post": "yes"})
        worker()
        assert not moved.exists()
        assert "令牌的故事" not in (site / "zh" / "index.html").read_text()
        assert all(job.state == Job.State.DONE for job in Job.objects.all())
