"""A static copy of the public site: every page, feed and sitemap as files any host serves.

``build(outdir)`` renders the site through its own views and middleware (so every file is
byte for byte what the live site answers) by walking it from its entry points and every
public post, following each page's links. ``refresh_post(outdir, kind, slug)`` rewrites only
what one post touches, the post itself, the pages it links to (and linked to before)
and the site's lists, feeds and sitemap, so publishing or fixing a post reaches a static
host in a moment: first what readers see of it (``refresh_readable``), then the rest
(``refresh_linked``). With ``EDITORIAL_STATIC_DIR`` set, every post saved in the CMS is
refreshed there when its transaction commits.

Paths map to files as a static host expects: ``/zh/posts/x/`` → ``zh/posts/x/index.html``.
"""

import hashlib
import html
import json
import logging
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections, connections
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import kinds, page_data

logger = logging.getLogger(__name__)

# Set on the requests a build makes: the page cache leaves them alone (middleware.py).
BUILD_MARK = "editorial.static_build"
LANGUAGES = ("zh-hans", "en")
_LINK = re.compile(r'href="(/(?:zh|en)/[^"]*)"')
# Pages that are not part of a static copy: they need the server (search runs queries,
# previews need a login or a token).
_SKIP = re.compile(r"/search/|/preview/")
REFRESH_LIMIT = 20  # more items than this in one change: the copy is built whole instead
STATE = ".cms-state"  # what refresh_post last wrote of each post (a hash), to skip unchanged neighbours


@dataclass
class Report:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0
    readable_seconds: float = 0.0  # refresh_post: until the post and the lists were written
    rendered: int = 0
    failed: list = field(default_factory=list)  # (path, status)

    def add(self, other):
        self.written += other.written
        self.removed += other.removed
        self.rendered += other.rendered
        self.failed += other.failed

    def __str__(self):
        text = (
            f"{self.written} files written, {self.unchanged} unchanged, {self.removed} removed in {self.seconds:.1f}s"
        )
        return text + (f"; {len(self.failed)} pages failed: {self.failed[:5]}" if self.failed else "")


# The one middleware that changes a public page's bytes (the language, from the URL prefix).
# The others set headers, serve static files, or act on sessions and forms that public
# pages do not have; skipping them halves a render. Tests compare every kind of page with
# the live site's, byte for byte.
BUILD_MIDDLEWARE = ["django.middleware.locale.LocaleMiddleware"]


class _BuildHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        from django.test import override_settings  # only when building, not in every web process

        with override_settings(MIDDLEWARE=BUILD_MIDDLEWARE):
            super().load_middleware(is_async)


class _Renderer:
    """Requests answered in-process by the site's views and templates, as a reader gets them."""

    def __init__(self):
        from django.test import RequestFactory

        self.handler = _BuildHandler()
        self.list_pages = set()  # of the page rendered last (_list_pages)
        self.factory = RequestFactory(HTTP_HOST=_host(), **{BUILD_MARK: True})

    def get(self, path):
        # Absolute links (canonical, feeds, sitemap) name the first allowed host, over https
        # when the site is served that way.
        environ = self.factory.get(path, secure=settings.SECURE_SSL_REDIRECT).environ
        # WSGI carries the path as bytes in a latin-1 str, as a server would: the factory leaves
        # a slug above U+00FF (大模型, a CJK title) as it is, which the handler cannot encode.
        environ["PATH_INFO"] = unquote_to_bytes(urlsplit(path).path).decode("iso-8859-1")
        status, chunks, location = [], [], []

        def start_response(line, headers, exc_info=None):
            status.append(int(line.split()[0]))
            location.extend(value for name, value in headers if name.lower() == "location")

        # As Django's test client does: keep this process's database connection across the
        # renders (a request would otherwise close it at its end and open a new one).
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        self.list_pages = set()
        try:
            response = self.handler(environ, start_response)
            try:
                chunks.extend(response)
            finally:
                response.close()
            self.list_pages = _list_pages(path, response)
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        if status[0] == 301 and location:
            return 301, redirect_page(location[0])
        return status[0], b"".join(chunks)


def _list_pages(path, response):
    """Every page of the list that ``path`` is a page of, or none: a list's pages link only to
    the next one, so a walk that followed the links took a round per page (the 295 pages of
    the post list: 290 rounds and 36 s at the end of the whole site's build)."""
    page = (getattr(response, "context_data", None) or {}).get("page_obj")
    if page is None or page.paginator.num_pages < 2:
        return set()
    first = re.sub(r"page/\d+/$", "", path)
    return {first, *(f"{first}page/{number}/" for number in range(2, page.paginator.num_pages + 1))}


