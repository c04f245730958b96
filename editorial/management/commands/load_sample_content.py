"""Load the bundled sample posts through the same importer users' own files take."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from editorial.importers import import_files

SAMPLE_DIR = Path(settings.BASE_DIR) / "sample_content"


class Command(BaseCommand):
    help = "Import the sample posts in sample_content/ (safe to run again: unchanged posts are skipped)."

    def handle(self, *args, verbosity, **options):
        result = import_files([SAMPLE_DIR])
        if result.failed:
            raise CommandError("sample content failed to import: " + "; ".join(str(f) for f in result.failed))
        self.stdout.write(f"Sample content: {result.summary()}.")
