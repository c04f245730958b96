import re
import sys
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db import DatabaseError, IntegrityError, InterfaceError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header, http_date
from django.utils.translation import get_language, get_language_from_request, override
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from . import caching, kinds, page_data, redirects, rendering, search, site_address, workflow
from .exporters import item_file, posts_for_export
from .glossary import normalize
from .models import Entity, GlossaryEntry, GlossaryUse, Post, PreviewLink, TaggedPost, TagRedirect
from .models.posts import CARD_FIELDS
from .sources import names_in, series_index, series_slug, source_index


def language_root(request):
    """'/' sends a reader to the home page in their language."""
    with override(get_language_from_request(request)):
        return redirect("editorial:post-list", permanent=False)


class PostListView(ListView):
    """The home page: public, listed items of every kind, newest first, 30 a page as on the old site."""

    paginate_by = 30

    def get_queryset(self):
        return Post.objects.listed().cards()


class KindListView(PostListView):
    """One kind's list: /zh/notes/, /zh/books/ …"""

    template_name = "editorial/kind_list.html"

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kwargs["kind"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind=kinds.get(self.kwargs["kind"]), **kwargs)


READING_MODES = ("zh", "original", "both")


def reading_mode_cookie(language=None):
    """Each edition remembers its own choice: the Chinese reader's "Chinese" is not the English
    reader's."""
    return "reading_mode_en" if (language or get_language()) == "en" else "reading_mode"


def reading_mode(request, default="zh"):
    """The reader's choice (?mode=…, remembered in a cookie per edition), else ``default``."""
    mode = request.GET.get("mode") or request.COOKIES.get(reading_mode_cookie())
    return mode if mode in READING_MODES else default


def default_reading_mode(post):
    """Chinese on the Chinese site; on the English one, the English originals where the item
    keeps them and has no English body of its own."""
    return "original" if get_language() == "en" and post.english_edition == "originals" else "zh"


def html_for_mode(body_html, mode):
    """Originals start collapsed in Chinese mode; open in the other modes (no Markdown involved)."""
    if mode == "zh":
        return body_html
    return body_html.replace('<details class="original"', '<details class="original" open')


# What a post page never shows: the Chinese Markdown (its HTML is stored) and the imported file.
# Read with the row they cost more than the page's other queries together on a long item. Not
# "body": modeltranslation defers every language of it then, and the English one (usually
# empty) decides what the English page says: one more query on every page.
READING_DEFERRED = ["body_zh_hans", "source_file"]


class PostDetailView(DetailView):
    def get_queryset(self):
        return Post.objects.public().filter(kind=self.kwargs["kind"]).defer(*READING_DEFERRED)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = redirects.moved_to(kwargs["kind"], kwargs["slug"])
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(moved.get_absolute_url())

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Last-Modified"] = http_date(self.object.updated_at.timestamp())
        if self.request.GET.get("mode") in READING_MODES:
            response.set_cookie(
                reading_mode_cookie(), self.request.GET["mode"], max_age=365 * 24 * 3600, samesite="Lax"
            )
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(**reading_context(self.request, self.object), **kwargs)


def reading_context(request, post, *, tags=None, mode=None):
    """What the post page shows around a post's body, for a stored post or (with ``tags``, the
    tag names typed into the editor) an unsaved one in the editor's live preview."""
    if tags is None:
        with_pages = tag_pages()
        tags = [(tag, tag.pk in with_pages) for tag in post.tags.order_by("editorial_taggedpost_items__pk")]
    else:
        tags = [(Tag(name=name, slug=name), False) for name in tags]
    slugs = {source.name.casefold(): slug for slug, source in source_index().items()}
    sources = [(name, slugs.get(name.casefold())) for name in names_in(post.speaker, post.guest)]
    mode = mode if mode in READING_MODES else reading_mode(request, default_reading_mode(post))
    body_html = post.body_html
    if get_language() == "en" and post.english_edition != "translated":
        body_html = rendering.relabel(body_html, "en")
    series = None
    if post.series and (slug := series_slug(post.series)):
        others = [other for other in series_index()[slug][1] if other.pk != post.pk]
        series = {"name": post.series, "slug": slug, "posts": others}
    video = re.search(r"^https?://(?:www\.)?(?:youtube\.com/watch\?v=|youtu\.be/)([\w-]{11})", post.source_link)
    return {
        "series": series,
        "video_id": video.group(1) if video else None,
        "tags": tags,
        "sources": sources,
        "mentions": _mentions(post),
        "mode": mode,
        "modes": READING_MODES,
        "body_html": html_for_mode(body_html, mode),
    }


