#!/usr/bin/env python
"""How soon readers see a change: every public page and the static copy, after each kind of write.

    .venv/bin/python bench/freshness.py [--site DIR] [--requests 10]

Sets up a fresh SQLite database (or DATABASE_URL) in a temporary folder with the default
cache (a folder every process shares), imports the sample posts (or --site, a checkout of
the content repository), builds the static copy, then starts what production runs: gunicorn
with two workers and the job worker, with EDITORIAL_STATIC_DIR set. This process is a third
one, as an editor's admin or a `manage.py` command would be: it edits, archives, restores
from archive, restores a revision, imports (through `manage.py import_markdown`, a fourth
process) and deletes, each through the content service, and after each commit times how
long until every one of --requests requests to the two workers answers with the change, and
until the static copy holds it. Both times count from the commit (for a scheduled post,
from its time). Prints a Markdown table and the load average.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, environment, gunicorn, job_worker, manage  # noqa: E402


def until(check, since=None, limit=30.0):
    """Seconds from ``since`` (default: now) until ``check()`` holds; None if it never does."""
    started = time.perf_counter() if since is None else since
    while time.perf_counter() - started < limit:
        if check():
            return time.perf_counter() - started
        time.sleep(0.02)
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", help="a checkout of the content repository (default: sample_content/)")
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cms-fresh-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{work}/db.sqlite3"
    env = environment(
        url,
        CACHE_URL=f"file://{work}/cache",
        EDITORIAL_STATIC_DIR=str(work / "public"),
        EDITORIAL_UPLOAD_DIR=str(work / "uploads"),
    )
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "import_markdown", args.site or str(ROOT / "sample_content"))
        manage(env, "build_static", str(work / "public"))
        os.environ.update(env)
        with gunicorn(env) as (base, _process), job_worker(env):
            rows = measure(work, base, args.requests, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n| change | all {args.requests} requests to 2 workers show it | the static copy shows it |")
    print("| --- | --- | --- |")
    for name, pages, static in rows:
        shown = lambda s: f"{s * 1000:.0f} ms" if s is not None else "never (30 s)"  # noqa: E731
        print(f"| {name} | {shown(pages)} | {shown(static)} |")
    print(f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def measure(work, base, n, env):
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from reversion.models import Version

    from editorial import content, workflow
    from editorial.models import Post

    def fetch(path):
        try:
            with urllib.request.urlopen(base + path, timeout=10) as response:  # noqa: S310 - our server
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    editor = get_user_model().objects.create_superuser("bench-editor", "b@example.com", "x")
    post = Post.objects.public().filter(kind="note").order_by("pk").first()
    path = post.get_absolute_url()
    static = work / "public" / path.lstrip("/") / "index.html"
    home_static = work / "public" / "zh" / "index.html"
    text = lambda file: file.read_text() if file.exists() else ""  # noqa: E731
    rows = []

    def step(name, change, shows, in_static, page=path):
        for _ in range(n):  # both workers hold the pages in the cache
            fetch(page), fetch("/zh/")
        change()
        committed = time.perf_counter()
        pages = until(lambda: all(shows(*fetch(page)) for _ in range(n)), committed)
        rows.append((name, pages, until(in_static, committed)))

    def edit():
        post.refresh_from_db()
        with transaction.atomic():
            before = content.Before.of(post.pk)
            post.title_zh_hans = "新鲜度测试标题"
            post.save()
            content.saved(post, before=before, by=editor)

    def delete():
        with transaction.atomic():
            content.deleting([post])
            post.delete()

    first = Version.objects.get_for_object(post).last()
    step("edit (title)", edit, lambda s, body: "新鲜度测试标题" in body, lambda: "新鲜度测试标题" in text(static))
    step("archive", lambda: workflow.archive(post, by=editor), lambda s, body: s == 404, lambda: not static.exists())
    step("restore from archive", lambda: workflow.unarchive(post, by=editor), lambda s, body: s == 200,
         lambda: static.exists())  # fmt: skip
    restored = lambda s, body: s == 200 and "新鲜度测试标题" not in body  # noqa: E731
    step("restore a revision", lambda: content.restore(first, by=editor), restored,
         lambda: "新鲜度测试标题" not in text(static))  # fmt: skip
    folder = work / "incoming" / "notes"
    folder.mkdir(parents=True)
    (folder / "freshness-new.md").write_text("---\ntitle: 新鲜度导入\ndate: '2026-12-01'\n---\n刚导入。\n", "utf-8")
    step("import (manage.py, another process)", lambda: manage(env, "import_markdown", str(folder.parent)),
         lambda s, body: "新鲜度导入" in body, lambda: "新鲜度导入" in text(home_static), page="/zh/")  # fmt: skip
    # A post scheduled 3 s ahead: timed from its publication time, with nobody touching anything.
    import datetime

    from django.utils import timezone

    with transaction.atomic():
        later = Post.objects.create(kind="note", slug="scheduled-bench", title_zh_hans="定时", status="review")
        content.saved(later, created=True, by=editor)
    later_path = later.get_absolute_url()
    later_static = work / "public" / later_path.lstrip("/") / "index.html"
    when = timezone.now() + datetime.timedelta(seconds=3)
    workflow.publish(later, by=editor, at=when)
    for _ in range(n):
        fetch(later_path)  # 404s, cached
    time.sleep(max(0.0, (when - timezone.now()).total_seconds()))
    due = time.perf_counter()
    rows.append(("scheduled time comes", until(lambda: all(fetch(later_path)[0] == 200 for _ in range(n)), due),
                 until(later_static.exists, due)))  # fmt: skip
    step("delete", delete, lambda s, body: s == 404, lambda: not static.exists())
    return rows


if __name__ == "__main__":
    main()
