"""Items imported with ``<details><summary>…</summary>`` on one line and the original on the
lines below were stored with an empty original and the English outside it (the parser read the
line as a whole one-line block). Forget their file digest, so the next import of the same file
(the pipeline's sync, or import_markdown) reads it again with the fixed parser; an item edited in
the CMS since is reported as a conflict there, as any other, and never overwritten silently."""

from django.db import migrations

EMPTY_ORIGINAL = r"<summary>[^<\n]*</summary>\s*</details>"


def forget_digests(apps, schema_editor):
    Post = apps.get_model("editorial", "Post")
    Post.objects.filter(body_zh_hans__regex=EMPTY_ORIGINAL).exclude(import_sha256="").update(import_sha256="")


class Migration(migrations.Migration):
    dependencies = [("editorial", "0020_tag_redirect")]

    operations = [migrations.RunPython(forget_digests, migrations.RunPython.noop)]
