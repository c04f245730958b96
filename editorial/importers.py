"""Bring posts in from Markdown files with YAML front matter (our users' static site).

``import_files`` reads each file, maps its front matter onto a ``Post`` and upserts it
by slug (the file stem) in a transaction of its own, so a bad file is reported with
its name and line while every good file still lands, and a failure leaves that post
exactly as it was. Re-importing an unchanged file does nothing ("unchanged"); a file
changed on disk after an editor changed the post in the CMS is refused ("conflict")
unless ``overwrite`` is set, so a stale file never silently replaces newer work.

Visibility (CURRENT-SITE.md section 1): the live site publishes every file whatever
its ``draft`` or ``status`` say, and ``exclude: true`` keeps a post reachable but out
of listings. So by default an imported post is public, ``exclude: true`` makes it
unlisted, and ``draft``/``status`` are kept for export. A ``status`` naming one of our
workflow states sets it (``evergreen`` → evergreen; ``draft``/``archived`` → hidden);
each post whose visibility then differs from the live site's is reported with why.
``hold="draft"`` or ``hold="review"`` imports a batch for review instead.
"""

import collections
import contextlib
import datetime
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from taggit.models import Tag

from . import content, frontmatter, glossary_sync, kinds, preparing, write_turns
from .fields import (  # noqa: F401 (re-exported for callers and tests)
    ENTITY_KEYS,
    LIST_KEYS,
    MODELLED_KEYS,
    STANDARD_KEYS,
    TEXT_FIELDS,
    decide_visibility,
    jsonable,
    values_from_meta,
)
from .models import Entity, Post, PostEntity, Status, TaggedPost, validate_slug_text
from .slugs import free_slug, pinyin_slug

ACTIONS = ("created", "updated", "unchanged", "conflict", "failed", "skipped")  # what an import did with a file


@dataclass
class FileReport:
    path: str
    action: str  # created / updated / unchanged / conflict / failed / skipped (not a post file)
    message: str = ""
    line: int | None = None
    repairs: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    visibility: str = ""  # why this post's visibility differs from the live site's
    size: int = 0
    item: tuple = ()  # (kind, slug) of the item the file is

    def __str__(self):
        where = f" (line {self.line})" if self.line else ""
        text = f"{self.action}: {self.path}{where}"
        return f"{text}: {self.message}" if self.message else text


@dataclass
class ImportResult:
    files: list = field(default_factory=list)
    # Items imported before from a kind's folder that this import read whole, whose file is
    # gone: [(kind, slug, what was done)]. Reported; unpublished only when asked.
    missing: list = field(default_factory=list)

    def count(self, action):
        return sum(1 for f in self.files if f.action == action)

    @property
    def failed(self):
        return [f for f in self.files if f.action in ("failed", "conflict")]

    @property
    def visibility_changes(self):
        return [f for f in self.files if f.visibility]

    def summary(self):
        # every action, but "skipped" (zip members that are not posts) only when there were some
        parts = [f"{self.count(a)} {a}" for a in ACTIONS if a != "skipped" or self.count(a)]
        repaired = sum(1 for f in self.files if f.repairs)
        gone = f"; {len(self.missing)} items whose file is gone" if self.missing else ""
        return f"{len(self.files)} files: " + ", ".join(parts) + f"; {repaired} with repaired blocks" + gone


def find_markdown_files(paths):
    """Every *.md under the given files and folders (recursively), in a stable order."""
    found, missing = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.md") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            missing.append(str(raw))
    return found, missing


def kind_of(path, root=None):
    """The kind a file is, from the nearest folder named for a kind (``notes/``), looking no
    higher than the folder it was found in (``root``); None when no folder says."""
    path = Path(path)
    if root is not None and path.is_relative_to(root):
        parts = (Path(root).name, *path.relative_to(root).parts[:-1])
    else:
        parts = (path.parent.name,)
    return kinds.from_path(Path(*parts, path.name)) if parts else None


