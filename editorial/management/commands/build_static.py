"""Write the public site as static files (see editorial/static_site.py)."""

from django.core.management.base import BaseCommand

from editorial import static_site


class Command(BaseCommand):
    help = (
        "Write every public page, feed and sitemap of both languages to OUTDIR as files a static host "
        "or nginx serves directly. Run it again to update: unchanged files are left alone and pages "
        "that no longer exist are removed. Set EDITORIAL_STATIC_DIR=OUTDIR to keep it current as posts change."
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir")
        parser.add_argument(
            "--workers", type=int, default=None, help="processes rendering pages (default: one per core)"
        )

    def handle(self, *args, outdir, workers, verbosity, **options):
        def progress(count):
            if verbosity >= 2:
                self.stdout.write(f"{count} pages…")

        report = static_site.build(outdir, workers=workers, progress=progress)
        self.stdout.write(f"Static site in {outdir}: {report}.")
        if report.failed:
            for path, status in report.failed:
                self.stderr.write(f"  {path}: HTTP {status}")
