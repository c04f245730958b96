"""SQLite: keep the bodies, their HTML and the search tokens zlib-compressed (models/packed.py).

On the users' whole site these columns held 1,142 MB of the database's 1,894 (the Markdown
is 307 MB); packed they hold about 400. The columns keep their declared type (SQLite keeps
each value's own), so no table is remade: the rows are rewritten in place, and the full-text
index becomes contentless (``content=''``): it kept reading its text from the token column,
which now holds compressed bytes. Its triggers give it the tokens through
``editorial_unpack``, and its rows are written again from them. VACUUM then gives the freed
pages back, so this migration is not atomic (each step is). PostgreSQL changes nothing: its
TOAST storage compresses these columns already.
"""

import importlib

from django.db import migrations

import editorial.models.packed
import editorial.models.posts
from editorial.models.packed import pack, register_functions, unpack

HELP = (
    "Edited as passages, each paragraph beside its original; the Markdown tab shows the text itself, "
    "each original in the folding block after its paragraph, as in the imported files."
)
COLUMNS = {
    "editorial_post": ["id", "body_zh_hans", "body_en", "body_html_zh_hans", "body_html_en"],
    "editorial_searchdocument": ["post_id", "tokens"],
}
BATCH = 200
TRIGGERS = ["editorial_search_ai", "editorial_search_ad", "editorial_search_au"]
CONTENTLESS = [
    "CREATE VIRTUAL TABLE editorial_search_fts USING fts5(tokens, content='', "
    "tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE TRIGGER editorial_search_ai AFTER INSERT ON editorial_searchdocument BEGIN "
    "INSERT INTO editorial_search_fts(rowid, tokens) VALUES (new.post_id, editorial_unpack(new.tokens)); END",
    "CREATE TRIGGER editorial_search_ad AFTER DELETE ON editorial_searchdocument BEGIN "
    "INSERT INTO editorial_search_fts(editorial_search_fts, rowid, tokens) "
    "VALUES ('delete', old.post_id, editorial_unpack(old.tokens)); END",
    "CREATE TRIGGER editorial_search_au AFTER UPDATE ON editorial_searchdocument BEGIN "
    "INSERT INTO editorial_search_fts(editorial_search_fts, rowid, tokens) "
    "VALUES ('delete', old.post_id, editorial_unpack(old.tokens)); "
    "INSERT INTO editorial_search_fts(rowid, tokens) VALUES (new.post_id, editorial_unpack(new.tokens)); END",
    "INSERT INTO editorial_search_fts(rowid, tokens) SELECT post_id, editorial_unpack(tokens) "
    "FROM editorial_searchdocument",
]


def _rewrite(cursor, table, columns, convert):
    key, *texts = columns
    last = None
    while True:
        where = f"WHERE {key} > %s " if last is not None else ""
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {table} {where}ORDER BY {key} LIMIT {BATCH}",  # noqa: S608 - fixed names
            [last] if last is not None else [],
        )
        rows = cursor.fetchall()
        if not rows:
            return
        for pk, *values in rows:
            cursor.execute(
                f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in texts)} WHERE {key} = %s",  # noqa: S608
                [*(v if v is None else convert(v) for v in values), pk],
            )
        last = rows[-1][0]


def _recreate_index(cursor, statements):
    for trigger in TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    cursor.execute("DROP TABLE IF EXISTS editorial_search_fts")
    for sql in statements:
        cursor.execute(sql)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    register_functions(None, schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        for trigger in TRIGGERS:  # the index is rebuilt below; no trigger fires meanwhile
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for table, columns in COLUMNS.items():
            _rewrite(cursor, table, columns, lambda value: pack(unpack(value)))
        _recreate_index(cursor, CONTENTLESS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    register_functions(None, schema_editor.connection)
    external = importlib.import_module("editorial.migrations.0013_search_external_content")
    with schema_editor.connection.cursor() as cursor:
        for trigger in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for table, columns in COLUMNS.items():
            _rewrite(cursor, table, columns, unpack)
        _recreate_index(cursor, external.SQLITE[4:])


def vacuum(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("VACUUM")


BODY = editorial.models.posts.PackedTranslatedTextField


def field(cls, **options):
    return cls(blank=True, **options)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("editorial", "0029_search_head_inline")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField("post", "body", field(BODY, help_text=HELP, verbose_name="body")),
                migrations.AlterField("post", "body_zh_hans", field(BODY, help_text=HELP, null=True, verbose_name="body")),
                migrations.AlterField("post", "body_en", field(BODY, help_text=HELP, null=True, verbose_name="body")),
                migrations.AlterField("post", "body_html", field(BODY, editable=False, verbose_name="rendered body")),
                migrations.AlterField(
                    "post", "body_html_zh_hans", field(BODY, editable=False, null=True, verbose_name="rendered body")
                ),
                migrations.AlterField(
                    "post", "body_html_en", field(BODY, editable=False, null=True, verbose_name="rendered body")
                ),
                migrations.AlterField("searchdocument", "tokens", field(editorial.models.packed.PackedTextField)),
            ],
        ),
        migrations.RunPython(forwards, backwards, atomic=True, elidable=False),
        migrations.RunPython(vacuum, vacuum, elidable=False),
    ]
