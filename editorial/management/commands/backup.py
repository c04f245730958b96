"""Write the whole CMS to one file that ``manage.py restore`` reads back into an empty database."""

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.db.models.functions import Length

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
        overlong = overlong_values()
        if overlong:
            self.stderr.write(
                f"{len(overlong)} values are longer than their columns allow. SQLite kept them; PostgreSQL "
                "will refuse them, and a restore there will stop. Shorten them first:"
            )
            for line in overlong[:50]:
                self.stderr.write(f"  {line}")


def overlong_values():
    """["model #pk field: N characters, at most M"] for every text longer than its column (SQLite
    stores any length; the admin and the importer check, but older databases may hold some)."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label in NOT_BACKED_UP or model._meta.label_lower in NOT_BACKED_UP:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField) and field.max_length:
                rows = model._default_manager.annotate(_length=Length(field.attname)).filter(
                    _length__gt=field.max_length
                )
                label, limit = f"{model._meta.label} #{{}} {field.name}", field.max_length
                for pk, length in rows.values_list("pk", "_length")[:50]:
                    found.append(f"{label.format(pk)}: {length} characters, at most {limit}")
    return found
