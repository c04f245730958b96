from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, get_language_from_request, override
from django.views.generic import DetailView, ListView

from .glossary import normalize
from .models import Entity, GlossaryAlias, GlossaryEntry, Post, PreviewLink


def language_root(request):
    """'/' sends a reader to the home page in their language."""
    with override(get_language_from_request(request)):
        return redirect("editorial:post-list", permanent=False)


class PostListView(ListView):
    """The home page: public, listed posts, newest first, 30 a page as on the old site."""

    paginate_by = 30

    def get_queryset(self):
        return (
            Post.objects.listed()
            .order_by("-published_at", "slug")
            .only(
                "slug", "title_zh_hans", "title_en", "summary_zh_hans", "summary_en", "date", "published_at", "speaker"
            )
        )


class PostDetailView(DetailView):
    def get_queryset(self):
        return Post.objects.public()


class EntityDetailView(DetailView):
    """A person, organisation, product, work or project, with the public posts that mention it."""

    model = Entity

    def get_object(self, queryset=None):
        return get_object_or_404(Entity, kind=self.kwargs["kind"], slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        posts = Post.objects.listed().filter(entity_links__entity=self.object).distinct().order_by("-published_at")
        return super().get_context_data(posts=posts, **kwargs)


def _preview_response(response):
    """Previews are never cached and never indexed."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class PostPreviewView(PermissionRequiredMixin, DetailView):
    """A post in any state, exactly as readers will see it, for people who may view posts."""

    permission_required = "editorial.view_post"
    template_name = "editorial/post_detail.html"
    queryset = Post.objects.all()

    def get_login_url(self):
        return reverse("admin:login")

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, **kwargs)

    def render_to_response(self, context, **kwargs):
        return _preview_response(super().render_to_response(context, **kwargs))


def shared_preview(request, token):
    """A post opened through a signed, expiring, revocable share link: read-only, that post only."""
    link = PreviewLink.from_token(token)
    if link is None:
        raise Http404("This preview link is not valid, has expired or was revoked.")
    response = TemplateResponse(
        request, "editorial/post_detail.html", {"post": link.post, "object": link.post, "preview": True, "link": link}
    )
    return _preview_response(response)


class GlossaryListView(ListView):
    """The glossary: entries readers can reach, grouped by initial (pinyin for Chinese)."""

    template_name = "editorial/glossaryentry_list.html"
    paginate_by = 200

    def get_queryset(self):
        english = get_language() == "en"
        entries = GlossaryEntry.objects.public()
        query = self.request.GET.get("q", "").strip()
        if query:
            keys = GlossaryAlias.objects.filter(key__contains=normalize(query)).values("entry")
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
        return super().get_context_data(
            letters=list(GlossaryEntry.objects.public().values_list(field).annotate(n=Count("pk")).order_by(field)),
            query=self.request.GET.get("q", ""),
            letter=self.request.GET.get("letter", ""),
            **kwargs,
        )


class GlossaryDetailView(DetailView):
    """One term: its definition in both languages, aliases, and the public posts that use it."""

    template_name = "editorial/glossaryentry_detail.html"
    context_object_name = "entry"

    def get_queryset(self):
        return GlossaryEntry.objects.public().prefetch_related("aliases")

    def get_context_data(self, **kwargs):
        posts = (
            Post.objects.listed()
            .filter(glossary_uses__entry=self.object)
            .order_by("-published_at")
            .only("slug", "title_zh_hans", "title_en", "published_at", "date")
        )
        return super().get_context_data(posts=posts, **kwargs)
