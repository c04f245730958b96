from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language_from_request, override
from django.views.generic import DetailView, ListView

from .models import Entity, Post, PreviewLink


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
