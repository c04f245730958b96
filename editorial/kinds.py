"""The kinds of item the site holds: notes, posts, clippings, book notes.

A kind is a row of this table, not a copy of the code: every item has one (``Post.kind``),
its slug is unique within its kind, and each kind has a folder in the content repository,
a URL segment in both languages (``/zh/notes/<slug>/``), a list page, a default layout
for files written from the CMS, and the front-matter keys it shows as details (a book's
author, rating, publisher…). The importer reads an item's kind from its folder, the
exporter writes it back there, the old site's URLs are resolved by it.

Adding a kind (saved X posts, podcasts) is one row here plus the migration Django makes
for the new choice: see docs/kinds.md.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Kind:
    key: str  # stored on the item
    folder: str  # its folder in the content repository, and its URL segment
    label: object  # one item, in the interface's language
    plural: object  # the list's heading
    layout: str = "post.njk"  # the layout a file written from the CMS names
    # (front-matter key, label) shown on the item's page, in this order
    details: tuple = field(default_factory=tuple)


KINDS = (
    Kind("note", "notes", pgettext_lazy("kind", "Note"), pgettext_lazy("kind", "Notes")),
    Kind("post", "posts", pgettext_lazy("kind", "Post"), pgettext_lazy("kind", "Posts")),
    Kind("clipping", "clippings", pgettext_lazy("kind", "Clipping"), pgettext_lazy("kind", "Clippings")),
    Kind(
        "book",
        "books",
        pgettext_lazy("kind", "Book note"),
        pgettext_lazy("kind", "Book notes"),
        layout="book-note.njk",
        details=(
            ("author", _("Author")),
            ("publisher", _("Publisher")),
            ("year", _("Year")),
            ("rating", _("Rating")),
            ("read_date", _("Read")),
            ("description", _("How I found it")),
        ),
    ),
)
BY_KEY = {kind.key: kind for kind in KINDS}
BY_FOLDER = {kind.folder: kind for kind in KINDS}
DEFAULT = "note"  # most of the site; what a file outside any kind's folder becomes
WRITTEN_HERE = "post"  # what an item made in the CMS is, unless its editor picks another kind
CHOICES = [(kind.key, kind.label) for kind in KINDS]
# Front-matter keys that hold a link to an image of the item (a book's cover).
COVER_KEYS = ("cover_image", "cover")


def get(key):
    return BY_KEY.get(key) or BY_KEY[DEFAULT]


def from_path(path, default=None):
    """The kind of a file, from the nearest folder above it named for a kind (``notes/x.md``),
    else ``default`` (or None)."""
    for part in reversed(list(path.parts[:-1])):
        if part in BY_FOLDER:
            return BY_FOLDER[part].key
    return default


def segment_regex():
    return "|".join(kind.folder for kind in KINDS)


class KindConverter:
    """URL segment (``notes``) ↔ kind key (``note``)."""

    regex = segment_regex()

    def to_python(self, value):
        return BY_FOLDER[value].key

    def to_url(self, value):
        return get(value).folder
