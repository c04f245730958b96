"""What happens when an item changes: the one place to read.

Every writer calls this module: the admin (save, delete, bulk actions), the workflow verbs
(editorial/workflow.py), the importer (a file, a folder, an upload), revision restore,
glossary and entity changes, re-rendering, and the moment a scheduled post's time comes.

Inside the writer's transaction, once the item, its tags and its mentions are saved,
``saved()`` keeps in step what is derived from it:

1. the stored HTML of both languages (``Post.save`` renders what changed; a restore
   renders everything, since revisions do not hold HTML);
2. the glossary: the item's inline definitions, its uses, its linked terms;
3. the search index;
4. the revision, holding the tags and mentions as they are at the end of the change;
5. a ``StatusChange`` when the state changed other than by a workflow verb (an import);
6. the old address, when a public item's slug or kind changed (``SlugRedirect``);
7. a ``publish_due`` job at a scheduled post's time.

Then, once the transaction commits (``changed()``, batched per transaction): the content
generation is bumped first, so every cached page and index in every process is stale at
once, and only then is the static copy refreshed, by a background job.
"""

import contextlib
import logging
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import caching, glossary_curation, glossary_sync, jobs, search, translation_state
from .models import GlossaryEntry, GlossaryUse, Job, Post, SlugRedirect, Status, StatusChange

# --- before and after a change of one item ---------------------------------------------

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Before:
    """What an item was before this change: its address and its state."""

    kind: str
    slug: str
    status: str
    published_at: object

    @classmethod
    def of(cls, pk):
        if pk is None:
            return None
        row = Post.objects.filter(pk=pk).values("kind", "slug", "status", "published_at").first()
        return cls(**row) if row else None

    @property
    def was_public(self):
        return self.status in Status.public() and self.published_at is not None


def saved(post, *, before=None, created=False, by=None, found=None, tokens=None, reason="", comment="", restored=False):
    """Keep everything derived from ``post`` in step (call after it and its relations are saved).

    ``before``: ``Before.of(post.pk)`` read before the change (None for a new item).
    ``found``/``tokens``: the glossary plan and search tokens when the caller made them already
    (the importer prepares them in worker processes). ``reason``: why the state changed, when
    it changed other than by a workflow verb (``"import"``), with ``comment`` for its history.
    """
    if restored:
        fields = post.render_bodies(force=True)
        Post.objects.filter(pk=post.pk).update(**{name: getattr(post, name) for name in fields})
    if found is None:
        glossary_touched(glossary_sync.sync_post(post))
    else:
        glossary_touched(glossary_sync.record(post, found, created=created))
    search.index_post(post, tokens, created=created)
    translation_state.update(post)
    if reversion.is_active():
        reversion.add_to_revision(post)  # again: its tags and mentions are saved now
    old_status = before.status if before else Status.DRAFT
    if reason and (created or old_status != post.status):
        StatusChange.objects.create(
            post=post, transition=reason, from_status=old_status, to_status=post.status, by=by, comment=comment
        )
    items = {(post.kind, post.slug)}
    if before is not None and (before.kind, before.slug) != (post.kind, post.slug):
        items.add((before.kind, before.slug))
        _keep_old_address(post, before)
    scheduled(post)
    changed(items)


def _keep_old_address(post, before):
    SlugRedirect.objects.filter(kind=post.kind, slug=post.slug).delete()  # the address is the item's again
    if before.was_public:
        SlugRedirect.objects.update_or_create(kind=before.kind, slug=before.slug, defaults={"post": post})


def deleting(posts):
    """Call before deleting ``posts`` (in the same transaction): readers lose them on commit."""
    ids = [post.pk for post in posts]
    glossary_touched(_entries_of(ids), gone=ids)  # counted as if deleted already
    changed({(post.kind, post.slug) for post in posts})


def transitioned(post):
    """A workflow verb changed ``post``'s state (the verb records its StatusChange and revision)."""
    glossary_touched(_entries_of([post.pk]))
    scheduled(post)
    changed({(post.kind, post.slug)})


def scheduled(post):
    """A post made public for a time still to come gets a job at that time."""
    at = post.published_at
    if post.status not in Status.public() or at is None or at <= timezone.now():
        return
    waiting = Job.objects.filter(kind="publish_due", state=Job.State.QUEUED, params__post=post.pk, run_after=at)
    if not waiting.exists():
        jobs.start("publish_due", _("Publish “%(post)s” at its time") % {"post": post}, params={"post": post.pk},
                   run_after=at)  # fmt: skip


