#!/usr/bin/env python
"""Seed DATABASE_URL with N public posts for the benchmarks (see common.py).

DATABASE_URL=… .venv/bin/python bench/seed.py 10000
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from editorial import caching, importers, search  # noqa: E402
from editorial.models import GlossaryUse, Post, PostEntity, SearchDocument, Status, TaggedPost  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [ROOT.parent / "shared/corpus/notes", ROOT.parent / "shared/corpus/newer"]
BATCH = 250
SKIP = {"id", "slug", "version", "import_sha256"}


def seed(total):
    call_command("migrate", interactive=False, verbosity=0)
    sources = [ROOT / "sample_content", *(p for p in CORPUS if p.is_dir())]
    result = importers.import_files(sources)
    print(f"imported {len(result.files)} files ({len(result.failed)} failed)", file=sys.stderr)
    Post.objects.exclude(status__in=Status.public()).update(status=Status.PUBLISHED)
    Post.objects.filter(published_at__isnull=True).update(published_at=timezone.now())
    Post.objects.update(unlisted=False)
    originals = list(Post.objects.order_by("pk"))
    tags = _rows(TaggedPost, "content_object_id", ["tag_id"])
    mentions = _rows(PostEntity, "post_id", ["entity_id", "position"])
    uses = _rows(GlossaryUse, "post_id", ["entry_id", "count", "term_key", "pinned"])
    tokens = dict(SearchDocument.objects.values_list("post_id", "tokens"))
    fields = [f.attname for f in Post._meta.concrete_fields if f.attname not in SKIP]
    made = len(originals)
    while made < total:
        size = min(BATCH, total - made)
        with transaction.atomic():
            clones = []
            for n in range(made, made + size):
                source = originals[n % len(originals)]
                clone = Post(**{name: getattr(source, name) for name in fields})
                clone.slug = f"{source.slug}-{n}"
                clone.title_zh_hans = f"{source.title_zh_hans}（{n}）"
                clone.published_at = source.published_at - timedelta(minutes=n)
                clone.copied_from = source.pk
                clones.append(clone)
            Post.objects.bulk_create(clones)
            if connection.vendor == "sqlite" or clones[0].pk is None:  # ids for the rows below
                by_slug = dict(Post.objects.filter(slug__in=[c.slug for c in clones]).values_list("slug", "pk"))
                for clone in clones:
                    clone.pk = by_slug[clone.slug]
            TaggedPost.objects.bulk_create(
                TaggedPost(content_object_id=c.pk, **row) for c in clones for row in tags.get(c.copied_from, [])
            )
            PostEntity.objects.bulk_create(
                PostEntity(post_id=c.pk, **row) for c in clones for row in mentions.get(c.copied_from, [])
            )
            GlossaryUse.objects.bulk_create(
                GlossaryUse(post_id=c.pk, **row) for c in clones for row in uses.get(c.copied_from, [])
            )
            SearchDocument.objects.bulk_create(
                SearchDocument(post_id=c.pk, tokens=" ".join([tokens.get(c.copied_from, ""), *search.tokens(str(n))]))
                for n, c in enumerate(clones, made)
            )
        made += size
        print(f"{made} posts", file=sys.stderr, end="\r")
    caching.content_changed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"\n{Post.objects.count()} posts", file=sys.stderr)


def _rows(model, key, names):
    found = {}
    for row in model.objects.values(key, *names):
        found.setdefault(row.pop(key), []).append(row)
    return found


if __name__ == "__main__":
    seed(int(sys.argv[1]))
