"""Read a ``manage.py backup`` file into an empty, migrated database."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from editorial import content
from editorial.models import GlossaryEntry, Post


class Command(BaseCommand):
    help = "Restore a backup made by 'manage.py backup' into this (migrated, empty) database."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        if Post.objects.exists() or GlossaryEntry.objects.exists():
            raise CommandError(
                "This database already holds posts or glossary entries; restore only into an empty one "
                "(a new database after 'manage.py migrate'), so nothing here is overwritten."
            )
        with transaction.atomic():  # all or nothing
            call_command("loaddata", file, verbosity=0)
            content.changed(everything=True)
        self.stdout.write(
            f"Restored {Post.objects.count()} posts and {GlossaryEntry.objects.count()} glossary entries from {file}."
        )
