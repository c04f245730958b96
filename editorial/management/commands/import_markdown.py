"""Import Markdown posts (YAML front matter) from files or folders; see editorial/importers.py."""

import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from editorial import kinds
from editorial.importers import import_files


class Command(BaseCommand):
    help = "Import posts from .md files or folders (recursively). The file name is the post's slug."
    requires_system_checks = []  # a batch job; start it fast

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders of .md files")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
        parser.add_argument(
            "--hold",
            choices=["draft", "review"],
            help="import new posts as drafts, or straight into the review queue, instead of public",
        )
        parser.add_argument(
            "--kind",
            choices=list(kinds.BY_KEY),
            help="the kind of files in no folder named for a kind (notes/, posts/, clippings/, books/); "
            "default: a book for the book layout, else a note",
        )
        parser.add_argument(
            "--unpublish-missing",
            action="store_true",
            help="archive public items whose file is gone from a kind's folder read whole (normally only reported)",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="replace posts changed in the CMS since their last import (normally refused)",
        )

    def run_from_argv(self, argv):
        # YouTube ids start with "-": let "import_markdown -0zpuizDulg.md" mean the file.
        argv = argv[:2] + [f"./{a}" if a.startswith("-") and os.path.exists(a) else a for a in argv[2:]]
        super().run_from_argv(argv)

    def handle(self, *args, paths, dry_run, hold, overwrite, kind, unpublish_missing, verbosity, **options):
        started = time.perf_counter()
        total_bytes = 0

        def progress(index, count, report):
            nonlocal total_bytes
            total_bytes += report.size
            if verbosity >= 1 and (report.action != "unchanged" or verbosity >= 2):
                self.stdout.write(f"[{index}/{count}] {report}")
                for note in report.notes:
                    self.stdout.write(f"    note: {note}")
                for repair in report.repairs if verbosity >= 2 else report.repairs[:3]:
                    self.stdout.write(f"    repaired {repair}")
                if verbosity < 2 and len(report.repairs) > 3:
                    self.stdout.write(f"    … and {len(report.repairs) - 3} more repairs (-v 2 lists them)")
            elif verbosity >= 1 and index % 500 == 0:
                self.stdout.write(f"[{index}/{count}] …")

        result = import_files(
            paths,
            dry_run=dry_run,
            hold=hold,
            overwrite=overwrite,
            kind=kind,
            unpublish_missing=unpublish_missing,
            progress=progress,
        )
        if not result.files:
            raise CommandError("no .md files found in " + ", ".join(paths))
        for report in result.files:
            if report.action == "failed" and report.size == 0 and "no such" in report.message:
                self.stdout.write(str(report))
        elapsed = time.perf_counter() - started
        if result.missing:
            self.stdout.write(f"{len(result.missing)} items were imported from files that are gone:")
            for item_kind, slug, done in result.missing:
                self.stdout.write(f"  {kinds.get(item_kind).folder}/{slug}.md: {done}")
            if not unpublish_missing:
                self.stdout.write("  (--unpublish-missing archives the public ones)")
        changes = result.visibility_changes
        if changes:
            self.stdout.write(f"Visibility differs from the live site for {len(changes)} posts:")
            for report in changes:
                self.stdout.write(f"  {report.path}: {report.visibility}")
        prefix = "Dry run, nothing written. " if dry_run else ""
        rate = f"{len(result.files) / elapsed:.1f} files/s, {total_bytes / 1e6 / elapsed:.2f} MB/s" if elapsed else ""
        self.stdout.write(f"{prefix}{result.summary()} in {elapsed:.1f}s ({rate}).")
        if result.failed:
            self.stderr.write(f"{len(result.failed)} files were not imported:")
            for report in result.failed:
                self.stderr.write(f"  {report}")
            sys.exit(1)