def time_came(post_id):
    """A scheduled post's time has come (a ``publish_due`` job): readers see it now."""
    post = Post.objects.filter(pk=post_id).only("kind", "slug", "status", "published_at").first()
    if post is None or not post.is_public:
        return _("Nothing to do: the post is gone, unpublished or rescheduled.")
    glossary_touched(_entries_of([post.pk]))
    changed({(post.kind, post.slug)})
    return _("“%(slug)s” is public now.") % {"slug": post.slug}


# --- the glossary's derived names, counts and flags ------------------------------------


def _entries_of(post_ids):
    return set(GlossaryUse.objects.filter(post_id__in=post_ids).values_list("entry_id", flat=True))


def glossary_touched(entry_ids, *, gone=()):
    """These entries' uses changed, or the posts using them changed state: their counts, names,
    definitions and flags are derived again now, in the caller's transaction (inside
    ``glossary_deferred``, once at its end), and their pages follow on commit."""
    if not entry_ids:
        return
    deferred = getattr(connection, "_editorial_glossary_deferred", None)
    if deferred is not None and not gone:
        deferred |= set(entry_ids)
    else:
        _settle_glossary(entry_ids, gone=gone)


@contextlib.contextmanager
def glossary_deferred():
    """Gather the glossary's work over many transactions (an import's batches) and do it once."""
    if getattr(connection, "_editorial_glossary_deferred", None) is not None:
        yield  # an outer gathering does it
        return
    connection._editorial_glossary_deferred = gathered = set()
    try:
        yield
    except BaseException:
        connection._editorial_glossary_deferred = None
        try:  # what was committed before the failure still gets its glossary
            _settle_glossary(gathered)
        except Exception:
            logger.exception("the glossary of %d entries is left to `manage.py refresh_glossary`", len(gathered))
        raise
    connection._editorial_glossary_deferred = None
    _settle_glossary(gathered)


def _settle_glossary(entry_ids, *, gone=()):
    if not entry_ids:
        return
    shown = glossary_curation.refresh(entry_ids, gone=gone)
    if shown.entries or shown.index:
        changed(paths=_glossary_paths(shown.entries, index=shown.index))


# --- changes to what many items show ---------------------------------------------------


def glossary_changed(entry_ids, *, by=None):
    """Glossary entries were edited, merged, split or deleted: their pages change now, and the
    posts using them get their stored HTML linked again by a job."""
    entry_ids = sorted(set(entry_ids))
    changed(paths=_glossary_paths(entry_ids))
    if entry_ids:
        jobs.start("glossary", _("Link %(n)d glossary entries in their posts again") % {"n": len(entry_ids)},
                   params={"entries": entry_ids}, by=by)  # fmt: skip


def glossary_deleted(post_ids, *, by=None):
    """Entries were deleted: the posts that used them lose their links (a job)."""
    changed(paths=_glossary_paths([]))
    if post_ids:
        jobs.start("rerender", _("Render %(n)d posts again") % {"n": len(post_ids)}, params={"posts": post_ids}, by=by)


def _glossary_paths(entry_ids, *, index=True):
    """The static copy's pages of these entries and (``index``) every page of the glossary's
    index, in both languages."""
    from django.utils.translation import override

    paths = _glossary_list_paths() if index else []
    entries = list(GlossaryEntry.objects.filter(pk__in=entry_ids).only("slug"))
    for language in settings.LANGUAGES:
        with override(language[0]):
            paths += [entry.get_absolute_url() for entry in entries]
    return paths


def _glossary_list_paths():
    import math

    from django.urls import reverse
    from django.utils.translation import override

    from .views import GlossaryListView

    pages = max(1, math.ceil(GlossaryEntry.objects.in_index().count() / GlossaryListView.paginate_by))
    paths = []
    for language in settings.LANGUAGES:
        with override(language[0]):
            paths.append(reverse("editorial:glossary-list"))
            paths += [reverse("editorial:glossary-list", kwargs={"page": n}) for n in range(2, pages + 2)]
    return paths  # one page past the last: it may just have gone, and its file with it


