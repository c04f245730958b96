"""Export every post as a Markdown file in our users' static-site format."""

from django.core.management.base import BaseCommand

from editorial.exporters import export_posts


class Command(BaseCommand):
    help = "Write every post to OUTDIR as <slug>.md (YAML front matter + Markdown body)."

    def add_arguments(self, parser):
        parser.add_argument("outdir")

    def handle(self, *args, outdir, verbosity, **options):
        def progress(count, post):
            if verbosity >= 2:
                self.stdout.write(f"wrote {post.slug}.md")
            elif verbosity >= 1 and count % 1000 == 0:
                self.stdout.write(f"{count} posts written…")

        count = export_posts(outdir, progress=progress)
        self.stdout.write(f"Exported {count} posts to {outdir}.")
