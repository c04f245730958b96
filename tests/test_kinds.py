"""Kinds of item, the file as the record, and staying in step with the content repository."""

import difflib
import hashlib
import io

import feedparser
import pytest
from django.core.management import call_command
from django.test import override_settings

from editorial import exporters, importers
from editorial.models import Post, StatusChange

pytestmark = pytest.mark.django_db

NOTE = """---
title: 同名的笔记
date: 2025-03-01
tags:
  - ai
speaker: Lex Fridman
layout: post.njk
---
**主持人:** 这是笔记。

<details>
<summary>View/Hide Original English</summary>
<p class="english-text">This is the note.</p>
</details>
"""
POST = """---
title: " 同名的文章 "
date: '2025-03-02'
tags: [ai]
layout: post.njk
---
这是文章。
"""
BOOK = """---
title: 当下的启蒙
author: 斯蒂芬·平克
publisher: Viking
rating: 5/5
year: '2018'
cover_image: https://books.example.org/cover.jpg
layout: book-note.njk
date: '2024-01-08'
tags:
- thinking
---
## 读后感

一本好书。
"""
CLIPPING = """---
title: 剪藏的文章
date: '2026-02-17'
source: https://example.org/article
layout: post.njk
---
剪藏正文。
"""


def checkout(root):
    """A content repository as our users keep it: one folder per kind."""
    files = {
        "notes/-h3u1KJAduk.md": NOTE,
        "posts/-h3u1KJAduk.md": POST,
        "books/Enlightenment-Now.md": BOOK,
        "clippings/2026-02-17_clip.md": CLIPPING,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(text.encode())
    return root


def test_one_stem_in_two_folders_is_two_items(tmp_path, client):
    result = importers.import_files([checkout(tmp_path)])
    assert [f.action for f in result.files] == ["created"] * 4
    note, post = Post.objects.get(kind="note"), Post.objects.get(kind="post", slug="-h3u1KJAduk")
    assert note.slug == post.slug == "-h3u1KJAduk"
    assert note.title == "同名的笔记" and post.title == " 同名的文章 "  # the title keeps its spaces
    assert "这是笔记" in client.get("/zh/notes/-h3u1KJAduk/").text
    assert "这是文章" in client.get("/zh/posts/-h3u1KJAduk/").text
    assert client.get("/en/notes/-h3u1KJAduk/").status_code == 200
    again = importers.import_files([tmp_path])
    assert [f.action for f in again.files] == ["unchanged"] * 4  # and re-imports never flip them


def test_every_list_says_which_kind_each_item_is(tmp_path, client):
    importers.import_files([checkout(tmp_path)])
    home = client.get("/zh/").text
    for label in ("笔记", "文章", "书评", "剪藏"):
        assert label in home, label
    notes = client.get("/zh/notes/").text
    assert "同名的笔记" in notes and "同名的文章" not in notes
    books = client.get("/zh/books/").text
    assert "当下的启蒙" in books and "剪藏的文章" not in books
    found = client.get("/zh/search/", {"q": "同名", "kind": "post"}).text
    assert "同名的文章" in found and "同名的笔记" not in found
    sitemap = client.get("/sitemap-posts-1.xml").content.decode()
    for path in ("/zh/notes/-h3u1KJAduk/", "/zh/posts/-h3u1KJAduk/", "/zh/books/Enlightenment-Now/"):
        assert path in sitemap, path
    feed = feedparser.parse(client.get("/zh/feed/").content)
    kinds_in_feed = {entry.tags[0].term for entry in feed.entries}
    assert kinds_in_feed == {"笔记", "文章", "书评", "剪藏"}


def test_a_book_note_shows_its_book(tmp_path, client):
    importers.import_files([checkout(tmp_path)])
    page = client.get("/zh/books/Enlightenment-Now/").text
    for shown in ("斯蒂芬·平克", "Viking", "5/5", "2018", "https://books.example.org/cover.jpg"):
        assert shown in page, shown
    assert '<img src="https://books.example.org' not in page  # nothing is loaded from a third party


def test_a_file_outside_the_kind_folders_is_a_note_or_its_layout_says_book(tmp_path):
    (tmp_path / "a.md").write_text(NOTE, encoding="utf-8")
    (tmp_path / "b.md").write_text(BOOK, encoding="utf-8")
    importers.import_files([tmp_path / "a.md", tmp_path / "b.md"])
    assert dict(Post.objects.values_list("slug", "kind")) == {"a": "note", "b": "book"}
    importers.import_files([tmp_path / "a.md"], kind="clipping")
    assert Post.objects.filter(kind="clipping", slug="a").exists()


def test_export_gives_every_untouched_file_back_byte_for_byte_in_its_folder(tmp_path):
    source = checkout(tmp_path / "in")
    (source / "notes" / "crlf.md").write_bytes(b"\xef\xbb\xbf" + NOTE.replace("\n", "\r\n").encode())
    (source / "notes" / "dashes.md").write_bytes(NOTE.replace("---\n", "----\n", 1).encode())
    assert not importers.import_files([source]).failed
    call_command("export_markdown", str(tmp_path / "out"), stdout=io.StringIO())
    for path in source.rglob("*.md"):
        exported = tmp_path / "out" / path.relative_to(source)
        assert exported.read_bytes() == path.read_bytes(), path.name


def test_the_reader_download_serves_the_files_own_bytes(tmp_path, client):
    source = checkout(tmp_path)
    importers.import_files([source])
    digest = hashlib.sha256(b"content/notes/-h3u1KJAduk.md").hexdigest()
    response = client.get(f"/reader/{digest}.md", follow=True)
    assert response.content == (source / "notes" / "-h3u1KJAduk.md").read_bytes()
    download = client.get("/zh/posts/-h3u1KJAduk/source.md", {"download": "1"})
    assert download.content == (source / "posts" / "-h3u1KJAduk.md").read_bytes()


def changed_lines(before, after):
    diff = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_an_edited_item_exports_with_only_the_lines_the_edit_touched(tmp_path):
    text = NOTE.replace("title: 同名的笔记", "title: '同名的笔记'").replace(
        "**主持人:** 这是笔记。", "**主持人:** 这是笔记。\n\n第二段。"
    )
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "x.md").write_bytes(text.encode())
    importers.import_files([tmp_path])
    post = Post.objects.get(slug="x")
    before = post.imported_file()
    assert before == text.encode()  # kept short (the body is the item's own), read back whole
    post.title_zh_hans = "改过的标题"
    post.body_zh_hans = post.body_zh_hans.replace("第二段。", "改过的第二段。")
    post.save()
    after = exporters.item_file(Post.objects.get(pk=post.pk))
    assert sorted(changed_lines(before, after)) == sorted(
        ["-title: '同名的笔记'", "+title: '改过的标题'", "-第二段。", "+改过的第二段。"]  # the quoting it had
    )
    assert "tags:\n  - ai\n" in after.decode()  # the list's indentation, untouched


