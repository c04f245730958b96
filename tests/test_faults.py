"""Faults: an import killed halfway, and two editors saving the same post at once.

Both run against the real test database from other processes or threads, so they see
the database's own locking (SQLite's file locks, PostgreSQL's row locks).
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from editorial import importers, rendering
from editorial.forms import PostAdminForm
from editorial.models import Post

from .factories import PostFactory, UserFactory, post_form_data

pytestmark = pytest.mark.django_db(transaction=True)

FILES = 60  # enough for the importer's worker process, and to be killed in the middle


def post_file(n, edition):
    return (
        f"---\ntitle: 第{n}篇 {edition}\nsummary: 摘要 {edition}\ndate: '2025-01-02'\n"
        f"tags:\n- tag-{edition}\npeople:\n- Person {edition}\n---\n"
        f"### 开场\n\n**主持人:** 正文 {edition} {'很长的一段话。' * 400}\n"
    )


def state(post):
    """Which edition each part of a post comes from."""
    parts = {
        "title": post.title_zh_hans.split()[-1],
        "summary": post.summary_zh_hans.split()[-1],
        "body": post.body_zh_hans.split("正文 ")[1].split()[0],
        "html": post.body_html_zh_hans.split("正文 ")[1].split()[0],
        "tags": ",".join(t.name.removeprefix("tag-") for t in post.tags.all()),
        "people": ",".join(e.entity.name.removeprefix("Person ") for e in post.entity_links.all()),
    }
    return set(parts.values())


def database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_an_import_killed_halfway_leaves_every_post_fully_old_or_fully_new(tmp_path):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("another process cannot open an in-memory database")
    folder = tmp_path / "site"
    folder.mkdir()
    for n in range(FILES):
        (folder / f"post-{n:03}.md").write_text(post_file(n, "old"), encoding="utf-8")
    assert not importers.import_files([folder]).failed
    for n in range(FILES):
        (folder / f"post-{n:03}.md").write_text(post_file(n, "new"), encoding="utf-8")

    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CACHE_URL": "dummy://",
        "DJANGO_SETTINGS_MODULE": "cms.settings",
        "EDITORIAL_IMPORT_BATCH_FILES": "3",  # several transactions, so the kill lands between two
    }
    manage = Path(settings.BASE_DIR) / "manage.py"
    importer = subprocess.Popen(
        [sys.executable, manage, "import_markdown", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its worker process is killed with it
    )
    done = 0
    for line in importer.stdout:
        done += line.startswith("[")
        if done == FILES // 3:
            os.killpg(importer.pid, signal.SIGKILL)
            break
    importer.wait(timeout=30)
    assert importer.returncode == -signal.SIGKILL

    editions = [state(post) for post in Post.objects.prefetch_related("tags", "entity_links__entity")]
    assert len(editions) == FILES
    assert all(edition in ({"old"}, {"new"}) for edition in editions), editions
    assert {"old"} in editions and {"new"} in editions  # killed in the middle, not before or after


def test_two_editors_saving_at_once_one_is_told_the_other_saved_first(monkeypatch):
    post = PostFactory(title_zh_hans="原来的标题")
    for name in ("alice", "bob"):
        UserFactory(username=name, is_staff=True, is_superuser=True)
    # Hold each save open just after it checked the version, so the two overlap.
    checked = PostAdminForm.clean

    def slow_clean(self):
        cleaned = checked(self)
        time.sleep(0.5)
        return cleaned

    monkeypatch.setattr(PostAdminForm, "clean", slow_clean)
    url = reverse("admin:editorial_post_change", args=[post.pk])
    responses = {}

    def save(name):
        client = Client()
        client.force_login(UserFactory(username=name))
        try:
            responses[name] = client.post(url, post_form_data(post, title_zh_hans=f"{name} 的标题"))
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=save, args=(name,)) for name in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    codes = sorted(response.status_code for response in responses.values())
    assert codes == [200, 302], codes
    winner = next(name for name, response in responses.items() if response.status_code == 302)
    loser = next(name for name, response in responses.items() if response.status_code == 200)
    refusal = responses[loser].content.decode()
    assert "其他人已经保存过它" in refusal  # "Someone else saved this post after you opened it"
    assert f"{loser} 的标题" in refusal  # the loser's text is still in the form
    post.refresh_from_db()
    assert post.title_zh_hans == f"{winner} 的标题"


def test_a_long_body_is_rendered_before_the_save_takes_the_write_lock(admin_client, monkeypatch):
    """#18 point 2: the render of a saved body ran inside the admin's transaction, which on SQLite
    holds the write lock from its start, so every other editor waited for it (or got 503)."""
    post = PostFactory(title_zh_hans="标题", body_zh_hans="旧的正文。")
    new_body = "**新**的正文。\r\n\r\n第二段。" * 500
    rendered_in = []  # for each real render of the new body: was a transaction open?
    as_markdown = rendering._as_markdown

    def watched(text):
        if "第二段" in text:
            rendered_in.append(connection.in_atomic_block)
        return as_markdown(text)

    monkeypatch.setattr(rendering, "_as_markdown", watched)
    url = reverse("admin:editorial_post_change", args=[post.pk])
    response = admin_client.post(url, post_form_data(post, body_zh_hans=new_body))
    assert response.status_code == 302
    assert rendered_in == [False]  # once, outside any transaction; the save took that result
    post.refresh_from_db()
    assert post.body_html_zh_hans.count("<strong>新</strong>") == 500


def test_an_import_commits_at_least_every_few_seconds(tmp_path, settings, monkeypatch):
    """A batch holds SQLite's write lock from its start: besides files and bytes, it is bounded
    in time (EDITORIAL_IMPORT_BATCH_SECONDS), so an editor's save waits that long at most."""
    settings.EDITORIAL_IMPORT_BATCH_SECONDS = 3
    for n in range(6):
        (tmp_path / f"p{n}.md").write_text(post_file(n, "old"), encoding="utf-8")
    clock = iter(range(0, 1000, 2))  # every look at the clock: two seconds later
    monkeypatch.setattr(importers.time, "monotonic", lambda: next(clock))
    begun = []
    begin = importers.Batches._begin
    monkeypatch.setattr(importers.Batches, "_begin", lambda self: (begun.append(1), begin(self)))
    monkeypatch.setenv("EDITORIAL_IMPORT_INLINE", "1")
    result = importers.import_files([tmp_path])
    assert result.count("created") == 6
    assert len(begun) == 1 + 3  # the first batch, then a new one after every second file


def test_a_long_writer_leaves_a_gap_for_waiting_writers_on_sqlite(monkeypatch):
    """SQLite does not queue writers: an import committing a batch and beginning the next at once
    starved an editor's save until its 20 s timeout (bench/faults.py). Outside a transaction, a
    long writer pauses longer than one 100 ms poll, once every EVERY_SECONDS."""
    from editorial import write_turns

    slept, clock = [], iter([100.0, 100.2, 101.0, 103.0, 103.2])  # now, after the pause; now; now, after
    monkeypatch.setattr(write_turns.time, "sleep", slept.append)
    monkeypatch.setattr(write_turns.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(write_turns, "_last", [0.0])
    for _ in range(3):
        write_turns.let_others_write()
    if connection.vendor == "sqlite":
        assert slept == [write_turns.GAP_SECONDS, write_turns.GAP_SECONDS]  # not at 101 s: too soon
        assert write_turns.GAP_SECONDS > 0.1
    else:
        assert slept == []  # PostgreSQL locks rows: nothing to wait for