def whole_kinds(paths):
    """{kind: folder} for the kinds whose folders an import of ``paths`` reads whole: a folder
    named for a kind, or one directly inside a folder given (a checkout of the content repository)."""
    read = {}
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            continue
        for folder in (path, *sorted(p for p in path.iterdir() if p.is_dir())):
            if folder.name in kinds.BY_FOLDER:
                read.setdefault(kinds.BY_FOLDER[folder.name].key, folder)
    return read


BATCH_BYTES = 16_000_000  # and at most EDITORIAL_IMPORT_BATCH_FILES files per transaction


def import_files(
    paths, *, dry_run=False, hold=None, overwrite=False, kind=None, unpublish_missing=False, progress=None
):
    """Import Markdown files (see the module docstring). Returns an ImportResult.

    ``kind``: the kind of files in no folder named for one (default: a book for the book
    layout, else a note). ``unpublish_missing``: archive public items whose file is gone
    from a kind's folder this import read whole (otherwise they are only reported).
    """
    files, missing = find_markdown_files(paths)
    roots = [Path(p) for p in paths if Path(p).is_dir()]
    located = []
    for file in files:
        root = next((r for r in roots if file.is_relative_to(r)), None)
        located.append((file, kind_of(file, root) or kind))
    result = ImportResult()
    for name in missing:
        result.files.append(FileReport(name, "failed", "no such file or folder"))
    importer = _Importer(dry_run=dry_run, hold=hold, overwrite=overwrite)
    pool = preparing.worker_pool(len(files))
    if connection.vendor == "sqlite" and len(files) >= preparing.PARALLEL_FROM:
        # A big import touches index pages all over a growing file: give this connection a
        # page cache of its own worth having (SQLite's default is 2 MB), for this import only.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB
    _run(importer, located, pool, result, progress)
    if not any(f.action == "failed" and f.size == 0 and "no such" in f.message for f in result.files):
        result.missing = _gone(result, whole_kinds(paths), unpublish=unpublish_missing and not dry_run)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -2000")  # back to SQLite's default
            if not dry_run:
                # Many rows may have arrived: SQLite re-reads its planner statistics where they
                # are stale.
                cursor.execute("PRAGMA optimize")
    elif not dry_run and result.count("created") + result.count("updated") >= preparing.PARALLEL_FROM:
        analyze_imported_tables()
    return result


def analyze_imported_tables():
    """PostgreSQL's planner statistics, fresh for the tables an import filled. Autovacuum gets
    there in its own time; until it did, the tag-page query took over 60 s on the freshly
    imported whole site (0.2 s after ANALYZE), and pages waited on it."""
    from taggit.models import Tag

    from .models import GlossaryEntry, GlossaryUse, SearchDocument

    models = (Post, TaggedPost, Tag, Entity, PostEntity, GlossaryEntry, GlossaryUse, SearchDocument)
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


class Batches:
    """One transaction per batch of files (so SQLite and the full-text index write once per batch,
    not once per file); each file saves in a savepoint of its own (a bad file rolls back alone).
    A process killed halfway leaves each batch wholly imported or not at all."""

    def __enter__(self):
        self._glossary = content.glossary_deferred()  # the entries the files touched: once, at the end
        self._glossary.__enter__()
        self._stack = contextlib.ExitStack()
        self._begin()
        return self

    def _begin(self):
        self._stack.enter_context(transaction.atomic())
        self.count = self.size = 0
        self.started = time.monotonic()

    def added(self, size):
        reset_queries()  # with DEBUG on, a long import would otherwise keep every query in memory
        self.count, self.size = self.count + 1, self.size + size
        if (
            self.count >= settings.EDITORIAL_IMPORT_BATCH_FILES
            or self.size >= BATCH_BYTES
            # SQLite's write lock is held from a batch's start: an editor's save waits this long at most
            or time.monotonic() - self.started >= settings.EDITORIAL_IMPORT_BATCH_SECONDS
        ):
            self._stack.close()
            write_turns.let_others_write()
            self._stack = contextlib.ExitStack()
            self._begin()

    def __exit__(self, *exc_info):
        try:
            self._stack.__exit__(*exc_info)
        finally:
            self._glossary.__exit__(*exc_info)


