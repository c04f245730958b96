"""PostgreSQL: keep each search document's head (migration 0010) in its row, not in TOAST.

Ranking reads ``ts_rank_cd`` over the head of every match. A head is about 7 KB, more than
PostgreSQL keeps in a row by default, so each was read from the TOAST table in four pieces:
for one Chinese character (4,800 matches on the whole real site) 19,000 look-ups, 120 of the
search's 170 ms. With storage MAIN a head stays in its row (one row per page; 70 MB for the
whole site), and the search takes 46 ms. VACUUM FULL rewrites the rows already there (45 s on
the whole site): it cannot run in a transaction, so this migration is not atomic.
"""

from django.db import migrations


def _storage(kind):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE editorial_searchdocument ALTER COLUMN head SET STORAGE {kind}")
            schema_editor.execute("VACUUM FULL editorial_searchdocument")

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("editorial", "0028_post_admin_search_index")]

    operations = [migrations.RunPython(_storage("MAIN"), _storage("EXTENDED"), elidable=False)]
