"""The bodies, their HTML and the search tokens are kept compressed on SQLite (models/packed.py,
migration 0030), and every reader still gets them whole: the page, search, the export."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from editorial import content, exporters, importers
from editorial.models import Post

pytestmark = pytest.mark.django_db

TALK = "\n\n".join(f"**主持人:** 第{n}段，我们谈推理成本与芯片。" for n in range(300))
FILE = f"""---
title: 一场很长的访谈
summary: 短摘要。
date: '2025-03-01'
layout: post.njk
---
{TALK}

**嘉宾:** 最后谈向量数据库。
"""
COLUMNS = [
    ("editorial_post", "id", "body_zh_hans"),
    ("editorial_post", "id", "body_html_zh_hans"),
    ("editorial_searchdocument", "post_id", "tokens"),
]


@pytest.fixture
def imported(tmp_path, django_capture_on_commit_callbacks):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "long-talk.md").write_bytes(FILE.encode())
    with django_capture_on_commit_callbacks(execute=True):
        importers.import_files([tmp_path])
    return Post.objects.get(slug="long-talk")


def stored(table, key, column, pk):
    """(the type of the stored value, its size in bytes) as the database keeps it."""
    if connection.vendor == "sqlite":
        sql = f"SELECT typeof({column}), length(CAST({column} AS BLOB)) FROM {table} WHERE {key} = %s"  # noqa: S608
    else:
        sql = f"SELECT pg_typeof({column})::text, octet_length({column}) FROM {table} WHERE {key} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.fetchone()


def found(client, text):
    response = client.get(reverse("editorial:search"), {"q": text})
    return [post.slug for post, _ in response.context["results"]]


def fts_is_sound():
    if connection.vendor == "sqlite":  # raises if the index and the rows it was given disagree
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO editorial_search_fts(editorial_search_fts) VALUES ('integrity-check')")


def test_long_text_is_stored_compressed_on_sqlite_and_read_whole(imported, client):
    post = imported
    for table, key, column in COLUMNS:
        kind, size = stored(table, key, column, post.pk)
        if connection.vendor == "sqlite":
            assert kind == "blob" and size < len(TALK.encode()) / 4, column
        else:  # PostgreSQL compresses text itself (TOAST): it keeps text
            assert kind == "text", column
    assert stored("editorial_post", "id", "summary_zh_hans", post.pk)[0] == "text"
    post = Post.objects.get(pk=post.pk)
    assert post.body_zh_hans.startswith("**主持人:** 第0段") and "最后谈向量数据库" in post.body_zh_hans
    page = client.get(post.get_absolute_url()).content.decode()
    assert "第299段" in page and "最后谈向量数据库" in page
    assert found(client, "向量数据库") == ["long-talk"]
    assert exporters.item_file(post) == FILE.encode()  # given back byte for byte
    fts_is_sound()


def test_search_follows_edits_and_deletions_of_compressed_tokens(imported, client, django_capture_on_commit_callbacks):
    post = imported
    assert found(client, "推理成本") == ["long-talk"]
    before = content.Before.of(post.pk)
    post.body_zh_hans = TALK.replace("推理成本", "训练数据")
    with django_capture_on_commit_callbacks(execute=True):
        post.save()
        content.saved(post, before=before)
    assert found(client, "推理成本") == [] and found(client, "训练数据") == ["long-talk"]
    fts_is_sound()
    with django_capture_on_commit_callbacks(execute=True):
        content.deleting([post])
        post.delete()
    assert found(client, "训练数据") == []
    fts_is_sound()


@pytest.mark.django_db(transaction=True)
def test_the_migration_packs_what_was_stored_plain_and_unpacks_it_back(imported, client):
    post = imported

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.migrate([("editorial", target)])

    migrate("0029_search_head_inline")
    for table, key, column in COLUMNS:
        assert stored(table, key, column, post.pk)[0] == "text", column
    assert found(client, "向量数据库") == ["long-talk"]
    migrate("0030_packed_text")
    for table, key, column in COLUMNS:
        kind = stored(table, key, column, post.pk)[0]
        assert kind == ("blob" if connection.vendor == "sqlite" else "text"), column
    assert found(client, "推理成本") == ["long-talk"] and found(client, "芯片") == ["long-talk"]  # not cached yet
    assert Post.objects.get(pk=post.pk).body_zh_hans == imported_body()
    fts_is_sound()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # the later migrations again, for the tests after


def imported_body():
    return FILE.split("---\n", 2)[2]