def _run(importer, files, pool, result, progress):
    try:
        with Batches() as batches:
            for index, report in enumerate(importer.import_many(files, pool), 1):
                result.files.append(report)
                batches.added(report.size)
                if progress:
                    progress(index, len(files), report)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _gone(result, read, *, unpublish):
    """Items of the kinds read whole that were imported from a file no longer there."""
    from . import workflow

    seen = {f.item for f in result.files if f.item}
    gone = []
    for kind, folder in sorted(read.items()):
        imported = Post.objects.filter(kind=kind, source_file__isnull=False).order_by("slug")
        for post in imported.only("pk", "kind", "slug", "status", "published_at"):
            if (kind, post.slug) in seen:
                continue
            done = "kept"
            if unpublish and post.status in Status.public():
                workflow.apply("archive", post, by=None, comment=f"its file {folder.name}/{post.slug}.md is gone")
                done = "archived"
            gone.append((kind, post.slug, done))
    return gone


def import_bytes(name, data, *, importer=None, **options):
    """Import one file given as bytes (an upload); ``name`` is its file name or its path in an
    archive (``notes/x.md``: the folder gives the kind). Many files: pass one ``importer()``."""
    path = PurePosixPath(name)
    importer = importer or _Importer(**options)
    return importer.import_one(path.stem, data, display=path.name, kind=kind_of(path))


def importer(**options):
    """An importer for many ``import_bytes`` calls (it reads what is imported already once)."""
    return _Importer(**options)


