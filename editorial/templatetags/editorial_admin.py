from django import template
from django.db.models import Count, Q
from django.utils import timezone

from editorial.models import Post, Status

register = template.Library()


@register.simple_tag(takes_context=True)
def workflow_counts(context):
    """Counts for the admin index, in one query: review queue, my drafts, all drafts, scheduled."""
    user = context["request"].user
    if not user.has_perm("editorial.view_post"):
        return None
    return Post.objects.aggregate(
        review=Count("pk", filter=Q(status=Status.REVIEW)),
        my_drafts=Count("pk", filter=Q(status=Status.DRAFT, author=user)),
        drafts=Count("pk", filter=Q(status=Status.DRAFT)),
        scheduled=Count("pk", filter=Q(status__in=Status.public(), published_at__gt=timezone.now())),
    )
