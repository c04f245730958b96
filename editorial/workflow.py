"""The editorial workflow: draft → review → published → evergreen, and back where allowed.

The transition table below is the only place the rules live. Each verb (``submit``,
``publish``, …) checks the state and the user's permission on a freshly locked row,
records who/when/from/to/comment as a ``StatusChange`` and a revision, and hands the
change to the content service (editorial/content.py), which publishes it on commit. An illegal
transition raises ``ValidationError`` with a ``code``:

* ``illegal_transition``: not allowed from the post's current state;
* ``permission_denied``: the user may not make it;
* ``comment_required``: requesting changes needs a comment.
"""

from dataclasses import dataclass

import reversion
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import content
from .models import Post, ReviewAssignment, Status, StatusChange


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str | None  # None: back to the public state the post had before
    permission: str
    label: str
    comment_required: bool = False
    own_drafts_only: bool = False  # without review/publish rights, only on your own posts


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit", frozenset({Status.DRAFT}), Status.REVIEW, "editorial.submit_post",
                   _("Submit for review"), own_drafts_only=True),
        Transition("request_changes", frozenset({Status.REVIEW}), Status.DRAFT, "editorial.review_post",
                   _("Request changes"), comment_required=True),
        Transition("publish", frozenset({Status.REVIEW}), Status.PUBLISHED, "editorial.publish_post", _("Publish")),
        Transition("mark_evergreen", frozenset({Status.PUBLISHED}), Status.EVERGREEN, "editorial.publish_post",
                   _("Mark evergreen")),
        Transition("archive", frozenset({Status.PUBLISHED, Status.EVERGREEN}), Status.ARCHIVED,
                   "editorial.publish_post", _("Archive")),
        Transition("unarchive", frozenset({Status.ARCHIVED}), None, "editorial.publish_post",
                   _("Restore from archive")),
        Transition("unpublish", frozenset({Status.PUBLISHED}), Status.DRAFT, "editorial.publish_post",
                   _("Unpublish")),
    )
}  # fmt: skip


def may(user, transition, post):
    """Whether ``user`` may make ``transition`` on ``post`` in its current state. ``None`` is
    the system itself (a management command run by whoever runs the server)."""
    if post.status not in transition.sources:
        return False
    if user is None:
        return True
    if not user.has_perm(transition.permission):
        return False
    if transition.own_drafts_only and not user.has_perm("editorial.review_post"):
        return post.author_id == user.pk
    return True


def may_edit(user, post):
    """Whether ``user`` may change ``post``'s content (the admin's form, an upload of its file):
    reviewers any post, authors their own drafts only."""
    if not user.has_perm("editorial.change_post"):
        return False
    return user.has_perm("editorial.review_post") or (post.author_id == user.pk and post.status == Status.DRAFT)


def may_view(user, post):
    """Whether ``user`` may see ``post`` as it stands in the CMS (its preview, form, history and
    revisions): reviewers any post, authors their own and the posts readers already see."""
    if not (user.has_perm("editorial.view_post") or user.has_perm("editorial.change_post")):
        return False
    return user.has_perm("editorial.review_post") or post.author_id == user.pk or post.is_public


def available(user, post):
    """The transitions ``user`` may make on ``post`` now, in table order."""
    return [t for t in TRANSITIONS.values() if may(user, t, post)]


def apply(name, post, *, by, comment="", at=None):
    """Make transition ``name`` on ``post`` as user ``by``. Returns the StatusChange."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError(_("Unknown transition “%(name)s”."), code="unknown_transition", params={"name": name})
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise ValidationError(_("Say what needs to change: a comment is required."), code="comment_required")
    with transaction.atomic(), reversion.create_revision():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.status not in transition.sources:
            raise ValidationError(
                _("“%(label)s” is not possible for a post that is %(status)s."),
                code="illegal_transition",
                params={"label": transition.label, "status": Status(locked.status).label.lower()},
            )
        if not may(by, transition, locked):
            raise ValidationError(
                _("You may not “%(label)s” this post."), code="permission_denied", params={"label": transition.label}
            )
        source = locked.status
        target = transition.target or _status_before_archive(locked)
        locked.status = target
        if at is not None:
            locked.published_at = at
        elif target in Status.public() and locked.published_at is None:
            locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
        reversion.set_user(by)
        reversion.set_comment(f"{transition.label}: {comment}" if comment else str(transition.label))
        change = StatusChange.objects.create(
            post=locked, transition=name, from_status=source, to_status=target, by=by, comment=comment
        )
        content.transitioned(locked)  # readers see it on commit; a scheduled time gets its job
    for field in ("status", "published_at", "version", "updated_at"):
        setattr(post, field, getattr(locked, field))
    return change


def _status_before_archive(post):
    last = post.status_changes.filter(to_status=Status.ARCHIVED).values_list("from_status", flat=True).first()
    return last if last in Status.public() else Status.PUBLISHED


def submit(post, *, by, comment=""):
    return apply("submit", post, by=by, comment=comment)


def request_changes(post, *, by, comment):
    return apply("request_changes", post, by=by, comment=comment)


def publish(post, *, by, comment="", at=None):
    """Publish now, or at ``at`` (a future time schedules it: visibility is a query, no cron)."""
    return apply("publish", post, by=by, comment=comment, at=at)


def mark_evergreen(post, *, by, comment=""):
    return apply("mark_evergreen", post, by=by, comment=comment)


def archive(post, *, by, comment=""):
    return apply("archive", post, by=by, comment=comment)


def unarchive(post, *, by, comment=""):
    return apply("unarchive", post, by=by, comment=comment)


def unpublish(post, *, by, comment=""):
    return apply("unpublish", post, by=by, comment=comment)


REVIEW_PERMISSIONS = ("review_post", "publish_post")


def reviewers():
    """The active staff accounts that may review posts (the choices for an assignment)."""
    granted = Q(is_superuser=True)
    for codename in REVIEW_PERMISSIONS:
        granted |= Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label="editorial")
        granted |= Q(user_permissions__codename=codename, user_permissions__content_type__app_label="editorial")
    return get_user_model().objects.filter(granted, is_active=True, is_staff=True).distinct().order_by("username")


def may_assign(user):
    return user.has_perm("editorial.publish_post")


def assign(posts, *, reviewer, due=None, by):
    """Make ``reviewer`` (None: nobody) the reviewer of each post, due on ``due``. Returns the count."""
    if not may_assign(by):
        raise ValidationError(_("Only an editor may assign reviewers."), code="permission_denied")
    if reviewer is not None and not reviewers().filter(pk=reviewer.pk).exists():
        raise ValidationError(_("%(user)s may not review posts."), code="not_a_reviewer", params={"user": reviewer})
    ids = [post.pk for post in posts]
    with transaction.atomic():
        ReviewAssignment.objects.filter(post_id__in=ids).delete()
        if reviewer is not None:
            ReviewAssignment.objects.bulk_create(
                ReviewAssignment(post_id=pk, reviewer=reviewer, due=due, assigned_by=by) for pk in ids
            )
    return len(ids)
