#!/usr/bin/env python
"""The glossary's public pages, the sitemap and the admin's glossary list on an imported
site, with the whole-page cache bypassed: p50 / max ms and queries per page.

    DATABASE_URL=sqlite:////path/whole.sqlite3 .venv/bin/python bench/glossary_pages.py [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1/cms_whole .venv/bin/python bench/glossary_pages.py

Run it on a database the whole real site was imported into (bench/glossary_eval.py or
`manage.py import_markdown` makes one). In-process, debug off, the page cache off (an
in-memory cache holds what the app caches per change, as Redis would): every request
renders. Pages: the index in both languages (all, a letter, page 2, a search), the entry
pages of the most used entry, one at the index threshold and one used by a single post,
the sitemap index and every sitemap page, and the admin's glossary list and review queue.
Targets: index and entry pages < 300 ms, each sitemap page < 1 s, the admin list < 300 ms.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        print("skipped: set DATABASE_URL to a database holding an imported site")
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from common import PRODUCTION

    os.environ.update({**PRODUCTION, "CACHE_URL": "locmem://"})  # data caches as in production; pages bypassed
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation

    from editorial import sitemaps
    from editorial.middleware import PublicPageCacheMiddleware
    from editorial.models import GlossaryEntry, Post

    call_command("collectstatic", interactive=False, verbosity=0)  # pages name the hashed static files
    PublicPageCacheMiddleware.key = staticmethod(lambda request: None)
    if not GlossaryEntry.objects.public().exists():
        print(f"skipped: {connection.vendor} database at DATABASE_URL holds no public glossary")
        return
    public = GlossaryEntry.objects.public()
    most = public.order_by("-public_posts").first()
    threshold = public.filter(public_posts=settings.EDITORIAL_GLOSSARY_MIN_POSTS).order_by("pk").first()
    single = public.filter(public_posts=1).order_by("pk").first()
    pages = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            index = reverse("editorial:glossary-list")
            pages[f"index {language}"] = index
            pages[f"index {language}, letter S"] = index + "?letter=S"
            pages[f"index {language}, page 2"] = reverse("editorial:glossary-list", kwargs={"page": 2})
            pages[f"index {language}, search 模型"] = index + "?q=模型"
            for label, entry in (("most used", most), ("at threshold", threshold), ("single use", single)):
                if entry is not None:
                    pages[f"entry {language}, {label} ({entry.public_posts} posts)"] = entry.get_absolute_url()
    pages["sitemap index"] = "/sitemap.xml"
    for section, number in sitemaps.pages():
        pages[f"sitemap {section} {number}"] = reverse("sitemap-page", args=[section, number])
    staff = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin")
    admin_list = reverse("admin:editorial_glossaryentry_changelist")
    admin_pages = {"admin glossary list": admin_list, "admin review queue": admin_list + "?needs_review=yes",
                   "admin glossary search": admin_list + "?q=token"}  # fmt: skip

    print(
        f"{connection.vendor}: {Post.objects.count():,} posts, {GlossaryEntry.objects.count():,} entries, "
        f"{public.count():,} with a page, {GlossaryEntry.objects.in_index().count():,} in the index; "
        f"load {os.getloadavg()[0]:.2f}\n"
    )
    print("| page | p50 ms | max ms | queries | bytes |\n| --- | ---: | ---: | ---: | ---: |")
    reader, editor = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    editor.force_login(staff)
    for client, table in ((reader, pages), (editor, admin_pages)):
        for label, url in table.items():
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            size = len(response.content)
            print(f"| {label} | {statistics.median(times):.0f} | {max(times):.0f} | {len(queries)} | {size:,} |")


if __name__ == "__main__":
    main()
