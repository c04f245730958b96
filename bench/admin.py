#!/usr/bin/env python
"""The admin at N posts: post list, change forms, review queue, glossary, vocabulary and tags
(p50 ms and queries).

    .venv/bin/python bench/admin.py [--posts 10000] [--database sqlite|postgresql] [--repeat 10]
    .venv/bin/python bench/admin.py --database-url sqlite:////tmp/whole.db   (the whole real site)

In-process, logged in as an editor. Run at two sizes (say 1000 and 10000) to see that the
query counts do not grow with the number of posts. Target: p50 under 300 ms.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402


def main():
    args = common.in_process_arguments(__doc__, repeat=10)
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.db.models.functions import Length
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from editorial.models import Post, Status

    editor, _ = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    editor.groups.add(Group.objects.get(name="Editors"))
    # A review queue worth the name: 50 posts submitted.
    Post.objects.filter(pk__in=Post.objects.order_by("-pk").values("pk")[:50]).update(status=Status.REVIEW)
    post = Post.objects.public().order_by("-published_at").first()
    # The item with the longest body (773,764 characters on the whole real site): its passages.
    largest = Post.objects.annotate(n=Length("body_zh_hans")).order_by("-n").only("pk").first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    pages = {
        "post list": reverse("admin:editorial_post_changelist"),
        "post list, search": reverse("admin:editorial_post_changelist") + "?q=模型",
        "post list, filtered": reverse("admin:editorial_post_changelist") + "?status__exact=published",
        "change form": reverse("admin:editorial_post_change", args=[post.pk]),
        "largest item's change form": reverse("admin:editorial_post_change", args=[largest.pk]),
        "post list, by translation state": reverse("admin:editorial_post_changelist") + "?translation=missing",
        "review queue": reverse("admin:editorial_post_review_queue"),
        "history": reverse("admin:editorial_post_history", args=[post.pk]),
        "admin index": reverse("admin:index"),
        "glossary list": reverse("admin:editorial_glossaryentry_changelist"),
        "vocabulary": reverse("admin:editorial_vocabularyterm_changelist"),
        "tag list": reverse("admin:taggit_tag_changelist"),
    }
    size = f"{Post.objects.count():,} items" if args.database_url else f"{args.posts} posts"
    print(f"\n### Admin: {args.database}, {size}, {args.repeat} requests each (load {os.getloadavg()[0]:.2f})\n")
    print("| page | p50 ms | max ms | queries |")
    print("|---|---:|---:|---:|")
    try:
        for name, path in pages.items():
            client.get(path)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            print(f"| {name} | {common.median(times):.0f} | {max(times):.0f} | {len(queries)} |")
    finally:
        Post.objects.filter(status=Status.REVIEW).update(status=Status.PUBLISHED)


if __name__ == "__main__":
    main()
