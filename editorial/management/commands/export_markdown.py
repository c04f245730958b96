"""Export every item as a Markdown file in our users' content-repository layout."""

from django.core.management.base import BaseCommand

from editorial.exporters import export_posts, item_path


class Command(BaseCommand):
    help = (
        "Write every item to OUTDIR/<kind folder>/<slug>.md (notes/, posts/, clippings/, books/): "
        "an imported item as its file's bytes, changed only where it was edited."
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir")

    def handle(self, *args, outdir, verbosity, **options):
        def progress(count, post):
            if verbosity >= 2:
                self.stdout.write(f"wrote {item_path(post)}")
            elif verbosity >= 1 and count % 1000 == 0:
                self.stdout.write(f"{count} posts written…")

        count = export_posts(outdir, progress=progress)
        self.stdout.write(f"Exported {count} posts to {outdir}.")
