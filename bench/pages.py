#!/usr/bin/env python
"""Anonymous reads: requests/s and latency for a post page and the home page, side by side
with nginx serving the same bytes from a file, in the same run.

    .venv/bin/python bench/pages.py [--posts 10000] [--databases sqlite,postgresql]
                                    [--runs 3] [--seconds 10] [--connections 16]

For each database it seeds N posts (common.py), starts the app under gunicorn (2 sync
workers, debug off, Redis as the cache) twice, once with the whole-page cache off
(EDITORIAL_PAGE_CACHE_SECONDS=0: every request renders) and once with it on, and nginx (2 workers) serving the bytes the
app answered, written to files. wrk measures each page on each server, interleaved, `runs`
times. Prints a Markdown table of medians, each rate also as a share of nginx's, and the
memory of each gunicorn worker after the runs.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

WAGTAIL = 142  # req/s, Wagtail 8 on the same page and machine (issue #7), for the ratio


def pick_pages(env):
    """A post of typical size (the median HTML length among the imported posts) and home."""
    slug = common.shell(
        env,
        "from editorial.models import Post; from django.db.models.functions import Length; "
        "qs = Post.objects.public().annotate(n=Length('body_html_zh_hans')).order_by('n'); "
        "print(qs[qs.count() // 2].slug)",
    )  # fmt: skip
    return {"post": f"/zh/posts/{slug}/", "home": "/zh/"}


def measure(vendor, args):
    url = common.ensure_seeded(vendor, args.posts)
    # Uncached: no whole-page cache, but the site's indexes cached in Redis, as in production.
    uncached = common.environment(url, CACHE_URL="redis://127.0.0.1:6379/14", EDITORIAL_PAGE_CACHE_SECONDS="0")
    cached = common.environment(url, CACHE_URL="redis://127.0.0.1:6379/14")
    subprocess.run(["redis-cli", "-n", "14", "flushdb"], capture_output=True, check=False)
    pages = pick_pages(uncached)
    results = {}
    memory = {}
    with tempfile.TemporaryDirectory() as root, common.gunicorn(uncached) as (app, app_process):
        for path in pages.values():
            target = Path(root) / path.lstrip("/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(common.fetch(app + path))
        sizes = {name: (Path(root) / path.lstrip("/") / "index.html").stat().st_size for name, path in pages.items()}
        with common.gunicorn(cached) as (cache_app, cache_process), common.nginx(root) as static:
            servers = {"nginx (file)": static, "app, uncached": app, "app, page cache": cache_app}
            for base in servers.values():  # warm up: imports, template and page caches
                for path in pages.values():
                    common.wrk(base + path, seconds=2, connections=4)
            for _ in range(args.runs):
                for page, path in pages.items():
                    for server, base in servers.items():
                        result = common.wrk(base + path, seconds=args.seconds, connections=args.connections)
                        results.setdefault((page, server), []).append(result)
            for label, process in (("uncached", app_process), ("page cache", cache_process)):
                memory[label] = [common.rss_mb(pid) for pid in common.children(process.pid)]
    return pages, sizes, results, memory


def report(vendor, pages, sizes, results, memory, args):
    print(f"\n### {vendor}: {args.posts} posts, {args.runs} runs of {args.seconds}s, {args.connections} connections\n")
    print(f"post page {pages['post']} ({sizes['post'] / 1024:.0f} KB), home page ({sizes['home'] / 1024:.0f} KB)\n")
    print("| page | server | req/s | p50 ms | p99 ms | errors | share of nginx | × Wagtail (142/s) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for page in pages:
        nginx = common.median([r["rate"] for r in results[(page, "nginx (file)")]])
        for server in ("nginx (file)", "app, uncached", "app, page cache"):
            runs = results[(page, server)]
            rate = common.median([r["rate"] for r in runs])
            p50 = common.median([r["p50"] for r in runs])
            p99 = common.median([r["p99"] for r in runs])
            errors = sum(r["errors"] for r in runs)
            wagtail = f"{rate / WAGTAIL:.1f}×" if page == "post" and server != "nginx (file)" else ""
            share = rate / nginx
            print(f"| {page} | {server} | {rate:,.0f} | {p50:.1f} | {p99:.1f} | {errors} | {share:.1%} | {wagtail} |")
    for label, sizes_mb in memory.items():
        print(f"\ngunicorn workers after the runs ({label}): " + ", ".join(f"{m:.0f} MB" for m in sizes_mb))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    for vendor in args.databases.split(","):
        report(vendor, *measure(vendor, args), args)


if __name__ == "__main__":
    main()
