"""Give items back as Markdown files in the format our users' site reads.

One file per item, ``<kind folder>/<slug>.md`` (``notes/``, ``posts/``, ``clippings/``,
``books/``), the layout the importer read. An imported item is its file: nobody edited it,
its exact bytes come back; edited, the smallest change to them (filepatch.py). An item made
in the CMS is written fresh: YAML front matter (keys in alphabetical order, dates as quoted
strings, lists as block lists) and the body with every original block in its canonical
shape. Keys the CMS does not model come back as they were imported. ``draft`` and
``status`` come back as imported while the workflow state is the one the import set; once
an editor moves the post, ``status`` says its state and ``draft`` whether readers can see it.
An unlisted post carries ``exclude: true``.
"""

from pathlib import Path

from django.db.models import Prefetch
from django.utils.translation import override

from . import filepatch, frontmatter, kinds
from .fields import ENTITY_KEYS, MODELLED_KEYS, STANDARD_KEYS, TEXT_FIELDS
from .models import Post, PostEntity, TaggedPost


def post_meta(post):
    """The front matter of a post, as a dict ready for ``frontmatter.write``."""
    stored = post.front_matter or {}
    imported_keys = set(stored.get("keys") or STANDARD_KEYS)
    meta = dict(stored.get("extra") or {})
    values = {key: getattr(post, attr) or "" for key, attr in TEXT_FIELDS.items()}
    values["date"] = post.date.isoformat() if post.date else ""
    values["tags"] = post.ordered_tag_names()
    links = sorted(post.entity_links.all(), key=lambda link: link.position)
    for key, kind in ENTITY_KEYS.items():
        values[key] = [link.entity.name for link in links if link.entity.kind == kind]
    for key, raw in (stored.get("lists") or {}).items():
        if [v for v in raw if v is not None and v != ""] == values[key]:
            values[key] = raw
    for key in MODELLED_KEYS:
        if key in imported_keys or values[key]:
            meta[key] = values[key]
    if not stored.get("keys"):
        meta.setdefault("layout", kinds.get(post.kind).layout)
    if stored.get("imported_status") != post.status or "status" not in meta and not stored.get("keys"):
        meta["status"] = post.status
        meta["draft"] = not post.is_public
    if post.unlisted:
        meta["exclude"] = True
    elif meta.get("exclude") is True:
        del meta["exclude"]
    return meta


def post_markdown(post):
    """The whole file for one item, as text."""
    return item_file(post).decode("utf-8")


def item_file(post):
    """The whole file for one item, as bytes: its imported file, changed only where it was edited."""
    with override("zh-hans"):
        meta, body = post_meta(post), post.body_zh_hans or ""
    if post.source_file:
        return filepatch.patched(post.imported_file(), meta, body)
    return frontmatter.write(meta, body).encode("utf-8")


def item_path(post):
    """Where the item's file goes in an export: its kind's folder, its slug."""
    return f"{kinds.get(post.kind).folder}/{post.slug}.md"


def posts_for_export():
    return Post.objects.prefetch_related(
        Prefetch("tagged_items", queryset=TaggedPost.objects.select_related("tag").order_by("pk")),
        Prefetch("entity_links", queryset=PostEntity.objects.select_related("entity").order_by("position")),
    ).order_by("kind", "slug")


def export_posts(outdir, *, queryset=None, progress=None):
    """Write every post (or ``queryset``) to ``outdir``; returns the number written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    queryset = posts_for_export() if queryset is None else queryset
    count = 0
    for post in queryset.iterator(chunk_size=200):
        target = outdir / item_path(post)
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(item_file(post))
        count += 1
        if progress:
            progress(count, post)
    return count