def test_an_edit_next_to_a_repaired_block_keeps_the_rest_of_the_file(tmp_path):
    broken = NOTE.replace("</details>", "</detais>") + "\n结尾段落。\n"
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "y.md").write_bytes(broken.encode())
    importers.import_files([tmp_path])
    post = Post.objects.get(slug="y")
    post.body_zh_hans = post.body_zh_hans.replace("结尾段落。", "改过的结尾。")
    post.save()
    after = exporters.item_file(Post.objects.get(pk=post.pk))
    assert changed_lines(broken.encode(), after) == ["-结尾段落。", "+改过的结尾。"]


def test_a_crlf_file_keeps_its_line_endings_when_edited(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "z.md").write_bytes(NOTE.replace("\n", "\r\n").encode())
    importers.import_files([tmp_path])
    post = Post.objects.get(slug="z")
    post.speaker = "Someone Else"
    post.save()
    after = exporters.item_file(Post.objects.get(pk=post.pk))
    assert after.count(b"\r\n") == NOTE.count("\n") and b"speaker: Someone Else\r\n" in after


@override_settings(EDITORIAL_IMPORT_BATCH_FILES=2)
def test_a_file_gone_from_the_repository_is_reported_and_archived_only_when_asked(
    tmp_path, client, django_capture_on_commit_callbacks
):
    source = checkout(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        importers.import_files([source])
    (source / "notes" / "-h3u1KJAduk.md").unlink()
    (source / "notes" / "new-note.md").write_text(NOTE.replace("同名的笔记", "新笔记"), encoding="utf-8")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_markdown", str(source), stdout=out)
    assert "notes/-h3u1KJAduk.md: kept" in out.getvalue()
    assert Post.objects.get(kind="note", slug="new-note").title == "新笔记"
    assert client.get("/zh/notes/-h3u1KJAduk/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # readers' caches hear of it on commit
        call_command("import_markdown", str(source), "--unpublish-missing", stdout=out)
    assert "notes/-h3u1KJAduk.md: archived" in out.getvalue()
    assert client.get("/zh/notes/-h3u1KJAduk/").status_code == 404
    change = StatusChange.objects.filter(post__kind="note", post__slug="-h3u1KJAduk").first()  # the newest
    assert change.to_status == "archived" and "gone" in change.comment
    assert (
        StatusChange.objects.filter(post__kind="note", post__slug="-h3u1KJAduk", transition="import").count() == 1
    )  # its arrival
    assert client.get("/zh/posts/-h3u1KJAduk/").status_code == 200  # the post of that name is untouched


def test_the_database_holds_each_body_once(tmp_path):
    """modeltranslation's own body columns stay empty; the tokens are stored once (SQLite's
    index reads them from editorial_searchdocument); revisions do not carry the file."""
    from django.db import connection
    from reversion.models import Version

    importers.import_files([checkout(tmp_path)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT body, body_html, body_zh_hans, body_html_zh_hans FROM editorial_post")
        rows = cursor.fetchall()
    assert rows and all(body == "" and html == "" and zh and zh_html for body, html, zh, zh_html in rows)
    post_versions = Version.objects.get_for_model(Post)
    assert post_versions and all("source_file" not in version.field_dict for version in post_versions)
    assert all(version.format == "zjson" and version.serialized_data.startswith("z:") for version in post_versions)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'editorial_search_fts_content'")
            assert cursor.fetchall() == []
            cursor.execute("SELECT rowid FROM editorial_search_fts WHERE editorial_search_fts MATCH '\"笔记\"'")
            assert [row[0] for row in cursor.fetchall()] == [Post.objects.get(kind="note").pk]