def refresh_glossary(entry_ids=None, *, progress=None):
    """The ``glossary_refresh`` job (and ``manage.py refresh_glossary``): derive entries again."""
    shown = glossary_curation.refresh(entry_ids, progress=progress)
    changed(paths=_glossary_paths(shown.entries, index=shown.index))
    n = len(shown.entries)
    return _("%(n)d entries changed for readers.") % {"n": n}, {"shown": n}


def decide_glossary(decision, entry_ids, *, by=None, progress=None):
    """The ``glossary_decision`` job: an editor's decision on many entries at once.

    ``adopt``: each entry takes the definition and names most of its public posts give, as an
    editor's (its posts' popovers show it); ``dismiss``: its disagreement is settled as it
    stands; ``merge``: the entries become one, the most used, and its posts link to it."""
    entries = list(GlossaryEntry.objects.filter(pk__in=entry_ids).order_by("-posts", "pk"))
    if progress:
        progress.total(len(entries))
    if decision == "merge":
        if len(entries) < 2:
            return _("Nothing to merge: fewer than two entries."), {}
        with transaction.atomic():
            glossary_curation.merge(entries[0], entries[1:])
            glossary_curation.refresh([entries[0].pk])
        glossary_changed([entries[0].pk], by=by)
        return _("Merged %(n)d entries into “%(target)s”.") % {"n": len(entries) - 1, "target": entries[0]}, {}
    act = {"adopt": glossary_curation.adopt_most_used, "dismiss": glossary_curation.dismiss}[decision]
    for start in range(0, len(entries), glossary_curation.CHUNK):
        chunk = entries[start : start + glossary_curation.CHUNK]
        with transaction.atomic():
            act(chunk)
        if progress:
            progress.step(str(chunk[-1]), done=start + len(chunk))
    ids = [entry.pk for entry in entries]
    if decision == "adopt":
        glossary_changed(ids, by=by)  # their posts' popovers show the editor's definition now
    else:
        changed(paths=_glossary_list_paths())
    done = {"adopt": _("Adopted the most used definition for %(n)d entries."),
            "dismiss": _("Dismissed the review of %(n)d entries.")}[decision]  # fmt: skip
    return done % {"n": len(entries)}, {"entries": len(entries)}


def relink_glossary(entry_ids, *, progress=None):
    """The ``glossary`` job: every post using one of ``entry_ids`` gets its terms linked again."""
    post_ids = sorted(set(GlossaryUse.objects.filter(entry_id__in=entry_ids).values_list("post_id", flat=True)))
    return rerender(post_ids, progress=progress)


def entities_changed(entity_ids):
    """People, organisations… were renamed or deleted: their pages and the posts naming them."""
    posts = Post.objects.filter(entity_links__entity_id__in=entity_ids).values_list("kind", "slug").distinct()
    changed(set(posts))


def tags_changed(tag_ids):
    """Tags were renamed or deleted: their pages and the posts carrying them."""
    posts = Post.objects.filter(tagged_items__tag_id__in=tag_ids).values_list("kind", "slug").distinct()
    changed(set(posts))


def merge_tags(tag_ids, *, by=None, progress=None):
    """The ``tag_merge`` job: the selected tags become one, the most used (the first created
    among equals). Every post carrying another gets the survivor in its place, each in its own
    transaction and revision ("Tags merged: …", by the editor), so a job stopped halfway leaves
    each post wholly old or new and a retry finishes the rest. The merged tags' addresses
    redirect to the survivor's page (``TagRedirect``)."""
    from django.db.models import Count
    from taggit.models import Tag

    from .models import TaggedPost, TagRedirect

    tags = list(Tag.objects.filter(pk__in=tag_ids).annotate(n=Count("editorial_taggedpost_items")).order_by("-n", "pk"))
    if len(tags) < 2:
        return _("Nothing to merge: fewer than two tags."), {}
    target, others = tags[0], tags[1:]
    names = ", ".join(tag.name for tag in others)
    post_ids = sorted(set(TaggedPost.objects.filter(tag__in=others).values_list("content_object_id", flat=True)))
    if progress:
        progress.total(len(post_ids))
    for done, pk in enumerate(post_ids, 1):
        with transaction.atomic(), reversion.create_revision():
            post = Post.objects.get(pk=pk)
            before = Before.of(pk)
            post.tags.remove(*others)
            post.tags.add(target)
            reversion.set_user(by)
            reversion.set_comment(_("Tags merged: %(tags)s → %(target)s") % {"tags": names, "target": target.name})
            saved(post, before=before, by=by)
        if progress:
            progress.step(post.slug, done=done)
    with transaction.atomic():
        TagRedirect.objects.filter(tag__in=others).update(tag=target)  # earlier merges into them follow
        for tag in others:
            TagRedirect.objects.update_or_create(slug=tag.slug, defaults={"tag": target})
        Tag.objects.filter(pk__in=[tag.pk for tag in others]).delete()
        tags_changed([target.pk])
    summary = _("Merged %(n)d tags into “%(target)s”; %(posts)d posts changed.")
    return summary % {"n": len(others), "target": target.name, "posts": len(post_ids)}, {"posts": len(post_ids)}


