"""PostgreSQL: compress an item's big columns with lz4 instead of pglz, and leave the
imported file (already zlib-compressed by us) uncompressed.

An import of the whole site spent a third of its time waiting for the server, most of it
compressing bodies and HTML with pglz; lz4 is several times faster at a similar size, and
trying to compress compressed bytes is wasted work. Only new values are affected. SQLite
and a PostgreSQL built without lz4 are left as they are.
"""

from django.db import migrations

COLUMNS = {
    "editorial_post": ["body_zh_hans", "body_en", "body_html_zh_hans", "body_html_en", "toc", "front_matter"],
    "editorial_searchdocument": ["tokens"],
}


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)")
        has_lz4 = cursor.fetchone() is not None
    for table, columns in COLUMNS.items():
        if has_lz4:
            for column in columns:
                schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION lz4')
    schema_editor.execute('ALTER TABLE "editorial_post" ALTER COLUMN "source_file" SET STORAGE EXTERNAL')


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION DEFAULT')
    schema_editor.execute('ALTER TABLE "editorial_post" ALTER COLUMN "source_file" SET STORAGE EXTENDED')


class Migration(migrations.Migration):
    dependencies = [("editorial", "0014_empty_base_columns")]

    operations = [migrations.RunPython(forwards, backwards)]
