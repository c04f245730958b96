"""Text kept compressed where the database compresses nothing itself.

SQLite stores every value as written, and a post's rendered HTML and its search tokens are
with the bodies themselves the largest columns of the database (on the users' whole site, 307 MB
of Markdown: HTML 351 MB, tokens 492 MB, bodies 298 MB). ``PackedTextField`` keeps such text
zlib-compressed on SQLite, as a BLOB in its text column (SQLite keeps each value's own type, so
the column is not remade); PostgreSQL keeps it as text, which its TOAST storage compresses
already. Short values stay plain text on both, so an empty or short value reads and compares as
before (``body_en > ''`` holds for a packed body too: SQLite orders every BLOB after text).

Only what is read whole is packed: nothing filters or orders by these columns (a lookup would
compare compressed bytes). SQLite's full-text index reads the tokens through the SQL function
``editorial_unpack``, registered on every connection (``register_functions``).
"""

import zlib

from django.db import models

PACK_FROM = 256  # bytes of UTF-8: below this, compression saves little and the value stays text
LEVEL = 6


def pack(text):
    data = text.encode()
    return zlib.compress(data, LEVEL) if len(data) >= PACK_FROM else text


def unpack(value):
    """The text of a stored value: compressed bytes are inflated, text is itself."""
    if isinstance(value, (bytes, memoryview)):
        return zlib.decompress(value).decode()
    return value


class PackedText:
    """The packing, for any text field class (a translated one too)."""

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if connection.vendor == "sqlite" and isinstance(value, str):
            return pack(value)
        return value

    def from_db_value(self, value, expression, connection):
        return unpack(value)


class PackedTextField(PackedText, models.TextField):
    """A text column compressed on SQLite (see the module)."""


def register_functions(sender, connection, **kwargs):
    """``connection_created``: give SQLite ``editorial_unpack(value)`` for its triggers."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("editorial_unpack", 1, unpack, deterministic=True)
