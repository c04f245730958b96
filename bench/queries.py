#!/usr/bin/env python
"""Queries per page, for every public page type, rendered (the whole-page cache bypassed).

The per-generation indexes (sources, series, tag pages) are cached as in production (an
in-memory cache here); only the whole-page cache is switched off, so each count is what a
render costs.

    .venv/bin/python bench/queries.py [--posts 10000] [--database sqlite|postgresql]

Target: at most 3 on any public page, the same at any number of posts.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402


def pages():
    from django.db.models import Count

    from editorial.models import Entity, GlossaryEntry, Post
    from editorial.sources import series_index, source_index
    from editorial.views import tags_with_pages

    post = Post.objects.public().order_by("-published_at").first()
    entity = Entity.objects.annotate(n=Count("post_links")).order_by("-n").first()
    tag = tags_with_pages().order_by("-n").first()
    entry = GlossaryEntry.objects.public().annotate(n=Count("uses")).order_by("-n").first()
    source = next(iter(source_index()), None)
    series = next(iter(series_index()), None)
    found = {
        "home": "/zh/",
        "home, page 2": "/zh/page/2/",
        "post": post.get_absolute_url(),
        "post, English": post.get_absolute_url().replace("/zh/", "/en/", 1),
        "post, side by side": post.get_absolute_url() + "?mode=both",
        "post Markdown": post.get_absolute_url() + "source.md",
        "tag directory": "/zh/tags/",
        "tag page": f"/zh/tags/{tag.slug}/" if tag else None,
        "tag feed": f"/zh/tags/{tag.slug}/feed/" if tag else None,
        "sources directory": "/zh/sources/",
        "source page": f"/zh/sources/{source}/" if source else None,
        "series page": f"/zh/series/{series}/" if series else None,
        "entity page": entity.get_absolute_url() if entity else None,
        "glossary": "/zh/glossary/",
        "glossary entry": entry.get_absolute_url() if entry else None,
        "search, Chinese": "/zh/search/?q=模型",
        "search, English": "/zh/search/?q=inflation",
        "feed": "/zh/feed/",
        "sitemap": "/sitemap.xml",
        "robots": "/robots.txt",
        "old URL (301)": "/page/2/",
    }
    return {name: path for name, path in found.items() if path}


def main():
    args = common.in_process_arguments(__doc__)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    print(f"\n### Queries per public page: {args.database}, {args.posts} posts, rendered\n")
    print("| page | address | status | queries | render ms (median of 5) |")
    print("|---|---|---:|---:|---:|")
    for name, path in pages().items():
        client.get(path)  # warm: per-generation indexes are built once, then shared by every page
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        count = len(queries)  # now: the connection's log is cleared when it reconnects
        times = []
        for _ in range(5):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        print(f"| {name} | `{path}` | {status} | {count} | {common.median(times):.1f} |")


if __name__ == "__main__":
    main()
