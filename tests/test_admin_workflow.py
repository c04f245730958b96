"""The workflow as editors use it in the admin: buttons, bulk actions, queue, history, stale saves."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
from editorial.models import Post, Status, StatusChange

from .factories import PostFactory, UserFactory, member, post_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client):
    return member("Authors", "amy", client)


def change_url(post):
    return reverse("admin:editorial_post_change", args=[post.pk])


def test_buttons_offer_what_the_role_may_do(client, author):
    own = PostFactory(author=author)
    html = client.get(change_url(own)).content.decode()
    assert 'value="submit"' in html and 'value="publish"' not in html
    client.post(reverse("admin:editorial_post_transition", args=[own.pk, "submit"]), {"comment": "好了"})
    own.refresh_from_db()
    assert own.status == Status.REVIEW
    # In review, the author can no longer edit it and has no button left.
    assert client.get(change_url(own)).content.decode().count('name="transition"') == 0
    response = client.post(change_url(own), post_form_data(own, title_zh_hans="改标题"))
    assert response.status_code == 403
    assert Post.objects.get(pk=own.pk).title_zh_hans != "改标题"


def test_an_author_cannot_edit_someone_elses_draft(client, author):
    theirs = PostFactory(author=UserFactory(username="bob"))
    response = client.post(change_url(theirs), post_form_data(theirs, title_zh_hans="偷改"))
    assert response.status_code == 403


def test_the_status_field_is_not_editable(client, editor):
    post = PostFactory()
    client.post(change_url(post), post_form_data(post, status=Status.PUBLISHED, published_at_0="2025-01-01"))
    assert Post.objects.get(pk=post.pk).status == Status.DRAFT


def test_editor_publishes_with_a_button_and_a_future_time(client, editor):
    post = PostFactory(in_review=True)
    when = (timezone.localtime() + datetime.timedelta(days=1)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("admin:editorial_post_transition", args=[post.pk, "publish"]),
        {"comment": "", "publish_at": when.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    assert "scheduled for" in response.content.decode() or "定时" in response.content.decode()
    post.refresh_from_db()
    assert (post.status, post.published_at) == (Status.PUBLISHED, when)
    assert not post.is_public


@pytest.mark.parametrize("typed", ["9999-12-31T23:59", "3026-01-01T00:00", "not a time"])
def test_an_impossible_publication_time_is_refused_and_the_post_stays_in_review(client, editor, typed):
    post = PostFactory(in_review=True)
    response = client.post(
        reverse("admin:editorial_post_transition", args=[post.pk, "publish"]),
        {"comment": "", "publish_at": typed},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "not a valid date and time" in text or "不是有效的日期和时间" in text or "无效" in text
    post.refresh_from_db()
    assert post.status == Status.REVIEW


def test_refused_transition_is_explained(client, editor):
    post = PostFactory(in_review=True)
    response = client.post(
        reverse("admin:editorial_post_transition", args=[post.pk, "request_changes"]), {"comment": ""}, follow=True
    )
    assert "comment is required" in response.content.decode() or "需要" in response.content.decode()
    assert Post.objects.get(pk=post.pk).status == Status.REVIEW


def test_bulk_publish_fifty_reviewed_posts(client, editor):
    posts = PostFactory.create_batch(50, in_review=True)
    draft = PostFactory()
    response = client.post(
        reverse("admin:editorial_post_changelist"),
        {
            "action": "workflow_publish",
            "_selected_action": [p.pk for p in posts] + [draft.pk],
            "comment": "批量发布",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Post.objects.filter(status=Status.PUBLISHED).count() == 50
    assert Post.objects.get(pk=draft.pk).status == Status.DRAFT
    assert StatusChange.objects.filter(comment="批量发布").count() == 50


def test_authors_have_no_bulk_publish(client, author):
    html = client.get(reverse("admin:editorial_post_changelist")).content.decode()
    assert 'value="workflow_submit"' in html
    assert 'value="workflow_publish"' not in html


def test_review_queue_oldest_first_with_submitter(client, editor):
    amy, bob = UserFactory(username="amy"), UserFactory(username="bob")
    newer, older = PostFactory(title_zh_hans="较新"), PostFactory(title_zh_hans="较早")
    amy.user_permissions.add(*workflow_perms())
    bob.user_permissions.add(*workflow_perms())
    workflow.submit(older, by=type(amy).objects.get(pk=amy.pk))
    StatusChange.objects.filter(post=older).update(at=timezone.now() - datetime.timedelta(days=2))
    workflow.submit(newer, by=type(bob).objects.get(pk=bob.pk))
    html = client.get(reverse("admin:editorial_post_review_queue")).content.decode()
    assert html.index("较早") < html.index("较新")
    assert "amy" in html and "bob" in html


def workflow_perms():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename__in=["submit_post", "review_post", "view_post"])


def test_my_drafts_and_index_counts(client, author):
    PostFactory.create_batch(2, author=author)
    PostFactory(author=UserFactory(username="other"))
    PostFactory(in_review=True)
    html = client.get(reverse("admin:editorial_post_changelist") + "?mine=1&status__exact=draft").content.decode()
    assert "2 个文章" in html or "2 posts" in html or html.count('class="action-select"') == 2
    index = client.get(reverse("admin:index")).content.decode()
    assert 'id="workflow-counts"' in index
    counts = index.split('id="workflow-counts"')[1].split("</table>")[0]
    assert [int(n) for n in re.findall(r"<td>(\d+)</td>", counts)] == [1, 0, 2, 3, 0]  # review, assigned to me, …


def test_every_save_keeps_a_revision_that_can_be_compared_and_restored(client, editor):
    post = PostFactory(title_zh_hans="第一版", body_zh_hans="第一段。\n\n第二段。")
    client.post(change_url(post), post_form_data(post, title_zh_hans="第二版"))
    post.refresh_from_db()
    client.post(change_url(post), post_form_data(post, body_zh_hans="第一段。\n\n改过的第二段。", title_en="Second"))
    history = client.get(reverse("admin:editorial_post_history", args=[post.pk])).content.decode()
    versions = list(__import__("reversion").models.Version.objects.get_for_object(post))
    assert len(versions) == 2 and 'name="a"' in history
    compare = client.get(
        reverse("admin:editorial_post_compare", args=[post.pk]), {"a": versions[1].pk, "b": versions[0].pk}
    ).content.decode()
    assert 'id="diff-body_zh_hans"' in compare and 'id="diff-title_en"' in compare
    assert "- 第二段。" in compare and "+ 改过的第二段。" in compare
    assert 'id="diff-title_zh_hans"' not in compare  # unchanged between these two
    # Restore the first revision through the revision form.
    revision_url = reverse("admin:editorial_post_revision", args=[post.pk, versions[1].pk])
    form = client.get(revision_url).content.decode()
    assert "第一段。\n\n第二段。" in form  # the form shows the old revision
    post.refresh_from_db()
    loaded = ""  # restoring deliberately replaces the current version
    response = client.post(
        revision_url,
        post_form_data(
            post, title_zh_hans="第二版", title_en="", body_zh_hans="第一段。\n\n第二段。", loaded_version=loaded
        ),
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.body_zh_hans, post.title_en) == ("第一段。\n\n第二段。", None)


def test_a_stale_form_is_refused_and_says_what_changed(client, editor):
    post = PostFactory(title_zh_hans="原标题")
    client.post(change_url(post), post_form_data(post))  # a first revision to compare against
    post.refresh_from_db()
    opened = post.version
    # Someone else saves in the meantime.
    client.post(change_url(post), post_form_data(post, title_zh_hans="别人改的标题"))
    response = client.post(change_url(post), post_form_data(post, loaded_version=opened, summary_zh_hans="我的新摘要"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this post" in html or "其他人" in html
    assert "标题" in html.split("errornote")[1] if "errornote" in html else True
    assert "我的新摘要" in html  # the editor's text is still in the form
    post.refresh_from_db()
    assert (post.title_zh_hans, post.summary_zh_hans) == ("别人改的标题", "一段摘要。")


def test_an_item_imported_for_review_says_when_and_by_what(client, editor, tmp_path):
    """#15: the review queue showed "—" for who submitted imported items and when."""
    from django.core.management import call_command

    (tmp_path / "held.md").write_text("---\ntitle: 待审的导入\n---\n正文\n", encoding="utf-8")
    call_command("import_markdown", str(tmp_path), "--hold", "review", stdout=io.StringIO())
    html = client.get(reverse("admin:editorial_post_review_queue")).content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*?>待审的导入</a>(.*?)</tr>", html, re.DOTALL).group(1)
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", row)  # when it was imported
    assert "an import (no account)" in row or "导入（无账号）" in row
