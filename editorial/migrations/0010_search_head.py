"""PostgreSQL: rank search results by a post's head (titles, summaries, people), not its body.

ts_rank_cd reads the whole tsvector of every match; for a word in 4,000 of 10,000 posts that
is 4,000 bodies de-TOASTed, 0.23 s. The head is the first 2,000 characters of the tokens
(search.document_tokens puts the titles, weighted, then summaries and people there), small
enough to stay in the row. Matching still uses the whole text. SQLite's FTS5 bm25 is fast
as it is.
"""

from django.db import migrations

FORWARD = (
    "ALTER TABLE editorial_searchdocument ADD COLUMN head tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', left(tokens, 2000))) STORED"
)
BACKWARD = "ALTER TABLE editorial_searchdocument DROP COLUMN head"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("editorial", "0009_post_big_columns_last")]

    operations = [migrations.RunPython(forward, backward)]
