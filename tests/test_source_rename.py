"""Renaming a source (#15): a preview of every item's change, then one job, one revision each."""

import pytest
from django.urls import reverse
from reversion.models import Version

from editorial.models import Post, Status
from editorial.sources import renamed

from .factories import PostFactory

pytestmark = pytest.mark.django_db

URL = "/admin/editorial/post/rename-source/"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("speaker", "guest", "expected"),
    [
        ("Lex Fridman", "", ("Lex Fridman Podcast", "")),
        ("lex fridman, Sam Altman", "", ("Lex Fridman Podcast, Sam Altman", "")),  # any case, in its place
        ("TED", "Lex Fridman", ("TED", "Lex Fridman Podcast")),
        ("Lex Fridman Podcast, Lex Fridman", "", ("Lex Fridman Podcast", "")),  # once after the change
        ("Lex Fridmanson", "", None),  # a whole name, not part of one
        ("", "", None),
    ],
)
def test_renamed_changes_whole_names_only(speaker, guest, expected):
    assert renamed(speaker, guest, "Lex Fridman", "Lex Fridman Podcast") == expected


def test_preview_then_rename_on_every_item(admin_client, django_capture_on_commit_callbacks, worker):
    host = PostFactory(published=True, slug="a", speaker="Lex Fridman")
    guest = PostFactory(slug="b", speaker="TED", guest="lex fridman, Sam Altman", status=Status.DRAFT)
    other = PostFactory(published=True, slug="c", speaker="Lex Fridmanson")
    assert "重命名来源" in admin_client.get(reverse("admin:editorial_post_changelist")).content.decode()

    preview = admin_client.get(URL, {"old": "Lex Fridman", "new": "Lex Fridman Podcast"})
    html = preview.content.decode()
    assert "2 个条目将会改动" in html
    assert "TED · Lex Fridman Podcast, Sam Altman" in html and "Lex Fridmanson" not in html
    assert Post.objects.get(pk=host.pk).speaker == "Lex Fridman"  # a preview changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(URL, {"old": "Lex Fridman", "new": "Lex Fridman Podcast"})
    assert response.status_code == 302 and "/admin/editorial/job/" in response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        (job, *_rest) = worker()
    assert job.state == "done", job.error
    assert job.summary == "“Lex Fridman”现在是“Lex Fridman Podcast”，共 2 个条目。"
    assert Post.objects.get(pk=host.pk).speaker == "Lex Fridman Podcast"
    assert (Post.objects.get(pk=guest.pk).guest, Post.objects.get(pk=guest.pk).status) == (
        "Lex Fridman Podcast, Sam Altman",
        Status.DRAFT,
    )
    assert Post.objects.get(pk=other.pk).speaker == "Lex Fridmanson"
    (latest, *_older) = Version.objects.get_for_object(host)
    assert latest.revision.comment == "已重命名来源：Lex Fridman → Lex Fridman Podcast"
    assert admin_client.get("/zh/sources/").content.decode().count("Lex Fridman Podcast") >= 1


def test_bad_names_are_explained_and_nothing_starts(admin_client):
    PostFactory(slug="a", speaker="TED")
    assert "来源之间用逗号分隔" in admin_client.get(URL, {"old": "TED", "new": "TED, Talks"}).content.decode()
    assert "没有条目使用这个来源。" in admin_client.get(URL, {"old": "Nobody", "new": "Someone"}).content.decode()
    response = admin_client.post(URL, {"old": "Nobody", "new": "Someone"})
    assert response.status_code == 200  # no job for nothing


def test_only_editors_who_may_change_items_may_rename(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403
