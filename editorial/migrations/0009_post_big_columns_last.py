"""SQLite: put a post's big text columns (bodies, rendered HTML, front matter) last.

SQLite stores a row's columns in table order and keeps what does not fit a page in a chain
of overflow pages; a column after a 100 KB body can only be read by walking that chain.
With the bodies first, every list (home, tags, feeds, sitemap, admin) read each post's
whole body just to learn its slug or date: 0.6 s for the home page at 10,000 posts. The
table is rebuilt once with the small columns first; PostgreSQL keeps big values out of
line anyway (TOAST), so nothing changes there.
"""

from django.db import migrations

BIG = [
    "front_matter", "toc", "body_en", "body_html_en",
    "body_zh_hans", "body_html_zh_hans", "body", "body_html",
]  # fmt: skip


class MoveFieldsLast(migrations.operations.base.Operation):
    """Reorder a model's fields (state) and, on SQLite, rebuild its table in that order."""

    reversible = True

    def __init__(self, model_name, fields):
        self.model_name = model_name
        self.fields = fields

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "fields": self.fields}

    def state_forwards(self, app_label, state):
        model = state.models[app_label, self.model_name]
        fields = model.fields
        model.fields = {name: f for name, f in fields.items() if name not in self.fields} | {
            name: fields[name] for name in self.fields if name in fields
        }
        state.reload_model(app_label, self.model_name, delay=True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor._remake_table(to_state.apps.get_model(app_label, self.model_name))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # column order does not change what the table holds

    def describe(self):
        return f"Move {', '.join(self.fields)} of {self.model_name} last"


class Migration(migrations.Migration):
    dependencies = [("editorial", "0008_post_visibility_index")]

    operations = [MoveFieldsLast("post", BIG)]
