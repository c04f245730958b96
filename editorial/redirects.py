"""Old addresses of items (``SlugRedirect``, kept by editorial/content.py when a public item's
slug or kind changes): the item's page, its source.md and the legacy router all send readers on."""

from .models import Post, SlugRedirect


def moved_to(kind, slug):
    """The public item that had the address ``kind``/``slug`` before, or None."""
    row = SlugRedirect.objects.filter(kind=kind, slug=slug).values_list("post_id", flat=True).first()
    if row is None:
        return None
    return Post.objects.public().filter(pk=row).only("kind", "slug").first()
