"""#15 point 6: review that works. The queue shows who submitted each item and when (imports
too), an excerpt, the reviewer and due date; an editor assigns reviewers in bulk or from the
post's page; a reviewer sees "assigned to me"; bulk publish and request changes."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
from editorial.models import Post, ReviewAssignment, Status

from .factories import PostFactory, UserFactory, member

pytestmark = pytest.mark.django_db
QUEUE = "admin:editorial_post_review_queue"


@pytest.fixture
def rita():
    return member("Editors", "rita")


def in_review(title, **kwargs):
    post = PostFactory(title_zh_hans=title, **kwargs)
    workflow.submit(post, by=post.author or UserFactory(username=f"a-{title}", is_superuser=True))
    return post


def row_of(html, title):
    return re.search(rf"<tr>(?:(?!</tr>).)*?>{title}</a>(.*?)</tr>", html, re.DOTALL).group(0)


def test_each_item_shows_an_excerpt_without_markup(client, editor):
    in_review("有摘要", summary_zh_hans="美联储**降息**的三条理由。")
    in_review(
        "无摘要",
        summary_zh_hans="",
        body_zh_hans="## 开场\n\n**主持人:** 欢迎。\n<details>\n<summary>View/Hide Original English</summary>\n"
        '<p class="english-text">Welcome.</p>\n</details>\n',
    )
    html = client.get(reverse(QUEUE)).content.decode()
    assert '<p class="excerpt" lang="zh-Hans">美联储 降息 的三条理由。</p>' in row_of(html, "有摘要")
    excerpt = re.search(r'<p class="excerpt"[^>]*>(.*?)</p>', row_of(html, "无摘要")).group(1)
    assert excerpt == "开场 主持人: 欢迎。"  # no marks, no original English


def test_an_editor_assigns_a_reviewer_with_a_due_date_and_the_reviewer_sees_it_as_theirs(client, editor, rita):
    first, second, third = in_review("甲"), in_review("乙"), in_review("丙")
    due = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        reverse(QUEUE),
        {"posts": [first.pk, second.pk], "action": "assign", "reviewer": rita.pk, "due": due.isoformat()},
    )
    assert response.status_code == 302
    assert set(ReviewAssignment.objects.values_list("post_id", "reviewer__username", "due")) == {
        (first.pk, "rita", due),
        (second.pk, "rita", due),
    }
    html = client.get(reverse(QUEUE)).content.decode()
    assert "rita" in row_of(html, "甲") and due.isoformat() in row_of(html, "甲")
    assert "rita" not in row_of(html, "丙")

    client.force_login(rita)
    mine = client.get(reverse(QUEUE), {"mine": "1"}).content.decode()
    assert "甲" in mine and "乙" in mine and ">丙</a>" not in mine
    assert "分配给我的 (2)" in mine
    index = client.get(reverse("admin:index")).content.decode()
    assert re.search(r"\?mine=1\">[^<]+</a></th><td>2</td>", index)
    assert third.pk  # unassigned, in the queue for everyone


def test_an_overdue_review_is_marked(client, editor, rita):
    post = in_review("逾期")
    workflow.assign([post], reviewer=rita, due=timezone.localdate() - datetime.timedelta(days=1), by=editor)
    assert 'class="overdue"' in row_of(client.get(reverse(QUEUE)).content.decode(), "逾期")


def test_bulk_publish_and_request_changes_from_the_queue(client, editor):
    first, second = in_review("发布甲"), in_review("发布乙")
    client.post(reverse(QUEUE), {"posts": [first.pk, second.pk], "action": "request_changes", "comment": ""})
    assert Post.objects.filter(status=Status.REVIEW).count() == 2  # a comment is required: nothing changed
    client.post(reverse(QUEUE), {"posts": [first.pk], "action": "request_changes", "comment": "请补充原文"})
    client.post(reverse(QUEUE), {"posts": [second.pk], "action": "publish"})
    assert Post.objects.get(pk=first.pk).status == Status.DRAFT
    assert Post.objects.get(pk=second.pk).status == Status.PUBLISHED


def test_an_author_is_offered_no_assignment_and_cannot_make_one(client, rita):
    post = in_review("作者看")
    author = member("Authors", "amy")
    client.force_login(author)
    html = client.get(reverse(QUEUE)).content.decode()
    assert 'value="assign"' not in html
    client.post(reverse(QUEUE), {"posts": [post.pk], "action": "assign", "reviewer": rita.pk})
    assert not ReviewAssignment.objects.exists()
    assert client.post(reverse("admin:editorial_post_assign", args=[post.pk]), {"reviewer": rita.pk}).status_code == 403


def test_only_someone_who_may_review_can_be_assigned(client, editor):
    post = in_review("谁来审")
    author = member("Authors", "amy")
    client.post(reverse(QUEUE), {"posts": [post.pk], "action": "assign", "reviewer": author.pk})
    assert not ReviewAssignment.objects.exists()
    client.post(reverse("admin:editorial_post_assign", args=[post.pk]), {"reviewer": author.pk})
    assert not ReviewAssignment.objects.exists()


def test_assigning_from_the_posts_page_and_taking_it_back(client, editor, rita):
    post = in_review("单篇")
    page = client.get(reverse("admin:editorial_post_change", args=[post.pk])).content.decode()
    assert f'action="/admin/editorial/post/{post.pk}/assign/"' in page
    client.post(reverse("admin:editorial_post_assign", args=[post.pk]), {"reviewer": rita.pk, "due": "2026-12-31"})
    assignment = ReviewAssignment.objects.get(post=post)
    assert (assignment.reviewer, assignment.due, assignment.assigned_by) == (rita, datetime.date(2026, 12, 31), editor)
    assert "rita" in client.get(reverse("admin:editorial_post_change", args=[post.pk])).content.decode()
    client.post(reverse("admin:editorial_post_assign", args=[post.pk]), {"reviewer": ""})
    assert not ReviewAssignment.objects.exists()


def test_the_queue_pages_its_items_and_its_queries_do_not_grow_with_them(client, editor, django_assert_max_num_queries):
    for n in range(5):
        in_review(f"少{n}")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse(QUEUE))
    for n in range(120):
        in_review(f"多{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse(QUEUE)).content.decode()
    assert html.count('name="posts"') == 100
    assert "?page=2" in html
