"""Render every post's body again (after the renderer changed)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from editorial.glossary_sync import Resolver, sync_post
from editorial.models import Post
from editorial.search import index_post


class Command(BaseCommand):
    help = "Re-render every post's stored HTML, and rebuild its glossary links and search tokens."

    def handle(self, *args, verbosity, **options):
        count = 0
        resolver = Resolver(preload=True)
        for post in Post.objects.iterator(chunk_size=100):
            with transaction.atomic():
                fields = post.render_bodies(force=True)
                Post.objects.filter(pk=post.pk).update(**{f: getattr(post, f) for f in fields})  # incl. toc
                sync_post(post, resolver=resolver)  # and links the defined terms again
                index_post(post)
            count += 1
        self.stdout.write(f"Re-rendered {count} posts.")