def _mentions(post):
    """(address, name, kind) of each person, organisation or work the post mentions, in its
    order: from one query of plain values, as loading each link and its entity cost a tenth
    of the page."""
    if not post.pk:
        return []
    links = post.entity_links.order_by("position").values_list("entity__kind", "entity__slug", "entity__name")
    entities = (Entity(kind=kind, slug=slug, name=name) for kind, slug, name in links)
    return [(entity.get_absolute_url(), entity.name, entity.get_kind_display()) for entity in entities]


class EntityDetailView(ListView):
    """A person, organisation, product, work or project, with the public posts that mention it."""

    template_name = "editorial/entity_detail.html"
    paginate_by = 30

    def get_queryset(self):
        self.entity, posts = page_data.entity_page(self.kwargs["kind"], self.kwargs["slug"])
        return posts

    def get_context_data(self, **kwargs):
        return super().get_context_data(entity=self.entity, **kwargs)


def preview_response(response):
    """Previews are never cached and never indexed."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class PostPreviewView(PermissionRequiredMixin, DetailView):
    """A post in any state, exactly as readers will see it, for people who may view posts."""

    permission_required = "editorial.view_post"
    template_name = "editorial/post_detail.html"

    def get_queryset(self):
        return Post.objects.filter(kind=self.kwargs["kind"])

    def get_login_url(self):
        return reverse("admin:login")

    def get_object(self, queryset=None):
        post = super().get_object(queryset)
        if not workflow.may_view(self.request.user, post):  # an author, another author's draft
            raise Http404("No such post.")
        return post

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, **kwargs)

    def render_to_response(self, context, **kwargs):
        return preview_response(super().render_to_response(context, **kwargs))


def shared_preview(request, token):
    """A post opened through a signed, expiring, revocable share link: read-only, that post only."""
    link = PreviewLink.from_token(token)
    if link is None:
        raise Http404("This preview link is not valid, has expired or was revoked.")
    response = TemplateResponse(
        request, "editorial/post_detail.html", {"post": link.post, "object": link.post, "preview": True, "link": link}
    )
    return preview_response(response)


class GlossaryListView(ListView):
    """The glossary: entries readers can reach, grouped by initial (pinyin for Chinese)."""

    template_name = "editorial/glossaryentry_list.html"
    paginate_by = 100

    def get_queryset(self):
        english = get_language() == "en"
        entries = GlossaryEntry.objects.in_index()
        query = self.request.GET.get("q", "").strip()[:100]
        if query:
            entries = GlossaryEntry.objects.public()  # a search finds every term with a page
            # Other spellings as public posts write them (an index look-up; never a draft's spelling),
            # the names themselves by substring.
            keys = GlossaryUse.objects.filter(term_key=normalize(query), post__in=Post.objects.listed()).values("entry")
            entries = entries.filter(
                Q(term__icontains=query) | Q(english__icontains=query) | Q(abbreviation__iexact=query) | Q(pk__in=keys)
            )
        elif self.request.GET.get("letter"):
            field = "initial_en" if english else "initial_zh"
            entries = entries.filter(**{field: self.request.GET["letter"][:1].upper()})
        order = ["sort_en", "pk"] if english else ["sort_zh", "pk"]
        return entries.order_by(*order).only(
            "term", "english", "abbreviation", "slug", "initial_zh", "initial_en", "definition_zh_hans", "definition_en"
        )

    def get_context_data(self, **kwargs):
        field = "initial_en" if get_language() == "en" else "initial_zh"
        letters = caching.per_generation(  # a count over every entry: once per change, not per page
            f"glossary-letters-{field}",
            lambda: list(GlossaryEntry.objects.in_index().values_list(field).annotate(n=Count("pk")).order_by(field)),
        )
        return super().get_context_data(
            letters=letters,
            query=self.request.GET.get("q", ""),
            letter=self.request.GET.get("letter", ""),
            **kwargs,
        )


class GlossaryDetailView(DetailView):
    """One term: its definition in both languages, the spellings and the public posts that use it."""

    template_name = "editorial/glossaryentry_detail.html"
    context_object_name = "entry"

    def get_object(self, queryset=None):
        entry, self.posts, self.spellings = page_data.glossary_entry(self.kwargs["slug"])
        return entry

    def get_context_data(self, **kwargs):
        shown = page_data.GLOSSARY_POSTS_SHOWN  # one more is fetched: it tells whether there are more
        return super().get_context_data(
            posts=self.posts[:shown], more=len(self.posts) > shown, spellings=self.spellings, **kwargs
        )


def tags_with_pages():
    """Tags used by at least TAG_PAGE_MIN_POSTS listed posts, with their counts."""
    listed = TaggedPost.objects.filter(tag=OuterRef("pk"), content_object__in=Post.objects.listed())
    count = Subquery(listed.values("tag").annotate(n=Count("pk")).values("n")[:1])
    return Tag.objects.annotate(n=Coalesce(count, 0)).filter(n__gte=settings.EDITORIAL_TAG_PAGE_MIN_POSTS)


@dataclass(frozen=True)
class TagPage:
    pk: int
    slug: str
    name: str
    n: int


def tag_pages():
    """{tag id: TagPage} for the tags with pages, cached per content generation: every post
    page, tag page, tag feed and search form asks, and the count runs over every listed post."""
    return caching.per_generation(
        "tag-pages", lambda: {row[0]: TagPage(*row) for row in tags_with_pages().values_list("pk", "slug", "name", "n")}
    )


def tag_page(slug):
    found = next((tag for tag in tag_pages().values() if tag.slug == slug), None)
    if found is None:
        raise Http404("No page for this tag.")
    return found


class TagListView(ListView):
    """Every tag that has a page (as on the old site: used by 5 or more posts)."""

    template_name = "editorial/tag_list.html"
    context_object_name = "tags"

    def get_queryset(self):
        return sorted(tag_pages().values(), key=lambda tag: (-tag.n, tag.name))


def tag_moved(slug):
    """The page of the tag that the tag once at ``slug`` was merged into, or None."""
    tag_id = TagRedirect.objects.filter(slug=slug).values_list("tag_id", flat=True).first()
    return tag_pages().get(tag_id) if tag_id else None


def follow_merged_tag(view):
    """A tag page or feed whose tag was merged: a permanent redirect to the survivor's."""

    def answer(request, *args, slug, **kwargs):
        try:
            return view(request, *args, slug=slug, **kwargs)
        except Http404:
            target = tag_moved(slug)
            if target is None:
                raise
            return redirect(request.resolver_match.view_name, *args, slug=target.slug, permanent=True, **kwargs)

    return answer


