"""Create an ArticlePage under the home page for each item of a JSON-lines file (bench/wagtail.py
writes it from our database: the same titles, summaries, tags, dates and rendered bodies)."""

import datetime
import json

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Page, Site

from articles.models import ArticlePage


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("items")

    def handle(self, items, **options):
        home = Site.objects.get(is_default_site=True).root_page
        taken = set(Page.objects.child_of(home).values_list("slug", flat=True))
        created = 0
        with open(items, encoding="utf-8") as lines, transaction.atomic():
            for line in lines:
                item = json.loads(line)
                slug = item["slug"] if item["simple"] else slugify(item["slug"], allow_unicode=True)[:200] or "item"
                base, n = slug, 1
                while slug in taken:
                    n += 1
                    slug = f"{base}-{n}"
                taken.add(slug)
                page = ArticlePage(
                    title=item["title"][:255], slug=slug, summary=item["summary"], speaker=item["speaker"][:300],
                    source_link=item["source_link"][:500], body=item["body_html"],
                    date=datetime.date.fromisoformat(item["date"]) if item["date"] else None,
                )  # fmt: skip
                home.add_child(instance=page)
                page.tags.set(item["tags"])
                page.save(clean=False)
                created += 1
        self.stdout.write(f"{created} pages")
