"""Render every post's body again (after the renderer changed)."""

from django.core.management.base import BaseCommand

from editorial import content, jobs


class _Printer:
    def __init__(self, stdout, verbosity):
        self.stdout, self.verbosity, self.n = stdout, verbosity, 0

    def total(self, n):
        self.n = n

    def step(self, current="", *, done=None):
        if self.verbosity > 1:
            self.stdout.write(str(current))

    def fail(self, item, message, line=None):
        self.stdout.write(f"failed: {item}: {message}")


class Command(BaseCommand):
    help = (
        "Re-render every post's stored HTML, and rebuild its glossary links and search tokens; readers "
        "see the new HTML as each post is done (caches and the static copy follow)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--background", action="store_true", help="Queue it as a job for the worker instead (see the admin)."
        )

    def handle(self, *args, verbosity, background, **options):
        if background:
            job = jobs.start("rerender", "Render every post again")
            self.stdout.write(f"Queued job {job.pk}: follow it in the admin under background jobs.")
            return
        summary, _details = content.rerender(progress=_Printer(self.stdout, verbosity))
        self.stdout.write(str(summary))
