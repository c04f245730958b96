"""Derive every glossary entry's counts, name, definition and review flag again."""

from django.core.management.base import BaseCommand
from django.db import transaction

from editorial import content, glossary, jobs
from editorial.models import GlossaryUse, Post

from .rerender_posts import _Printer


class Command(BaseCommand):
    help = (
        "Derive each glossary entry's public posts, name, definition and review flag from the posts that "
        "use it. --reread first reads what each post says of each term again from its body (after "
        "upgrading to a version that keeps it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reread", action="store_true", help="Read each post's definitions again first.")
        parser.add_argument(
            "--background", action="store_true", help="Queue the derivation as a job for the worker instead."
        )

    def handle(self, *args, verbosity, reread, background, **options):
        if reread:
            self.stdout.write(f"Read the definitions of {reread_uses()} uses again.")
        if background:
            job = jobs.start("glossary_refresh", "Derive every glossary entry again")
            self.stdout.write(f"Queued job {job.pk}: follow it in the admin under background jobs.")
            return
        summary, _details = content.refresh_glossary(progress=_Printer(self.stdout, verbosity))
        self.stdout.write(str(summary))


def reread_uses(batch=200):
    """Fill each use with what its post's first definition of the term says."""
    count = 0
    posts = Post.objects.filter(glossary_uses__isnull=False).distinct().order_by("pk")
    ids = list(posts.values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            chunk = Post.objects.filter(pk__in=ids[start : start + batch]).only("pk", "body_zh_hans")
            for post in chunk:
                first = {}
                for annotation in glossary.extract(post.body_zh_hans or ""):
                    first.setdefault(glossary.normalize(annotation.term), annotation)
                changed = []
                for use in GlossaryUse.objects.filter(post=post):
                    annotation = first.get(use.term_key)
                    if annotation is None:
                        continue
                    use.term, use.chinese = annotation.term[:200], annotation.chinese[:200]
                    use.english, use.abbreviation = annotation.english[:300], annotation.abbreviation[:60]
                    use.definition = annotation.definition
                    changed.append(use)
                GlossaryUse.objects.bulk_update(changed, ["term", "chinese", "english", "abbreviation", "definition"])
                count += len(changed)
    return count