class _Importer:
    def __init__(self, *, dry_run=False, hold=None, overwrite=False, author=None, may_change=None):
        """``author``: who new posts belong to (an upload's user). ``may_change(post)``: whether
        that user may change an existing post; without it (the command) every post may change."""
        if hold not in (None, Status.DRAFT, Status.REVIEW):
            raise ValueError("hold must be 'draft' or 'review'")
        self.dry_run = dry_run
        self.hold = hold
        self.overwrite = overwrite
        self.author = author
        self.may_change = may_change
        self.max_bytes = settings.EDITORIAL_IMPORT_MAX_BYTES
        self.names = _NameCache()
        self._digests = None  # {(kind, slug): digest of the file last imported}, read once
        self._taken = {}  # {(kind, slug): the report of the file of this import that is that item}

    def import_many(self, paths, pool=None):
        """Reports for each (path, kind) in order; with a pool, files are prepared a few ahead."""
        pending = collections.deque()
        ahead = 1 + 2 * getattr(pool, "_max_workers", 0)
        for path, kind in paths:
            try:
                data = path.read_bytes()
            except OSError as exc:
                pending.append((FileReport(str(path), "failed", f"cannot read: {exc.strerror}"), None))
            else:
                report, check = self._check(kind, path.stem, data, display=str(path))
                if check is None:
                    pending.append((report, None))
                elif pool is None:
                    pending.append((report, (check, preparing.prepare(data, self.max_bytes))))
                else:
                    pending.append((report, (check, pool.submit(preparing.prepare, data, self.max_bytes))))
            while pending and (len(pending) > ahead or pool is None):
                yield self._finish(*pending.popleft())
        while pending:
            yield self._finish(*pending.popleft())

    def import_one(self, slug, data, *, display, kind=None):
        report, check = self._check(kind, slug, data, display=display)
        if check is None:
            return report
        return self._finish(report, (check, preparing.prepare(data, self.max_bytes)))

    def _check(self, kind, slug, data, *, display):
        """(report, (kind, slug, digest)) for a file to import; check None when it is done already.
        ``kind`` None: no folder said; the file's layout will (a book), else the default."""
        report = FileReport(display, "failed", size=len(data), item=(kind or kinds.DEFAULT, slug))
        try:
            validate_slug_text(slug)
        except ValidationError as exc:
            report.message = f"the file name cannot be an address: {' '.join(exc.messages)}"
            return report, None
        digest = hashlib.sha256(data).hexdigest()
        if self._digests is None:
            self._digests = {(k, s): d for k, s, d in Post.objects.values_list("kind", "slug", "import_sha256")}
        for candidate in [kind] if kind else [kinds.DEFAULT, "book"]:
            if self._digests.get((candidate, slug)) == digest:
                if self._taken_by_another(report, (candidate, slug)):
                    return report, None
                report.action, report.item = "unchanged", (candidate, slug)
                return report, None
        return report, (kind, slug, digest)

    def _taken_by_another(self, report, item):
        """Whether another file of this import is the item already (the same name in two
        folders of one kind, or twice in a zip): that file stays, this one is reported."""
        first = self._taken.setdefault(item, report)
        if first is report:
            return False
        report.action, report.item = "failed", item
        report.message = (
            f"another file in this import has the same address ({item[0]} {item[1]!r}): {first.path}; "
            "this one was not imported (rename one of them)"
        )
        return True

    def _finish(self, report, work):
        if work is None:
            return report
        (kind, slug, digest), prepared = work
        if not isinstance(prepared, preparing.Prepared):
            try:
                prepared = prepared.result()  # a future from the worker
            except Exception as exc:  # the worker died: report this file, go on with the rest
                report.message = f"could not be read: {exc}"
                return report
        if prepared.error:
            report.message, report.line = prepared.error, prepared.error_line
            return report
        document = prepared.document
        try:
            values = values_from_meta(document.meta)
        except frontmatter.FileError as exc:
            report.message, report.line = exc.message, exc.line
            return report
        report.notes = document.notes + values.pop("_notes")
        report.repairs = prepared.repairs
        if kind is None:
            kind = "book" if str(document.meta.get("layout", "")).startswith("book") else kinds.DEFAULT
        report.item = (kind, slug)
        if self._taken_by_another(report, (kind, slug)):
            return report
        try:
            with transaction.atomic(), override("zh-hans"), reversion.create_revision():
                reversion.set_comment(_("Imported from %(file)s") % {"file": f"{kinds.get(kind).folder}/{slug}.md"})
                self._upsert(kind, slug, document, values, prepared, digest, report)
                if self.dry_run:
                    transaction.set_rollback(True)
                    self.names.clear()
        except Exception as exc:  # a database error for this file must not stop the batch
            self.names.clear()
            report.action, report.message = "failed", f"could not be saved: {exc}"
        return report

    def _upsert(self, kind, slug, document, values, prepared, digest, report):
        post = Post.objects.filter(kind=kind, slug=slug).first()
        meta = document.meta
        if post is not None and post.import_sha256 == digest:
            report.action = "unchanged"
            return
        if post is not None and self.may_change is not None and not self.may_change(post):
            report.action = "failed"
            report.message = (
                f"a post with the address {slug!r} exists and you may not change it "
                f"({post.get_status_display().lower()}); an editor can import this file"
            )
            return
        if post is not None and not self.overwrite and _edited_since_import(post):
            report.action = "conflict"
            report.message = (
                "the post was changed in the CMS after it was last imported; "
                "keep the CMS version, or import again with --overwrite to replace it"
            )
            return
        created = post is None
        before = None if created else content.Before(post.kind, post.slug, post.status, post.published_at)
        previous = {} if created else dict(post.front_matter)
        if created:
            post = Post(kind=kind, slug=slug, author=self.author)

        for key, attr in TEXT_FIELDS.items():
            # An empty translation is NULL, so the English page falls back to Chinese.
            setattr(post, attr, values[key] or (None if attr.endswith("_en") else ""))
        post.body_zh_hans = prepared.body
        post.date = values["date"]

        visibility_keys = ("status", "exclude")
        if created or any(meta.get(k) != previous.get("extra", {}).get(k) for k in visibility_keys):
            status, unlisted, why = decide_visibility(meta, hold=self.hold)
            post.status, post.unlisted = status, unlisted
            report.visibility = why
            if status in Status.public() and post.published_at is None:
                post.published_at = _start_of(values["date"])
        post.front_matter = {
            "keys": list(meta),
            "extra": {k: jsonable(v) for k, v in meta.items() if k not in MODELLED_KEYS},
            "imported_status": post.status,
            # Lists holding empty items ('' or null) come back exactly as they were.
            "lists": {
                key: jsonable(meta[key])
                for key in LIST_KEYS
                if isinstance(meta.get(key), list) and any(v is None or v == "" for v in meta[key])
            },
        }
        post.import_sha256 = digest
        post.source_file = prepared.compressed  # the file's own bytes, compressed by prepare()
        post.imported_at = timezone.now()
        # Resolve glossary terms first, so the rendered HTML is stored once, already linked.
        found = glossary_sync.plan(
            post.body_zh_hans,
            pinned=glossary_sync.pinned_terms(post),
            resolver=self.names.glossary,
            annotations=prepared.annotations,
        )
        post.use_rendered("zh_hans", prepared.rendered)  # rendered by preparing.prepare (maybe in a worker)
        post.render_bodies()
        post.body_html_zh_hans = glossary_sync.linked_html(post.body_html_zh_hans, found)
        post.save()
        _set_tags(post, values["tags"], self.names, created=created)
        _set_entities(post, {key: values[key] for key in ENTITY_KEYS}, self.names, created=created)
        content.saved(
            post, before=before, created=created, by=self.author, found=found, tokens=prepared.search_tokens,
            reason="import", comment=_("imported from %(file)s") % {"file": f"{kinds.get(kind).folder}/{slug}.md"},
        )  # fmt: skip
        report.action = "created" if created else "updated"


