from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language_from_request, override
from django.views.generic import DetailView, ListView

from .models import Entity, Post


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
