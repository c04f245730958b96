"""The workflow: the full transition matrix per role, history, scheduling, side effects."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from editorial import caching, workflow
from editorial.models import Post, Status, StatusChange
from editorial.revisions import versions_of

from .factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Status
ALL_STATES = [S.DRAFT, S.REVIEW, S.PUBLISHED, S.EVERGREEN, S.ARCHIVED]
# Where each transition may start, and where it leads (None: back to the state before archiving).
TABLE = {
    "submit": ({S.DRAFT}, S.REVIEW),
    "request_changes": ({S.REVIEW}, S.DRAFT),
    "publish": ({S.REVIEW}, S.PUBLISHED),
    "mark_evergreen": ({S.PUBLISHED}, S.EVERGREEN),
    "archive": ({S.PUBLISHED, S.EVERGREEN}, S.ARCHIVED),
    "unarchive": ({S.ARCHIVED}, S.PUBLISHED),
    "unpublish": ({S.PUBLISHED}, S.DRAFT),
}
# What each role may do when the state allows it. Authors act on their own posts here.
ROLE_MAY = {
    "author": {"submit"},
    "editor": set(TABLE),
    "superuser": set(TABLE),
    "staff_without_role": set(),
}


def user_for(role):
    if role == "superuser":
        return UserFactory(username="root", is_staff=True, is_superuser=True)
    user = UserFactory(username=role, is_staff=True)
    if role in ("author", "editor"):
        user.groups.add(Group.objects.get(name={"author": "Authors", "editor": "Editors"}[role]))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def post_in(state, author=None):
    published_at = timezone.now() if state in (S.PUBLISHED, S.EVERGREEN, S.ARCHIVED) else None
    return PostFactory(status=state, published_at=published_at, author=author)


@pytest.mark.parametrize("role", list(ROLE_MAY))
@pytest.mark.parametrize("name", list(TABLE))
@pytest.mark.parametrize("state", ALL_STATES)
def test_transition_matrix(role, name, state):
    user = user_for(role)
    post = post_in(state, author=user)
    sources, target = TABLE[name]
    if state not in sources:
        expected_code = "illegal_transition"
    elif name not in ROLE_MAY[role]:
        expected_code = "permission_denied"
    else:
        expected_code = None
    comment = "请补充来源" if name == "request_changes" else ""
    if expected_code:
        with pytest.raises(ValidationError) as caught:
            workflow.apply(name, post, by=user, comment=comment)
        assert caught.value.code == expected_code
        assert Post.objects.get(pk=post.pk).status == state
        assert not StatusChange.objects.exists()
    else:
        change = workflow.apply(name, post, by=user, comment=comment)
        assert Post.objects.get(pk=post.pk).status == target == post.status
        assert (change.from_status, change.to_status, change.by, change.transition) == (state, target, user, name)


def test_an_author_may_not_submit_someone_elses_draft():
    author, other = user_for("author"), UserFactory(username="other")
    post = post_in(S.DRAFT, author=other)
    with pytest.raises(ValidationError) as caught:
        workflow.submit(post, by=author)
    assert caught.value.code == "permission_denied"
    assert workflow.available(author, post) == []


def test_requesting_changes_needs_a_comment():
    editor = user_for("editor")
    post = post_in(S.REVIEW)
    with pytest.raises(ValidationError) as caught:
        workflow.request_changes(post, by=editor, comment="   ")
    assert caught.value.code == "comment_required"
    workflow.request_changes(post, by=editor, comment="第二段缺少英文原文")
    assert StatusChange.objects.get().comment == "第二段缺少英文原文"


def test_unknown_transition():
    with pytest.raises(ValidationError) as caught:
        workflow.apply("delete_everything", post_in(S.DRAFT), by=user_for("editor"))
    assert caught.value.code == "unknown_transition"


def test_the_whole_path_records_who_when_and_why(django_capture_on_commit_callbacks):
    author, editor = user_for("author"), user_for("editor")
    post = post_in(S.DRAFT, author=author)
    generation = caching.generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.submit(post, by=author, comment="请审阅")
        workflow.request_changes(post, by=editor, comment="标题太长")
        workflow.submit(post, by=author)
        workflow.publish(post, by=editor)
        workflow.mark_evergreen(post, by=editor)
        assert caching.generation() == generation  # nothing reaches readers before the commit
    # One publication for what the transaction changed (here the test's, around all five).
    assert len(callbacks) == 1 and caching.generation() != generation
    history = list(post.status_changes.order_by("at", "pk").values_list("from_status", "to_status", "by__username"))
    assert history == [
        ("draft", "review", "author"),
        ("review", "draft", "editor"),
        ("draft", "review", "author"),
        ("review", "published", "editor"),
        ("published", "evergreen", "editor"),
    ]
    assert post.is_public and post.status == S.EVERGREEN
    # Each transition also keeps a revision, with who made it.
    assert versions_of(post).count() == 5
    assert versions_of(post).first().revision.user == editor


def test_a_transition_invalidates_cached_pages_after_commit(django_capture_on_commit_callbacks):
    before = caching.generation()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(post_in(S.DRAFT), by=user_for("editor"))
    assert caching.generation() != before


def test_publish_with_a_future_time_schedules_without_a_cron_job():
    editor = user_for("editor")
    post = post_in(S.REVIEW)
    when = timezone.now() + datetime.timedelta(hours=2)
    workflow.publish(post, by=editor, at=when)
    assert post.status == S.PUBLISHED and post.published_at == when
    assert not Post.objects.public().filter(pk=post.pk).exists()
    assert Post.objects.scheduled().filter(pk=post.pk).exists()
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Post.objects.public().filter(pk=post.pk).exists()


def test_unarchive_returns_to_the_state_before_archiving():
    editor = user_for("editor")
    post = post_in(S.EVERGREEN)
    workflow.archive(post, by=editor)
    assert not post.is_public
    workflow.unarchive(post, by=editor)
    assert post.status == S.EVERGREEN and post.is_public


def test_a_stale_object_cannot_make_an_illegal_transition():
    editor = user_for("editor")
    post = post_in(S.REVIEW)
    stale = Post.objects.get(pk=post.pk)
    workflow.publish(post, by=editor)
    with pytest.raises(ValidationError) as caught:
        workflow.publish(stale, by=editor)  # the row is locked and re-read: it is published now
    assert caught.value.code == "illegal_transition"


def test_groups_come_from_the_data_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Authors", "Editors"}
    editors = Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    authors = Group.objects.get(name="Authors").permissions.values_list("codename", flat=True)
    assert {"publish_post", "review_post", "submit_post"} <= set(editors)
    assert "submit_post" in authors and "publish_post" not in authors