def _edited_since_import(post):
    if post.imported_at is None:
        return True  # made in the CMS, never imported
    return post.updated_at > post.imported_at + datetime.timedelta(seconds=2)


def _start_of(date):
    if date is None:
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time()))


class _NameCache:
    """Tags and entities already in the database, looked up once per import run.

    The importer forgets everything (``clear``) whenever a file's transaction is
    rolled back, so a row that was never committed is never reused.
    """

    def __init__(self):
        self.clear()

    def clear(self):
        self.tags = {}
        self.slugs = {}
        self.glossary = glossary_sync.Resolver(preload=True)

    def tag(self, name):
        key = name.casefold()
        if key not in self.tags:
            self.tags[key] = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        return self.tags[key]

    def taken_slugs(self, kind):
        if kind not in self.slugs:
            self.slugs[kind] = set(Entity.objects.filter(kind=kind).values_list("slug", flat=True))
        return self.slugs[kind]

    def entities_for(self, wanted):
        """{(kind, name): Entity} for every pair, creating the missing ones in bulk."""
        found = {}
        if wanted:
            names = {n for _, n in wanted}
            for entity in Entity.objects.filter(name__in=names):
                found[(entity.kind, entity.name)] = entity
        missing = [pair for pair in dict.fromkeys(wanted) if pair not in found]
        if missing:
            new = []
            for kind in {k for k, _ in missing}:
                taken = self.taken_slugs(kind)
                for k, name in missing:
                    if k == kind:
                        slug = free_slug(pinyin_slug(name) or kind, taken.__contains__)
                        taken.add(slug)
                        new.append(Entity(kind=kind, name=name, slug=slug))
            for entity in Entity.objects.bulk_create(new):
                found[(entity.kind, entity.name)] = entity
        return found


def _set_tags(post, names, cache, *, created):
    if not created:
        if post.ordered_tag_names() == names:
            return
        TaggedPost.objects.filter(content_object=post).delete()
    seen, rows = set(), []
    for name in names:
        tag = cache.tag(name)
        if tag.pk in seen:
            continue  # the same tag twice (case differs): taggit keeps one link
        seen.add(tag.pk)
        rows.append(TaggedPost(content_object=post, tag=tag))
    TaggedPost.objects.bulk_create(rows)
    post._prefetched_objects_cache = {}


def _set_entities(post, lists, cache, *, created):
    wanted = [(ENTITY_KEYS[key], name) for key in ENTITY_KEYS for name in lists[key]]
    if not created:
        current = [(link.entity.kind, link.entity.name) for link in post.entity_links.select_related("entity")]
        if current == wanted:
            return
        PostEntity.objects.filter(post=post).delete()
    entities = cache.entities_for(wanted)
    PostEntity.objects.bulk_create(
        PostEntity(post=post, entity=entities[pair], position=position) for position, pair in enumerate(wanted)
    )
