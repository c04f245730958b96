"""Compare two saved revisions of a post: a readable diff per field and language."""

import difflib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from reversion.models import Version
from taggit.models import Tag

from .models import Entity, PostEntity, TaggedPost

# The fields an editor cares about, in the order of the form, with their labels.
COMPARED_FIELDS = [
    ("title_zh_hans", _("title (Chinese)")),
    ("title_en", _("title (English)")),
    ("slug", _("slug")),
    ("summary_zh_hans", _("summary (Chinese)")),
    ("summary_en", _("summary (English)")),
    ("insight_zh_hans", _("insight (Chinese)")),
    ("insight_en", _("insight (English)")),
    ("body_zh_hans", _("body (Chinese)")),
    ("body_en", _("body (English)")),
    ("date", _("date")),
    ("source_url", _("source URL")),
    ("speaker", _("speaker")),
    ("guest", _("guest")),
    ("area", _("area")),
    ("category", _("category")),
    ("series", _("series")),
    ("series_order", _("order in series")),
    ("status", _("status")),
    ("published_at", _("publication time")),
    ("unlisted", _("unlisted")),
]


@dataclass
class FieldDiff:
    name: str
    label: str
    before: str
    after: str
    lines: list  # (kind, text) with kind in {"+", "-", " ", "?"}


def snapshot(version):
    """The comparable values of a post revision, tags and mentions included."""
    fields = version.field_dict
    values = {name: _text(fields.get(name)) for name, _label in COMPARED_FIELDS}
    # Fields as reversion gives them: foreign keys by attribute name (tag_id, entity_id). Only
    # this post's rows (a revision may hold others), tags in the order given (by id).
    related = [v.field_dict | {"_model": v.content_type.model_class()} for v in version.revision.version_set.all()]
    object_id = int(version.object_id)
    tagged = sorted(
        (d for d in related if d["_model"] is TaggedPost and d.get("content_object_id") == object_id),
        key=lambda d: d.get("id") or 0,
    )
    tag_ids = [d.get("tag_id") for d in tagged]
    links = sorted(
        (d for d in related if d["_model"] is PostEntity and d.get("post_id") == object_id),
        key=lambda d: d.get("position") or 0,
    )
    names = dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name"))
    values["tags"] = ", ".join(names.get(pk, f"#{pk}") for pk in tag_ids)
    entities = Entity.objects.in_bulk([d.get("entity_id") for d in links])
    values["mentions"] = "\n".join(str(entities.get(d.get("entity_id"), f"#{d.get('entity_id')}")) for d in links)
    return values


def diff_versions(older, newer):
    """[FieldDiff] for every field that differs between two revisions."""
    a, b = snapshot(older), snapshot(newer)
    labels = dict(COMPARED_FIELDS) | {"tags": _("tags"), "mentions": _("mentions")}
    return [_diff(name, labels[name], a[name], b[name]) for name in labels if a[name] != b[name]]


def diff_against_current(version, post):
    """Fields changed since ``version`` was saved, compared with the post as it is now."""
    current = {name: _text(getattr(post, name, "")) for name, _label in COMPARED_FIELDS}
    before = {name: _text(version.field_dict.get(name)) for name, _label in COMPARED_FIELDS}
    return [
        _diff(name, label, before[name], current[name])
        for name, label in COMPARED_FIELDS
        if before[name] != current[name]
    ]


def versions_of(post):
    return Version.objects.get_for_object(post).select_related("revision__user")


def _diff(name, label, before, after):
    lines = [
        (line[0], line[2:])
        for line in difflib.ndiff(before.splitlines() or [""], after.splitlines() or [""])
        if line[0] in "+- "
    ]
    # Long bodies: keep changed lines and one line of context around them.
    if len(lines) > 40:
        keep = set()
        for i, line in enumerate(lines):
            if line[0] != " ":
                keep.update({i - 1, i, i + 1})
        lines = [line if i in keep else ("…", "") for i, line in enumerate(lines)]
        lines = [line for i, line in enumerate(lines) if line[0] != "…" or i == 0 or lines[i - 1][0] != "…"]
    return FieldDiff(name, str(label), before, after, lines)


def _text(value):
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)
