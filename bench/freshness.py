#!/usr/bin/env python
"""How soon readers see a change: every public page and the static copy, after each kind of write.

    .venv/bin/python bench/freshness.py [--site DIR] [--requests 10]

Sets up a fresh SQLite database (or DATABASE_URL) in a temporary folder with the default
cache (a folder every process shares), imports the sample posts (or --site, a checkout of
the content repository), builds the static copy, then starts what production runs: gunicorn
with two workers and the job worker (`db_worker`), with EDITORIAL_STATIC_DIR set. This
process is a third one, as an editor's admin or a `manage.py` command would be: it edits,
archives, restores from archive, restores a revision, deletes and imports, each through the
content service, and after each commit times how long until every one of --requests
requests to the two workers answers with the change, and until the static copy holds it.
Prints a Markdown table and the load average.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8842


def fetch(path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def until(check, limit=30.0):
    started = time.perf_counter()
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
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "freshness-bench-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CACHE_URL": f"file://{work}/cache",
        "EDITORIAL_STATIC_DIR": str(work / "public"),
        "EDITORIAL_UPLOAD_DIR": str(work / "uploads"),
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{work}/db.sqlite3")
    os.environ.update(env)
    run = lambda *a: subprocess.run([PYTHON, "manage.py", *a], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: E731
    run("migrate", "--noinput")
    run("collectstatic", "--noinput")
    run("import_markdown", args.site or str(ROOT / "sample_content"))
    run("build_static", str(work / "public"))
    servers = [
        subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "cms.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{PORT}"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        ),  # fmt: skip
        subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.1", "--no-reload"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        ),  # fmt: skip
    ]
    try:
        until(lambda: fetch("/zh/")[0] == 200)
        rows = measure(work, args.requests, run)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n| change | every page shows it ({args.requests} requests, 2 workers) | static copy shows it |")
    print("| --- | --- | --- |")
    for name, pages, static in rows:
        shown = lambda s: f"{s * 1000:.0f} ms" if s is not None else "never (30 s)"  # noqa: E731
        print(f"| {name} | {shown(pages)} | {shown(static)} |")
    print(f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def measure(work, n, run):
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from reversion.models import Version

    from editorial import content, workflow
    from editorial.models import Post

    editor = get_user_model().objects.create_superuser("bench-editor", "b@example.com", "x")
    post = Post.objects.public().filter(kind="note").order_by("pk").first()
    url = post.get_absolute_url()
    static = work / "public" / url.lstrip("/") / "index.html"
    home_static = work / "public" / "zh" / "index.html"

    def warm():
        for _ in range(n):
            fetch(url), fetch("/zh/")

    def everywhere(check):
        return lambda: all(check(*fetch(url)) for _ in range(n))

    rows = []

    def step(name, change, page_check, file_check):
        warm()  # both workers hold the page in the cache
        change()
        pages = until(everywhere(page_check))
        static_seconds = until(file_check)
        rows.append((name, pages, static_seconds))

    def edit():
        post.refresh_from_db()
        before = content.Before.of(post.pk)
        post.title_zh_hans = "新鲜度测试标题"
        post.save()
        content.saved(post, before=before, by=editor)

    text = lambda path: path.read_text() if path.exists() else ""  # noqa: E731
    step("edit (title)", edit, lambda s, body: "新鲜度测试标题" in body, lambda: "新鲜度测试标题" in text(static))
    step("archive", lambda: workflow.archive(post, by=editor), lambda s, body: s == 404, lambda: not static.exists())
    step("restore from archive", lambda: workflow.unarchive(post, by=editor), lambda s, body: s == 200,
         lambda: static.exists())  # fmt: skip
    first = Version.objects.get_for_object(post).last()
    step("restore a revision", lambda: content.restore(first, by=editor),
         lambda s, body: "新鲜度测试标题" not in body, lambda: "新鲜度测试标题" not in text(static))  # fmt: skip
    note = work / "incoming" / "notes" / "freshness-new.md"
    note.parent.mkdir(parents=True)
    note.write_text("---\ntitle: 新鲜度导入\ndate: '2026-12-01'\n---\n刚导入。\n", encoding="utf-8")
    warm()
    run("import_markdown", str(note.parent.parent))  # another process: a command
    rows.append(("import (manage.py)", until(lambda: all("新鲜度导入" in fetch("/zh/")[1] for _ in range(n))),
                 until(lambda: "新鲜度导入" in text(home_static))))  # fmt: skip

    def delete():
        from django.db import transaction

        with transaction.atomic():
            content.deleting([post])
            post.delete()

    step("delete", delete, lambda s, body: s == 404, lambda: not static.exists())
    return rows


if __name__ == "__main__":
    main()
