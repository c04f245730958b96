"""The admin's post search reads titles, summaries, slugs and people by substring (LIKE '%…%'),
which no index can seek: on SQLite that read every row of the post table, bodies and all
(776 MB on the whole real site; 100 ms per query, three queries per page). An index holding
just those columns lets SQLite scan it instead (a few MB; 16–29 ms). PostgreSQL keeps long
text out of line (TOAST), so its scan is cheap already, and a B-tree there refuses entries
over 2.7 KB (a long summary): this index is SQLite's alone."""

from django.db import migrations

COLUMNS = "title_zh_hans, title_en, summary_zh_hans, summary_en, slug, speaker, guest, date, kind, status"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS post_admin_search ON editorial_post ({COLUMNS})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS post_admin_search")


class Migration(migrations.Migration):
    dependencies = [("editorial", "0027_interface_labels")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