def redirect_page(target):
    """What a static host serves at an item's old address (nginx may answer 301 itself: deploy/)."""
    from django.utils.html import escape

    url = escape(target)
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={url}">'
        f'<link rel="canonical" href="{url}"><meta name="robots" content="noindex"></head>'
        f'<body><p><a href="{url}">{url}</a></p></body></html>'
    ).encode()


def _host():
    hosts = [h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")]
    return hosts[0] if hosts else "localhost"


def file_for(outdir, path):
    relative = path.lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    if any(part in (".", "..") for part in relative.split("/")):
        # a slug ".." (a zip member "...md") wrote over the home pages
        raise ValueError(f"{path!r} names a file outside its own folder")
    return Path(outdir) / relative


def _write(target, content):
    """Atomically (a reader never sees half a file); False when the file already holds it."""
    try:
        if target.stat().st_size == len(content) and target.read_bytes() == content:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    os.chmod(temporary, 0o644)
    os.replace(temporary, target)
    return True


def _remove(outdir, path):
    return _unlink(outdir, file_for(outdir, path))


def _unlink(outdir, target):
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    for parent in target.parents:  # tidy the folders a removed page leaves empty
        if parent == Path(outdir) or any(parent.iterdir()):
            break
        parent.rmdir()
    return True


def entry_points():
    """Where a walk of the public site starts: each language's lists, feeds and sitemap."""
    from . import sitemaps

    paths = ["/sitemap.xml", "/robots.txt", *(reverse("sitemap-page", args=page) for page in sitemaps.pages())]
    for language in LANGUAGES:
        with translation.override(language):
            paths += [
                reverse("editorial:post-list"),
                reverse("editorial:feed"),
                reverse("editorial:tag-list"),
                reverse("editorial:source-list"),
                reverse("editorial:glossary-list"),
                *(reverse("editorial:kind-list", kwargs={"kind": kind.key}) for kind in kinds.KINDS),
            ]
    return paths


def post_paths(kind, slug):
    paths = []
    for language in LANGUAGES:
        with translation.override(language):
            paths += [
                reverse("editorial:post-detail", kwargs={"kind": kind, "slug": slug}),
                reverse("editorial:post-source", kwargs={"kind": kind, "slug": slug}),
            ]
    return paths


def _links(content):
    # An href is HTML: a slug's "&" or "'" is written "&amp;" or "&#x27;" there (the real site has
    # such slugs), so the query or fragment is cut off only once it is unescaped.
    hrefs = _LINK.findall(content.decode("utf-8", "replace"))
    found = (re.split(r"[?#]", html.unescape(href), maxsplit=1)[0] for href in hrefs)
    return {link for link in found if not _SKIP.search(link)}


def build(outdir, *, workers=None, progress=None):
    """Write the whole public site to ``outdir``; remove files of pages that no longer exist.

    The walk goes in rounds: every page known so far is rendered (by ``workers`` processes
    on a multi-core machine), then every page those link to that is not known yet.
    """
    from .models import Post, SlugRedirect

    started = time.perf_counter()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    report = Report()
    manifest = hasattr(staticfiles_storage, "manifest_name")
    if manifest:  # pages name the hashed files collectstatic makes: make them first
        call_command("collectstatic", interactive=False, verbosity=0)
    shutil.rmtree(outdir / STATE, ignore_errors=True)  # after a full build, refreshes start afresh
    before = {p for p in outdir.rglob("*") if p.is_file() and p.relative_to(outdir).parts[0] != "static"}
    batch = entry_points()
    for kind, slug in Post.objects.public().values_list("kind", "slug"):  # unlisted ones too
        batch += post_paths(kind, slug)
    for kind, slug in SlugRedirect.objects.filter(post__in=Post.objects.public()).values_list("kind", "slug"):
        batch += [path for path in post_paths(kind, slug) if path.endswith("/")]  # old addresses
    seen, written = set(batch), set()
    seen |= {twin for path in batch for twin in _twins(path)}
    batch = [path for path in batch if not _is_twin(path)]
    with _pool(workers) as render_all:
        while batch:
            found = set()
            for path, status, changed, links in render_all(str(outdir), batch):
                if status not in (200, 301):
                    report.failed.append((path, status))
                    continue
                written.add(file_for(outdir, path))
                report.written += changed
                report.unchanged += not changed
                found |= links
            found |= {"/zh" + path[3:] for path in found if _is_twin(path)}  # rendered as its twin
            found |= {twin for path in found for twin in _twins(path)}
            batch = sorted(path for path in found - seen if not _is_twin(path))
            seen |= found
            if progress:
                progress(len(written))
    written |= _write_extras(outdir, _Renderer())
    for stale in before - written:
        report.removed += _unlink(outdir, stale)
    _copy_static(outdir, manifest)
    report.seconds = time.perf_counter() - started
    return report


_worker_renderer = None


def _render_chunk(outdir, paths):
    """Render and write ``paths``; [(path, status, whether the file changed, links)]."""
    global _worker_renderer  # noqa: PLW0603 - one per worker process, made on first use
    if _worker_renderer is None:
        _worker_renderer = _Renderer()
    results = []
    with page_data.preloaded(paths):  # what these pages list, fetched for all of them at once
        for path in paths:
            results.extend(_render_one(outdir, path, _twins(path)))
    return results


# An item's Markdown file is the same in every language (its bytes, not a page about it):
# rendered once, under /zh/, and written under /en/ too.
_SOURCE_FILE = re.compile(r"^/zh(/.+/source\.md)$")


def _twins(path):
    match = _SOURCE_FILE.match(path)
    return [f"/en{match.group(1)}"] if match else []


def _is_twin(path):
    return path.startswith("/en/") and bool(_SOURCE_FILE.match("/zh" + path[3:]))


def _render_one(outdir, path, twins=()):
    """[(path, status, whether the file changed, links)] for the page and the ``twins`` that
    hold the same bytes; a page that cannot be written is reported, and the batch goes on."""
    paths = [path, *twins]
    try:
        status, content = _worker_renderer.get(path)
        if status not in (200, 301):
            return [(each, status, False, set()) for each in paths]
        target = file_for(outdir, path)
        links = _links(content) | _worker_renderer.list_pages if target.suffix == ".html" and status == 200 else set()
        return [(each, status, _write(file_for(outdir, each), content), links) for each in paths]
    except Exception:
        logger.exception("static copy: %s could not be written", path)
        return [(each, "error", False, set()) for each in paths]


@contextmanager
def _pool(workers):
    """A function rendering a batch of paths: in worker processes (forked, each with its own
    database connection) when there are several cores, else in this process."""
    workers = workers or min(4, os.cpu_count() or 1)
    if workers < 2:
        yield lambda outdir, paths: _render_chunk(outdir, paths)
        return
    connections.close_all()  # each process opens its own
    with get_context("fork").Pool(workers) as pool:

        def render_all(outdir, paths):
            # One chunk of 64 pages per task, handed to whichever worker is free: starmap cut a
            # round into a few tasks of thousands of pages each, and one core sat idle while the
            # other finished its last (the whole site on 2 cores: 329 s, now 298 s).
            chunks = [paths[i : i + 64] for i in range(0, len(paths), 64)]
            for results in pool.imap_unordered(partial(_render_chunk, outdir), chunks):
                yield from results

        yield render_all


def _write_extras(outdir, renderer):
    """The root (a link to each language; a static host cannot read Accept-Language) and 404."""
    root = outdir / "index.html"
    _write(
        root,
        (
            '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
            '<meta http-equiv="refresh" content="0; url=/zh/"><link rel="canonical" href="/zh/">'
            "<title>林间拾穗</title></head><body>"
            '<p><a href="/zh/">中文</a> · <a href="/en/" lang="en">English</a></p></body></html>'
        ).encode(),
    )
    missing = outdir / "404.html"
    request = renderer.factory.get("/zh/404.html")
    with translation.override("zh-hans"):
        _write(missing, render_to_string("404.html", request=request).encode())
    return {root, missing}


def _copy_static(outdir, manifest):
    """The site's CSS, JavaScript and images (not the admin's) under static/."""
    target = Path(outdir) / "static"
    if manifest:  # hashed names: copy what collectstatic made
        shutil.copytree(settings.STATIC_ROOT, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("admin"))
        return
    for finder in finders.get_finders():
        for path, storage in finder.list(["admin/*", "modeltranslation/*"]):
            prefix = getattr(storage, "prefix", None) or ""
            destination = target / prefix / path
            if not destination.exists():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(storage.path(path), destination)


def refresh_post(outdir, kind, slug):
    """Rewrite what one post touches, the post itself first: ``refresh_readable``, then
    ``refresh_linked`` (the background job runs the two as separate jobs, so the next change's
    post does not wait for this one's neighbourhood)."""
    started = time.perf_counter()
    report = Report()
    neighbours = refresh_readable(outdir, kind, slug, report)
    report.readable_seconds = time.perf_counter() - started
    refresh_linked(outdir, [(kind, slug, neighbours)], report=report)
    report.seconds = time.perf_counter() - started
    return report


def refresh_readable(outdir, kind, slug, report):
    """The post (or its removal, if it is no longer public), the home pages and feeds: from then
    on readers see the change. Returns the pages it links to now or linked to before (tags,
    sources, series, entities, glossary terms), for ``refresh_linked``."""
    renderer = _Renderer()
    own = post_paths(kind, slug)
    neighbours = set()
    for path in own:
        old = file_for(outdir, path)
        if old.suffix == ".html" and old.exists():
            neighbours |= _links(old.read_bytes())
        content = _refresh(outdir, renderer, path, report)
        if content is not None and path.endswith("/"):
            neighbours |= _links(content)
    lists = entry_points()
    for path in _first(lists):
        _refresh(outdir, renderer, path, report)
    return sorted(neighbours - set(own) - set(lists))


def _first(lists):
    """Of the site's lists, what readers look at first: the home pages and the feeds."""
    return [path for path in lists if path.endswith(("/zh/", "/en/", "/feed/"))]


def refresh_linked(outdir, items, *, paths=(), report=None, stop=None):
    """The rest of what changed posts touch: the directories and the sitemap (which alone take a
    second or so), then each post's ``neighbours`` (``items``: (kind, slug, neighbours)), which
    list it by title, but only if something they show of it changed (a fix to the body alone
    leaves them as they are), and any other ``paths``. Each page once, however many posts link
    it. ``stop()``, asked between pages, ends the refresh early: the pages not yet written are
    returned (nothing is lost: the caller queues them), else []."""
    report = report if report is not None else Report()
    renderer = _Renderer()
    lists = entry_points()
    todo = set(lists) - set(_first(lists)) | set(paths)
    signatures = []
    for kind, slug, neighbours in items:
        signature_file = Path(outdir) / STATE / hashlib.sha256(f"{kind}/{slug}".encode()).hexdigest()
        signature = _signature(kind, slug)
        if not signature_file.exists() or signature_file.read_text() != signature:
            todo |= set(neighbours)
            signatures.append((signature_file, signature))
    todo = sorted(todo)
    for n, path in enumerate(todo):
        if stop is not None and stop():
            _write_signatures(signatures)  # what is left is returned, and refreshed by the caller
            return todo[n:]
        _refresh(outdir, renderer, path, report)
    _write_signatures(signatures)
    return []


def _write_signatures(signatures):
    for signature_file, signature in signatures:
        _write(signature_file, signature.encode())


def refresh_paths(outdir, paths):
    """Rewrite some pages (a glossary entry's, after an editor changed it), or remove them."""
    started = time.perf_counter()
    report, renderer = Report(), _Renderer()
    for path in sorted(set(paths)):
        _refresh(outdir, renderer, path, report)
    report.seconds = time.perf_counter() - started
    return report


def _refresh(outdir, renderer, path, report):
    """Render one page and write it (or remove it when it is gone); its content, if any. A page
    that cannot be written is reported, and the refresh goes on."""
    try:
        return _refresh_one(outdir, renderer, path, report)
    except ValueError:
        logger.exception("static copy: %s could not be written", path)
        report.failed.append((path, "error"))
        return None


def _refresh_one(outdir, renderer, path, report):
    status, content = renderer.get(path)
    report.rendered += 1
    if status == 200:
        report.written += _write(file_for(outdir, path), content)
        return content
    if status == 301 and path.endswith("/"):  # an old address of an item: a page that sends readers on
        report.written += _write(file_for(outdir, path), content)
        return None
    if status == 404:
        report.removed += _remove(outdir, path)
    else:
        report.failed.append((path, status))
    return None


def _signature(kind, slug):
    """What other pages show of a post (its card, where it is listed, what it links), hashed."""
    from .models import Post

    post = Post.objects.public().filter(kind=kind, slug=slug).first()
    if post is None:
        return "gone"
    shown = [
        post.title_zh_hans, post.title_en, post.summary_zh_hans, post.summary_en, post.date, post.speaker,
        post.guest, post.series, post.series_order, post.published_at, post.unlisted,
        sorted(post.tags.values_list("pk", flat=True)),
        sorted(post.entity_links.values_list("entity_id", flat=True)),
        sorted(post.glossary_uses.values_list("entry_id", flat=True)),
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(shown, default=str).encode()).hexdigest()
