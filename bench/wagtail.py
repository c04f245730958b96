#!/usr/bin/env python
"""Our uncached post page against a Wagtail 8 page holding the same post, in the same run.

    .venv/bin/python bench/wagtail.py --database-url URL [--items N] [--runs 3] [--seconds 10]
                                      [--connections 16]

A minimal Wagtail site (bench/wagtail_site: an ArticlePage with title, summary, tags, source,
date and the rendered body as rich text, a template like our post page's) lives in its own
venv (var/bench/wagtail-venv, made on first use from bench/wagtail_site/requirements.txt) and
its own SQLite database, seeded with the listed items of the database at URL (all of them,
or the --items newest plus the measured one). Both run under gunicorn with 2 sync workers,
DEBUG off, Redis as the cache; ours with its page cache off (every request renders), as
Wagtail has none. wrk measures the same post (the median-sized note) on each, interleaved.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

SITE = common.ROOT / "bench" / "wagtail_site"
VENV = common.VAR / "wagtail-venv"
PYTHON = VENV / "bin" / "python"

EXPORT = """
import json, re, sys
from django.db.models.functions import Length
from editorial.models import Post
listed = Post.objects.listed().filter(kind="note")
ranked = listed.annotate(n=Length("body_html_zh_hans")).order_by("n", "pk")
measured = ranked[ranked.count() // 2]
posts = Post.objects.listed().order_by("-published_at")
posts = list(posts[:{items}]) if {items} else list(posts)
if measured.pk not in {{p.pk for p in posts}}:
    posts.append(measured)
simple = re.compile(r"^[-\\w]+$")
with open({out!r}, "w", encoding="utf-8") as out:
    for post in posts.__iter__():
        post = Post.objects.get(pk=post.pk)
        out.write(json.dumps({{"slug": post.slug, "simple": bool(simple.match(post.slug)), "title": post.title_zh_hans,
            "summary": post.summary_zh_hans, "speaker": post.speaker, "source_link": post.source_link,
            "date": post.date.isoformat() if post.date else "", "body_html": post.body_html_zh_hans,
            "tags": post.ordered_tag_names()}}, ensure_ascii=False) + "\\n")
print(measured.get_absolute_url(), measured.slug, len(posts))
"""


def ensure_venv():
    if not PYTHON.exists():
        subprocess.run([common.PYTHON, "-c", f"import venv; venv.create({str(VENV)!r}, with_pip=True)"], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r",
                    SITE / "requirements.txt"], check=True)  # fmt: skip


def wagtail_env(database):
    return {**os.environ, "WAGTAIL_BENCH_DB": str(database), "DJANGO_SETTINGS_MODULE": "settings",
            "PYTHONPATH": str(SITE)}  # fmt: skip


def seed(ours, items):
    """The Wagtail database (made again when the items differ); the measured post's slug."""
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "items.jsonl"
        url, slug, count = common.shell(ours, EXPORT.format(items=items, out=str(export))).split()
        database = common.VAR / f"wagtail-{count}.sqlite3"
        wagtail = wagtail_env(database)
        manage = [PYTHON, "manage.py"]
        if not database.exists():
            subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=SITE, env=wagtail, check=True)
            subprocess.run([*manage, "seed_articles", str(export)], cwd=SITE, env=wagtail, check=True)
    return wagtail, url, slug, int(count)


def gunicorn_wagtail(env, port):
    return subprocess.Popen(
        [VENV / "bin" / "gunicorn", "wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null", "--error-logfile", str(common.VAR / "wagtail-gunicorn.log")],
        cwd=SITE, env=env, start_new_session=True,
    )  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--items", type=int, default=0, help="the newest N items only (default: every listed item)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    ensure_venv()
    ours = common.environment(
        args.database_url, CACHE_URL="redis://127.0.0.1:6379/14", EDITORIAL_PAGE_CACHE_SECONDS="0"
    )
    common.manage(ours, "collectstatic", "--noinput", "-v0")
    subprocess.run(["redis-cli", "-n", "14", "flushdb"], capture_output=True, check=False)
    subprocess.run(["redis-cli", "-n", "12", "flushdb"], capture_output=True, check=False)
    wagtail, path, slug, count = seed(ours, args.items)
    port = common.free_port()
    process = gunicorn_wagtail(wagtail, port)
    theirs = f"http://127.0.0.1:{port}"
    results = {}
    try:
        common.wait_for(f"{theirs}/{slug}/")
        with common.gunicorn(ours) as (app, _process):
            servers = {"ours, uncached": app + path, "Wagtail 8": f"{theirs}/{slug}/"}
            sizes = {name: len(common.fetch(url)) for name, url in servers.items()}
            for url in servers.values():
                common.wrk(url, seconds=2, connections=4)
            for _ in range(args.runs):
                for name, url in servers.items():
                    result = common.wrk(url, seconds=args.seconds, connections=args.connections)
                    results.setdefault(name, []).append(result)
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n### Post page against Wagtail 8: {count:,} items each, {args.runs} runs of {args.seconds} s, "
          f"{args.connections} connections, load {load}\n")  # fmt: skip
    print("| server | page | KB | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, runs in results.items():
        rate = common.median([r["rate"] for r in runs])
        p50, p99 = common.median([r["p50"] for r in runs]), common.median([r["p99"] for r in runs])
        errors = sum(r["errors"] for r in runs)
        print(f"| {name} | `{servers[name].split('/', 3)[3]}` | {sizes[name] / 1024:.0f} | {rate:,.0f} | {p50:.1f} | "
              f"{p99:.1f} | {errors} |")  # fmt: skip
    ratio = common.median([r["rate"] for r in results["ours, uncached"]]) / common.median(
        [r["rate"] for r in results["Wagtail 8"]]
    )
    print(f"\nours ÷ Wagtail: {ratio:.2f}× (target ≥ 3×)")


if __name__ == "__main__":
    main()
