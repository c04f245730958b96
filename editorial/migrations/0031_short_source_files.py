"""Imported files kept without a second copy of their body (editorial/models/source_files.py).

Every file that ends with its item's stored body is written again short: its front matter
alone, the body being the item's own (on the users' whole site 8,114 of 8,865 files, 130 → 25
MB). Backwards writes every file whole again. Batches of 200 rows; SQLite is then VACUUMed to
give the freed pages back, so the migration is not atomic (each step is).
"""

from django.db import migrations

from editorial.models import source_files

BATCH = 200


def _rewrite(apps, convert):
    Post = apps.get_model("editorial", "Post")
    last = 0
    while True:
        rows = list(
            Post.objects.filter(pk__gt=last, source_file__isnull=False)
            .order_by("pk")
            .values_list("pk", "source_file", "body_zh_hans")[:BATCH]
        )
        if not rows:
            return
        for pk, stored, body in rows:
            new = convert(bytes(stored), body)
            if new is not None:
                Post.objects.filter(pk=pk).update(source_file=new)
        last = rows[-1][0]


def forwards(apps, schema_editor):
    _rewrite(apps, lambda stored, body: None if source_files.is_short(stored) else source_files.shortened(stored, body))


def backwards(apps, schema_editor):
    _rewrite(apps, lambda stored, body: source_files.made_whole(stored, body) if source_files.is_short(stored) else None)


def vacuum(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("VACUUM")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("editorial", "0030_packed_text")]

    operations = [
        migrations.RunPython(forwards, backwards, atomic=True, elidable=False),
        migrations.RunPython(vacuum, vacuum, elidable=False),
    ]