def tag_renamed(tag, old_slug=None):
    """A tag was saved in the admin, perhaps renamed: its old address (``old_slug``) redirects to
    its new one, as a merged tag's does, and readers see the new name on every item."""
    from .models import TagRedirect

    if old_slug and old_slug != tag.slug:
        with transaction.atomic():
            TagRedirect.objects.filter(slug=tag.slug).delete()  # the address is this tag's again
            TagRedirect.objects.update_or_create(slug=old_slug, defaults={"tag": tag})
    tags_changed([tag.pk])


def rename_source(old, new, *, by=None, progress=None):
    """The ``source_rename`` job: the source (speaker or guest) ``old`` is called ``new`` on
    every item naming it, each in its own transaction and revision ("Source renamed: …")."""
    from . import sources

    candidates = list(sources.posts_naming(old).values_list("pk", "speaker", "guest"))
    post_ids = [pk for pk, speaker, guest in candidates if sources.renamed(speaker, guest, old, new)]
    if progress:
        progress.total(len(post_ids))
    changed_ = 0
    for done, pk in enumerate(post_ids, 1):
        with transaction.atomic(), reversion.create_revision():
            post = Post.objects.select_for_update().get(pk=pk)
            after = sources.renamed(post.speaker, post.guest, old, new)  # as it is now, not as it was listed
            if after is not None and after != (post.speaker, post.guest):
                before = Before.of(pk)
                post.speaker, post.guest = after
                post.save(update_fields=["speaker", "guest", "updated_at"])
                reversion.set_user(by)
                reversion.set_comment(_("Source renamed: %(old)s → %(new)s") % {"old": old, "new": new})
                saved(post, before=before, by=by)
                changed_ += 1
        if progress:
            progress.step(post.slug, done=done)
    return _("“%(old)s” is now “%(new)s” on %(n)d items.") % {"old": old, "new": new, "n": changed_}, {
        "posts": changed_
    }


BULK_FIELDS = ("area", "category", "series")


def bulk_edit(post_ids, changes, *, by=None, progress=None):
    """The ``bulk_edit`` job: set fields (``area``, ``category``, ``series``) and add or remove tags
    (``add_tags``, ``remove_tags``: names) on each post, each in its own transaction and revision
    ("Bulk edit: …"). A post the change leaves as it was is not saved again."""
    fields = {name: changes[name] for name in BULK_FIELDS if name in changes}
    add, remove = changes.get("add_tags") or [], changes.get("remove_tags") or []
    described = "; ".join(
        [f"{name} → {value or '∅'}" for name, value in fields.items()]
        + ([f"+{', '.join(add)}"] if add else [])
        + ([f"−{', '.join(remove)}"] if remove else [])
    )
    ids = sorted(set(post_ids))
    if progress:
        progress.total(len(ids))
    changed_ = 0
    for done, pk in enumerate(ids, 1):
        with transaction.atomic(), reversion.create_revision():
            post = Post.objects.select_for_update().filter(pk=pk).first()
            if post is None:
                continue
            names = post.ordered_tag_names()
            kept = [name for name in names if name.casefold() not in {r.casefold() for r in remove}]
            tags_after = kept + [name for name in add if name.casefold() not in {k.casefold() for k in kept}]
            differs = [name for name, value in fields.items() if getattr(post, name) != value]
            if differs or tags_after != names:
                before = Before.of(pk)
                for name in differs:
                    setattr(post, name, fields[name])
                if differs:
                    post.save(update_fields=[*differs, "updated_at"])
                if tags_after != names:
                    post.tags.set(tags_after, clear=True)
                    post.save(update_fields=["updated_at"])
                reversion.set_user(by)
                reversion.set_comment(_("Bulk edit: %(changes)s") % {"changes": described})
                saved(post, before=before, by=by)
                changed_ += 1
        if progress:
            progress.step(post.slug if post else str(pk), done=done)
    summary = _("Bulk edit (%(changes)s): %(n)d items changed, %(same)d already so.")
    return summary % {"changes": described, "n": changed_, "same": len(ids) - changed_}, {"posts": changed_}


