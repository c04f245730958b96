"""Front-matter keys and the Post fields they fill, and how odd shapes are read.

Shared by the importer and the exporter, so a key is mapped in one place.
"""

import base64
import datetime
import math

from . import frontmatter
from .models import Entity, Status

# Front-matter keys we model, and where they go. Everything else is kept in
# Post.front_matter["extra"] and written back on export.
TEXT_FIELDS = {
    "title": "title_zh_hans",
    "summary": "summary_zh_hans",
    "insight": "insight_zh_hans",
    "source": "source_url",
    "speaker": "speaker",
    "guest": "guest",
    "area": "area",
    "category": "category",
    "series": "series",
    # Our own extension: English translations made in the CMS survive an export/import.
    "title_en": "title_en",
    "summary_en": "summary_en",
    "insight_en": "insight_en",
}
ENTITY_KEYS = {
    "people": Entity.Kind.PERSON,
    "companies_orgs": Entity.Kind.ORGANISATION,
    "products_models": Entity.Kind.PRODUCT,
    "media_books": Entity.Kind.MEDIA,
    "project": Entity.Kind.PROJECT,
}
LIST_KEYS = ("tags", *ENTITY_KEYS)
MODELLED_KEYS = (*TEXT_FIELDS, "date", *LIST_KEYS)
# The keys our users' generator writes for every post (used when exporting a post
# that was created in the CMS rather than imported).
STANDARD_KEYS = (*MODELLED_KEYS, "draft", "layout", "status")
STATUS_TYPOS = {"evengreen": Status.EVERGREEN}


def decide_visibility(meta, *, hold=None):
    """(status, unlisted, why it differs from the live site or "") for a file's front matter."""
    unlisted = meta.get("exclude") is True or str(meta.get("exclude")).lower() == "true"
    if hold:
        return hold, unlisted, f"held as {hold} for review (the live site shows it)"
    raw = meta.get("status")
    key = str(raw).strip().lower() if raw is not None else ""
    if key in Status.values:
        status = Status(key)
    elif key in STATUS_TYPOS:
        status = STATUS_TYPOS[key]
    else:
        status = Status.PUBLISHED
    why = ""
    if status not in Status.public():
        why = f"status: {raw} makes it {status.label.lower()}, hidden from readers (the live site shows it)"
    return status, unlisted, why


def values_from_meta(meta):
    """Typed field values from front matter, accepting the odd shapes REPORT.md lists."""
    values, notes = {}, []
    title = meta.get("title")
    if title is None or not str(title).strip():
        raise frontmatter.FileError("missing title: the front matter needs a non-empty 'title'")
    for key in TEXT_FIELDS:
        value = meta.get(key)
        if value is None:
            value = ""
        elif isinstance(value, list):
            notes.append(f"{key} was a list; joined with commas")
            value = ", ".join(str(v) for v in value)
        values[key] = str(value)
    values["date"] = _date(meta.get("date"), notes)
    for key in LIST_KEYS:
        values[key] = _list(key, meta.get(key), notes)
    _check_lengths(values)
    values["_notes"] = notes
    return values


def _check_lengths(values):
    """Refuse a value longer than its column holds, by the model's own limits (the admin's forms
    check the same ones). SQLite stores any length; PostgreSQL refuses, so a SQLite backup
    holding one could not be restored there (#18 point 10). The real site's longest title is 102."""
    from taggit.models import Tag

    from .models import Post

    for key, attr in TEXT_FIELDS.items():
        limit = Post._meta.get_field(attr).max_length
        if limit and len(values[key]) > limit:
            raise frontmatter.FileError(f"{key} is {len(values[key])} characters long; at most {limit} fit")
    limits = {"tags": Tag._meta.get_field("name").max_length} | dict.fromkeys(
        ENTITY_KEYS, Entity._meta.get_field("name").max_length
    )
    for key, limit in limits.items():
        for name in values[key]:
            if len(name) > limit:
                raise frontmatter.FileError(
                    f"{key}: {name[:40]!r}… is {len(name)} characters long; at most {limit} fit"
                )


def _date(value, notes):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise frontmatter.FileError(f"date {value!r} is not a date (expected YYYY-MM-DD)") from None


def _list(key, value, notes):
    if value is None or value == "" or value == "[]":
        return []
    if isinstance(value, str):
        notes.append(f"{key} was the text {value!r}, not a list; read as a one-item list")
        return [value]
    if not isinstance(value, list):
        notes.append(f"{key} was {type(value).__name__}, not a list; read as a one-item list")
        return [str(value)]
    return [str(v) for v in value if v is not None and str(v) != ""]


def jsonable(value):
    """A front-matter value as JSON can hold it (PostgreSQL's jsonb refuses NaN; YAML also has
    sets, binary and tuples). The file's own bytes are kept besides, so nothing is lost."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=str)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value