class TagDetailView(ListView):
    template_name = "editorial/tag_detail.html"
    paginate_by = 30

    def get_queryset(self):
        self.tag = tag_page(self.kwargs["slug"])
        return page_data.tag_posts(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SourceListView(TemplateView):
    """来源: every channel and person named as speaker or guest, with counts."""

    template_name = "editorial/source_list.html"

    def get_context_data(self, **kwargs):
        sources = sorted(source_index().values(), key=lambda s: (-s.count, s.name.casefold()))
        return super().get_context_data(sources=sources, **kwargs)


class SourceDetailView(ListView):
    template_name = "editorial/source_detail.html"
    paginate_by = 30

    def get_queryset(self):
        self.source = source_index().get(self.kwargs["slug"])
        if self.source is None:
            raise Http404("No such source.")
        return page_data.source_posts(self.source)

    def get_context_data(self, **kwargs):
        return super().get_context_data(source=self.source, **kwargs)


def post_source(request, kind, slug):
    """The item's Markdown file: the imported bytes, or the export of its edits (exporters.item_file)."""
    post = posts_for_export().public().filter(kind=kind, slug=slug).first()
    if post is None:
        moved = redirects.moved_to(kind, slug)
        if moved is None:
            raise Http404("No such item.")
        return HttpResponsePermanentRedirect(
            reverse("editorial:post-source", kwargs={"kind": moved.kind, "slug": moved.slug})
        )
    response = HttpResponse(item_file(post), content_type="text/markdown; charset=utf-8")
    if request.GET.get("download"):
        response["Content-Disposition"] = content_disposition_header(True, f"{post.slug}.md")
    return response


def robots_txt(request):
    sitemap = site_address.absolute(reverse("sitemap"), request)
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /zh/preview/",
        "Disallow: /en/preview/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


SEARCH_PAGE_SIZE = 10


def search_view(request):
    """Search listed posts: all words (or the exact phrase), filters, ranked, with passages."""
    params = request.GET
    query = search.Query.parse(params.get("q", ""), exact=params.get("exact") == "1")
    page = None
    results = []
    if query.terms:
        candidates = Post.objects.listed()
        if params.get("source"):
            name = params["source"]
            candidates = candidates.filter(Q(speaker__icontains=name) | Q(guest__icontains=name))
        for field in ("area", "category"):
            if params.get(field):
                candidates = candidates.filter(**{field: params[field]})
        if params.get("tag"):
            candidates = candidates.filter(tagged_items__tag__slug=params["tag"])
        if params.get("kind") in kinds.BY_KEY:
            candidates = candidates.filter(kind=params["kind"])
        ids = [pk for pk, _score in search.ranked_ids(query, among=candidates)]
        page = Paginator(ids, SEARCH_PAGE_SIZE).get_page(params.get("page"))
        # What a result shows, and the Chinese Markdown its passages come from: not the stored
        # HTML or the imported file, which cost more to read than the rest of the page.
        posts = Post.objects.only(*CARD_FIELDS, "body_zh_hans").in_bulk(list(page.object_list))
        results = [(posts[pk], search.passages(posts[pk], query)) for pk in page.object_list]
    areas, categories = search_filters()
    context = {
        "query": query,
        "page_obj": page,
        "results": results,
        "areas": areas,
        "categories": categories,
        "tags": sorted(tag_pages().values(), key=lambda tag: tag.name),
        "params": params,
        "kinds": kinds.KINDS,
    }
    return TemplateResponse(request, "editorial/search_results.html", context)


def search_filters():
    """(areas, categories) of listed posts, for the search form (cached per content generation)."""

    def build():
        listed = Post.objects.listed().order_by()
        return [
            sorted(set(listed.exclude(**{field: ""}).values_list(field, flat=True))) for field in ("area", "category")
        ]

    return caching.per_generation("search-filters", build)


class SeriesDetailView(ListView):
    """A series: its listed posts in reading order (order in series, then date)."""

    template_name = "editorial/series_detail.html"

    def get_queryset(self):
        found = series_index().get(self.kwargs["slug"])
        if found is None:
            raise Http404("No such series.")
        self.series_name, members = found
        posts = Post.objects.in_bulk([member.pk for member in members])
        return [posts[member.pk] for member in members if member.pk in posts]

    def get_context_data(self, **kwargs):
        return super().get_context_data(series_name=self.series_name, **kwargs)


def server_error(request):
    """500, or 503 with Retry-After when the database is out of reach (it reconnects by itself).

    Rendered without context processors or the database, so it always works.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (DatabaseError, InterfaceError)) and not isinstance(error, IntegrityError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