def rerender(post_ids=None, *, progress=None):
    """Render posts again (all when ``post_ids`` is None), with their glossary links and search
    tokens; one transaction per post, so a job stopped halfway leaves each wholly old or new."""
    queryset = Post.objects.order_by("pk")
    if post_ids is not None:
        queryset = queryset.filter(pk__in=post_ids)
    if progress:
        progress.total(queryset.count())
    resolver = glossary_sync.Resolver(preload=True)
    count = 0
    with glossary_deferred():
        for post in queryset.iterator(chunk_size=100):
            _rerender_one(post, resolver, progress)
            count += 1
    resolver.flush_aliases()
    return _("%(n)d posts rendered again.") % {"n": count}, {"posts": count}


def _rerender_one(post, resolver, progress):
    with transaction.atomic():
        # From the body again: stored HTML holds each linked term's definition as it was.
        fields = post.render_bodies(force=True)
        Post.objects.filter(pk=post.pk).update(**{name: getattr(post, name) for name in fields})
        glossary_touched(glossary_sync.sync_post(post, resolver=resolver))
        search.index_post(post)
        changed({(post.kind, post.slug)})
    if progress:
        progress.step(f"{post.kind}/{post.slug}")


def restore(version, *, by=None):
    """Bring a post back to a revision: text, tags, mentions, then everything derived from them."""
    with transaction.atomic(), reversion.create_revision():
        before = Before.of(int(version.object_id))
        version.revision.revert(delete=True)
        post = Post.objects.get(pk=version.object_id)
        post.save()  # a new version number: a form open on the old text is now stale
        reversion.set_user(by)
        when = timezone.localtime(version.revision.date_created).strftime("%Y-%m-%d %H:%M")
        reversion.set_comment(_("Restored the revision of %(when)s") % {"when": when})
        saved(post, before=before, by=by, restored=True)
    return post


# --- after commit: caches first, then the static copy ------------------------------------


def changed(items=(), *, paths=(), everything=False):
    """Readers must see a change to ``items`` [(kind, slug)], to other pages (``paths`` of the
    static copy) or to ``everything``, once the current transaction commits. Calls within one
    transaction are gathered into one."""
    if not connection.in_atomic_block:  # committed already
        _publish({"items": set(items), "paths": set(paths), "everything": everything})
        return
    pending = _pending()
    pending["items"] |= set(items)
    pending["paths"] |= set(paths)
    pending["everything"] |= everything


def _pending():
    # One gathering per outermost transaction; a rolled-back one takes its callback with it.
    held = getattr(connection, "_editorial_pending", None)
    if held is not None and _registered(held):
        return held
    held = {"items": set(), "paths": set(), "everything": False}
    connection._editorial_pending = held

    def publish():
        _publish(held)

    publish._editorial = held
    transaction.on_commit(publish)
    return held


def _registered(held):
    return any(getattr(callback, "_editorial", None) is held for _ids, callback, _robust in connection.run_on_commit)


def _publish(held):
    if getattr(connection, "_editorial_pending", None) is held:
        connection._editorial_pending = None
    caching.content_changed()  # first: every process's cached pages and indexes are stale
    if settings.EDITORIAL_STATIC_DIR and (held["items"] or held["paths"] or held["everything"]):
        refresh_static(held["items"], paths=held["paths"], everything=held["everything"])


def refresh_static(items=(), *, paths=(), everything=False):
    """Queue a refresh of the static copy; joins a refresh that is still waiting."""
    with transaction.atomic():
        waiting = Job.objects.select_for_update().filter(kind="static", state=Job.State.QUEUED).first()
        if waiting is not None:
            params = waiting.params
            params["items"] = sorted({tuple(item) for item in params.get("items", [])} | set(items))
            params["paths"] = sorted(set(params.get("paths", [])) | set(paths))
            params["everything"] = params.get("everything", False) or everything
            waiting.params = params
            waiting.save(update_fields=["params"])
            return waiting
        title = _("Build the static copy") if everything else _("Refresh the static copy")
        params = {"items": sorted(items), "paths": sorted(paths), "everything": everything}
        return jobs.start("static", title, params=params)
