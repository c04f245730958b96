"""The SQLite full-text index reads its text from editorial_searchdocument (FTS5 external
content) instead of keeping a second copy of every post's tokens: the database holds the
tokens once, and an import writes them once."""

from django.db import migrations

SQLITE = [
    "DROP TRIGGER IF EXISTS editorial_search_ai",
    "DROP TRIGGER IF EXISTS editorial_search_ad",
    "DROP TRIGGER IF EXISTS editorial_search_au",
    "DROP TABLE IF EXISTS editorial_search_fts",
    "CREATE VIRTUAL TABLE editorial_search_fts USING fts5(tokens, content='editorial_searchdocument', "
    "content_rowid='post_id', tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE TRIGGER editorial_search_ai AFTER INSERT ON editorial_searchdocument BEGIN "
    "INSERT INTO editorial_search_fts(rowid, tokens) VALUES (new.post_id, new.tokens); END",
    "CREATE TRIGGER editorial_search_ad AFTER DELETE ON editorial_searchdocument BEGIN "
    "INSERT INTO editorial_search_fts(editorial_search_fts, rowid, tokens) VALUES ('delete', old.post_id, old.tokens); "
    "END",
    "CREATE TRIGGER editorial_search_au AFTER UPDATE ON editorial_searchdocument BEGIN "
    "INSERT INTO editorial_search_fts(editorial_search_fts, rowid, tokens) VALUES ('delete', old.post_id, old.tokens); "
    "INSERT INTO editorial_search_fts(rowid, tokens) VALUES (new.post_id, new.tokens); END",
    "INSERT INTO editorial_search_fts(editorial_search_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS editorial_search_ai",
    "DROP TRIGGER IF EXISTS editorial_search_ad",
    "DROP TRIGGER IF EXISTS editorial_search_au",
    "DROP TABLE IF EXISTS editorial_search_fts",
    "CREATE VIRTUAL TABLE editorial_search_fts USING fts5(tokens, tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE TRIGGER editorial_search_ai AFTER INSERT ON editorial_searchdocument BEGIN "
    "INSERT INTO editorial_search_fts(rowid, tokens) VALUES (new.post_id, new.tokens); END",
    "CREATE TRIGGER editorial_search_ad AFTER DELETE ON editorial_searchdocument BEGIN "
    "DELETE FROM editorial_search_fts WHERE rowid = old.post_id; END",
    "CREATE TRIGGER editorial_search_au AFTER UPDATE ON editorial_searchdocument BEGIN "
    "DELETE FROM editorial_search_fts WHERE rowid = old.post_id; "
    "INSERT INTO editorial_search_fts(rowid, tokens) VALUES (new.post_id, new.tokens); END",
    "INSERT INTO editorial_search_fts(rowid, tokens) SELECT post_id, tokens FROM editorial_searchdocument",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("editorial", "0012_kinds_and_source_files")]

    operations = [migrations.RunPython(_run(SQLITE), _run(SQLITE_REVERSE))]
