"""An imported file is kept without a second copy of its body until the body is edited
(models/source_files.py, migration 0031), and every export still gives its bytes back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from editorial import exporters, importers, workflow
from editorial.models import Post

pytestmark = pytest.mark.django_db

BODY = "\n\n".join(f"**主持人:** 第{n}段，谈推理成本。" for n in range(200))
FILE = f"""---
title: '一场访谈'
date: '2025-03-01'
tags:
  - ai
---
{BODY}
"""


def imported(tmp_path, data=None, name="talk"):
    data = FILE.encode() if data is None else data
    folder = tmp_path / "notes"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.md").write_bytes(data)
    importers.import_files([tmp_path])
    return Post.objects.get(slug=name)


def stored_form(post):
    raw = bytes(Post.objects.filter(pk=post.pk).values_list("source_file", flat=True).get())
    return ("short" if raw[:1] == b"\x00" else "whole"), len(raw)


def test_an_unedited_import_keeps_its_front_matter_only_and_exports_its_bytes(tmp_path):
    post = imported(tmp_path)
    form, size = stored_form(post)
    assert form == "short" and size < 200  # the 14 KB body is not stored a second time
    assert exporters.item_file(Post.objects.get(pk=post.pk)) == FILE.encode()
    Post.objects.get(pk=post.pk).save()  # saves that leave the body as it was
    assert stored_form(post)[0] == "short"
    assert exporters.item_file(Post.objects.get(pk=post.pk)) == FILE.encode()
    workflow.apply("archive", Post.objects.get(pk=post.pk), by=None)
    assert stored_form(post)[0] == "short"
    archived = exporters.item_file(Post.objects.get(pk=post.pk)).decode()
    assert "\nstatus: archived\n" in archived and archived.endswith(f"\n---\n{BODY}\n")


def test_the_first_body_edit_keeps_the_file_whole_and_an_edit_undone_makes_it_short(tmp_path):
    post = imported(tmp_path)
    post.body_zh_hans = post.body_zh_hans.replace("第7段", "第七段")
    post.save()
    assert stored_form(post)[0] == "whole"
    edited = exporters.item_file(Post.objects.get(pk=post.pk)).decode()
    assert edited == FILE.replace("第7段", "第七段")  # the file with the edit and nothing else
    again = Post.objects.get(pk=post.pk)
    again.body_zh_hans = again.body_zh_hans.replace("第七段", "第7段")
    again.save()
    assert stored_form(post)[0] == "short"
    assert exporters.item_file(Post.objects.get(pk=post.pk)) == FILE.encode()


def test_an_edit_through_a_partly_loaded_item_still_keeps_the_old_body_in_the_file(tmp_path):
    post = imported(tmp_path)
    partial = Post.objects.only("pk", "source_file", "version").get(pk=post.pk)
    partial.body_zh_hans = "全新的正文。"
    partial.save()
    reread = Post.objects.get(pk=post.pk)
    assert reread.imported_file() == FILE.encode()  # the file as imported, not the new body
    assert exporters.item_file(reread).decode().endswith("---\n全新的正文。")


def test_a_file_that_does_not_end_with_its_body_is_kept_whole(tmp_path):
    crlf = FILE.replace("\n", "\r\n").encode()
    post = imported(tmp_path, crlf, name="crlf")
    assert stored_form(post)[0] == "whole"
    assert exporters.item_file(Post.objects.get(pk=post.pk)) == crlf


def test_a_reimport_of_a_changed_file_keeps_the_new_file_short(tmp_path):
    imported(tmp_path)
    changed = FILE.replace("第3段", "第三段").encode()
    post = imported(tmp_path, changed)
    assert "第三段" in post.body_zh_hans and stored_form(post)[0] == "short"
    assert exporters.item_file(Post.objects.get(pk=post.pk)) == changed


@pytest.mark.django_db(transaction=True)
def test_the_migration_shortens_whole_files_and_writes_them_whole_back(tmp_path):
    post = imported(tmp_path)
    executor = MigrationExecutor(connection)
    executor.migrate([("editorial", "0030_packed_text")])
    assert stored_form(post)[0] == "whole"
    assert Post.objects.get(pk=post.pk).imported_file() == FILE.encode()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert stored_form(post)[0] == "short"
    assert exporters.item_file(Post.objects.get(pk=post.pk)) == FILE.encode()
