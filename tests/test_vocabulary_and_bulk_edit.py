"""#15 point 5: areas and categories from a vocabulary kept as data, and bulk edits of a
selection (one job, one revision per changed item)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from editorial import content, revisions
from editorial.models import Job, Post, VocabularyTerm

from .factories import PostFactory, UserFactory, post_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocabulary():
    VocabularyTerm.objects.create(field="area", value="tech-engineering", label="科技与工程", position=1)
    VocabularyTerm.objects.create(field="area", value="geopolitics", label="地缘政治", position=2)
    VocabularyTerm.objects.create(field="area", value="old-area", label="旧领域", retired=True)
    VocabularyTerm.objects.create(field="category", value="ai-ml", label="人工智能")


def test_the_post_form_offers_the_vocabulary_and_keeps_a_value_it_lacks(client, editor, vocabulary):
    post = PostFactory(area='society-thinking" # Must select ONE from the provided list')
    html = client.get(reverse("admin:editorial_post_change", args=[post.pk])).content.decode()
    select = re.search(r'<select name="area".*?</select>', html, re.DOTALL).group(0)
    assert "科技与工程 (tech-engineering)" in select and "地缘政治 (geopolitics)" in select
    assert "old-area" not in select  # retired: not offered
    assert "(不在词汇表中)" in select  # the item's own value stays, marked
    # Saving the form unchanged keeps the odd value; choosing a term from the vocabulary works.
    assert (
        client.post(
            reverse("admin:editorial_post_change", args=[post.pk]), post_form_data(post, area=post.area)
        ).status_code
        == 302
    )
    assert Post.objects.get(pk=post.pk).area == post.area
    post.refresh_from_db()
    client.post(reverse("admin:editorial_post_change", args=[post.pk]), post_form_data(post, area="geopolitics"))
    assert Post.objects.get(pk=post.pk).area == "geopolitics"


def test_a_value_outside_the_vocabulary_is_refused_with_the_text_kept(client, editor, vocabulary):
    post = PostFactory(area="geopolitics")
    response = client.post(
        reverse("admin:editorial_post_change", args=[post.pk]),
        post_form_data(post, area="made-up", title_zh_hans="新标题"),
    )
    assert response.status_code == 200
    assert "不在词汇表中" in response.content.decode()
    assert "新标题" in response.content.decode()
    assert Post.objects.get(pk=post.pk).area == "geopolitics"


def test_without_a_vocabulary_the_fields_stay_free_text(client, editor):
    post = PostFactory(area="anything")
    html = client.get(reverse("admin:editorial_post_change", args=[post.pk])).content.decode()
    assert re.search(r'<input type="text" name="area" value="anything"', html)


def test_the_vocabulary_lists_how_many_items_use_each_term_and_audits_the_values_it_lacks(client, editor, vocabulary):
    PostFactory.create_batch(3, area="tech-engineering")
    PostFactory.create_batch(2, area="tech-trends")
    PostFactory(area="“geopolitics”")
    html = client.get(reverse("admin:editorial_vocabularyterm_changelist")).content.decode()
    assert re.search(r"tech-engineering.*?>3</a>", html, re.DOTALL)
    audit = html.split('class="module vocabulary-audit"')[1].split("</section>")[0]
    assert "<code>tech-trends</code>" in audit and "<code>“geopolitics”</code>" in audit
    assert "?area__exact=tech-trends" in audit  # to fix them on their items
    client.post(reverse("admin:editorial_vocabularyterm_adopt"), {"field": "area", "value": ["tech-trends"]})
    assert VocabularyTerm.objects.filter(field="area", value="tech-trends").exists()
    assert not VocabularyTerm.objects.filter(value="“geopolitics”").exists()


def test_bulk_edit_of_a_filtered_selection_is_one_job_with_a_revision_per_changed_item(
    client, editor, vocabulary, worker, django_capture_on_commit_callbacks
):
    odd = [PostFactory(area="“geopolitics”") for _ in range(3)]
    already = PostFactory(area="geopolitics")
    already.tags.add("中东")
    other = PostFactory(area="tech-engineering")
    for post in (*odd, already, other):
        content.saved(post)
    changelist = reverse("admin:editorial_post_changelist")
    # "Select all" of a filtered list: the action gets the filter's whole queryset.
    form = client.post(
        changelist + "?area__exact=" + "“geopolitics”",
        {"action": "edit_fields", "select_across": "1", "index": "0", "_selected_action": [odd[0].pk]},
    )
    assert form.status_code == 200 and "3 篇文章将被修改" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
        changelist + "?area__exact=" + "“geopolitics”",
        {
            "action": "edit_fields", "select_across": "1", "index": "0", "_selected_action": [odd[0].pk],
            "apply": "1", "area": "geopolitics", "category": "__unchanged__", "add_tags": "中东, 能源", "remove_tags": "",
        },
    )  # fmt: skip
    job = Job.objects.get(kind="bulk_edit")
    assert response.status_code == 302 and response["Location"] == reverse("admin:editorial_job_change", args=[job.pk])
    worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    assert "3" in job.summary
    for post in odd:
        post = Post.objects.get(pk=post.pk)
        assert post.area == "geopolitics"
        assert post.ordered_tag_names() == ["中东", "能源"]
        latest = revisions.versions_of(post).first()
        assert latest.revision.get_comment().startswith("批量修改") or latest.revision.get_comment().startswith(
            "Bulk edit"
        )
        assert latest.revision.user == editor
    assert Post.objects.get(pk=other.pk).area == "tech-engineering"


def test_bulk_edit_leaves_items_already_so_alone_and_removes_tags_in_any_case(editor, vocabulary):
    same = PostFactory(area="geopolitics")
    tagged = PostFactory(area="geopolitics")
    tagged.tags.add("AI", "芯片")
    for post in (same, tagged):
        content.saved(post)
    versions_before = revisions.versions_of(same).count()
    summary, details = content.bulk_edit(
        [same.pk, tagged.pk], {"area": "geopolitics", "remove_tags": ["ai"]}, by=editor
    )
    assert details == {"posts": 1}
    assert revisions.versions_of(same).count() == versions_before
    assert Post.objects.get(pk=tagged.pk).ordered_tag_names() == ["芯片"]


def test_an_author_may_bulk_edit_only_their_own_drafts(client, vocabulary, worker, django_capture_on_commit_callbacks):
    author = UserFactory(username="amy", is_staff=True)
    author.groups.add(Group.objects.get(name="Authors"))
    client.force_login(author)
    own, theirs = PostFactory(author=author, area="tech-engineering"), PostFactory(area="tech-engineering")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
        reverse("admin:editorial_post_changelist"),
        {"action": "edit_fields", "index": "0", "_selected_action": [own.pk, theirs.pk], "apply": "1",
         "area": "geopolitics", "category": "__unchanged__"},
    )  # fmt: skip
    assert response.status_code == 302
    worker()
    assert Post.objects.get(pk=own.pk).area == "geopolitics"
    assert Post.objects.get(pk=theirs.pk).area == "tech-engineering"


def test_asking_for_no_change_says_so(client, editor, vocabulary):
    post = PostFactory()
    response = client.post(
        reverse("admin:editorial_post_changelist"),
        {"action": "edit_fields", "index": "0", "_selected_action": [post.pk], "apply": "1",
         "area": "__unchanged__", "category": "__unchanged__"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Job.objects.exists()
