"""Write the whole CMS to one file that ``manage.py restore`` reads back into an empty database."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Rebuilt by ``migrate`` on any database (content types, permissions), or not worth keeping
# (sessions, login-throttling records).
NOT_BACKED_UP = ["contenttypes", "auth.permission", "sessions", "axes"]


class Command(BaseCommand):
    help = (
        "Back up posts (both languages), tags, entities, the glossary, workflow history, revisions, "
        "share links, users and groups to FILE (.yaml, or compressed: .yaml.gz, .yaml.bz2, .yaml.xz)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        # YAML: Django's JSON serializer cuts times to the millisecond, its XML one strips text.
        if not file.endswith((".yaml", ".yaml.gz", ".yaml.bz2", ".yaml.xz")):
            raise CommandError("Name the backup FILE.yaml, or FILE.yaml.gz / .yaml.bz2 / .yaml.xz to compress it.")
        call_command(
            "dumpdata",
            format="yaml",
            natural_foreign=True,
            natural_primary=True,
            exclude=NOT_BACKED_UP,
            output=file,
            verbosity=0,
        )
        self.stdout.write(f"Backed up to {file}. Restore with: manage.py migrate && manage.py restore {file}")
