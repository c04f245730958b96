"""Editors upload .md files or a .zip in the admin and get the per-file report."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from editorial.models import Post, Status

pytestmark = pytest.mark.django_db

GOOD = "---\ntitle: 标题\ndate: '2025-01-02'\nstatus: evergreen\ntags:\n- a\n---\n正文。\n"


def md(name, text=GOOD):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/markdown")


def zipped(members, name="notes.zip"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


@pytest.fixture
def upload(django_capture_on_commit_callbacks, worker):
    """Send files as an editor does; the worker imports them; returns the job's page."""

    def send(client, *files, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("admin:editorial_post_import"), {"files": list(files), **fields})
        assert response.status_code == 302, response.content.decode()[:300]  # at once, to the job's page
        worker()
        return client.get(response["Location"])

    return send


def test_upload_page_is_linked_from_the_changelist(admin_client):
    html = admin_client.get(reverse("admin:editorial_post_changelist")).content.decode()
    assert reverse("admin:editorial_post_import") in html
    assert admin_client.get(reverse("admin:editorial_post_import")).status_code == 200


def test_upload_markdown_files_and_see_the_report(admin_client, upload):
    response = upload(admin_client, md("-abc.md"), md("bad.md", "---\ntitle: [\n---\n"))
    html = response.content.decode()
    assert "2 files: 1 created, 0 updated, 0 unchanged, 0 conflict, 1 failed" in html
    assert "front matter is not valid YAML" in html and "第 3 行" in html  # the admin speaks Chinese
    post = Post.objects.get(slug="-abc")
    assert post.status == Status.EVERGREEN


def test_upload_a_zip_of_markdown_files(admin_client, upload):
    archive = zipped(
        {"notes/a.md": GOOD, "notes/sub/b.md": GOOD, "../../evil.md": GOOD, "readme.txt": "x", "__MACOSX/._a.md": "x"}
    )
    html = upload(admin_client, archive).content.decode()
    assert "5 files: 3 created, 0 updated, 0 unchanged, 0 conflict, 0 failed, 2 skipped" in html
    assert sorted(Post.objects.values_list("slug", flat=True)) == ["a", "b", "evil"]
    # every member not imported has its line in the report (#18 point 13)
    assert re.search(r"notes.zip:readme.txt</td>\s*<td>skipped</td>\s*<td>\s*(not a .md file; skipped|[^<]*跳过)", html)
    assert "notes.zip:__MACOSX/._a.md" in html


def test_a_zip_holding_one_name_twice_imports_the_first_and_reports_the_second(admin_client, upload):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes/same.md", GOOD)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("notes/same.md", GOOD.replace("标题", "第二个"))
        archive.writestr("notes/deeper/same.md", GOOD.replace("标题", "第三个"))
        archive.writestr("notes/bad.md", "---\ntitle: t\ndate: 2025-02-29\n---\nbody")
    html = upload(admin_client, SimpleUploadedFile("site.zip", buffer.getvalue())).content.decode()
    assert "4 files: 1 created, 0 updated, 0 unchanged, 0 conflict, 3 failed" in html
    assert html.count("another file in this import has the same address") == 2
    assert "is not a real date" in html
    assert Post.objects.get(slug="same").title_zh_hans == "标题"


def test_a_bad_zip_is_reported(admin_client, upload):
    html = upload(admin_client, SimpleUploadedFile("x.zip", b"not a zip")).content.decode()
    assert "not a readable .zip archive" in html


@override_settings(EDITORIAL_IMPORT_MAX_BYTES=100)
def test_oversized_files_are_refused(admin_client, upload):
    html = upload(admin_client, md("big.md", GOOD + "x" * 200), zipped({"big2.md": GOOD + "x" * 200})).content.decode()
    assert html.count("more than the 0.0 MB limit") == 2
    assert not Post.objects.exists()


def test_dry_run_and_hold(admin_client, upload):
    upload(admin_client, md("a.md"), dry_run="on")
    assert not Post.objects.exists()
    upload(admin_client, md("a.md"), hold="review")
    assert Post.objects.get(slug="a").status == Status.REVIEW


def test_someone_who_may_not_publish_imports_drafts_only(client, django_user_model, upload):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("writer", password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_post", "change_post", "view_post"]))
    client.force_login(user)
    upload(client, md("a.md"))
    assert Post.objects.get(slug="a").status == Status.DRAFT


def test_an_author_cannot_change_a_published_post_or_someone_elses_draft_by_uploading(
    client, django_user_model, upload
):
    from django.contrib.auth.models import Group

    from editorial import importers

    importers.import_bytes("live.md", GOOD.encode())  # published by an editor's import
    importers.import_bytes("theirs.md", GOOD.encode(), hold=Status.DRAFT)
    author = django_user_model.objects.create_user("writer", password="pw", is_staff=True)
    author.groups.add(Group.objects.get(name="Authors"))
    client.force_login(author)
    changed = GOOD.replace("正文。", "改过的正文。")
    response = upload(client, md("live.md", changed), md("theirs.md", changed), md("mine.md"), overwrite="on")
    html = response.content.decode()
    assert "live" in html and "you may not change it" in html
    assert Post.objects.get(slug="live").body_zh_hans == "正文。\n"
    assert Post.objects.get(slug="theirs").body_zh_hans == "正文。\n"
    mine = Post.objects.get(slug="mine")
    assert (mine.status, mine.author) == (Status.DRAFT, author)
    # Their own draft they may update by uploading it again.
    upload(client, md("mine.md", changed))
    assert Post.objects.get(slug="mine").body_zh_hans == "改过的正文。\n"


def test_a_zip_of_the_content_repository_keeps_each_kind_apart(admin_client, upload):
    archive = zipped(
        {"site/notes/same.md": GOOD, "site/posts/same.md": GOOD.replace("标题", "文章标题"), "loose.md": GOOD}
    )
    html = upload(admin_client, archive).content.decode()
    assert "3 files: 3 created" in html
    assert dict(Post.objects.values_list("kind", "title_zh_hans").filter(slug="same")) == {
        "note": "标题",
        "post": "文章标题",
    }
    assert Post.objects.get(slug="loose").kind == "note"
