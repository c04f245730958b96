"""The workflow in the admin: transition buttons and bulk actions, the review queue,
history with compare, preview and share links. Every change of state goes through
``editorial.workflow``; these views only collect input and report the outcome.
"""

import datetime
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import revisions, site_address, workflow
from .models import Post, PreviewLink, ReviewAssignment, Status, StatusChange

PREVIEW_LINK_DAYS = 7


QUEUE_PAGE = 100
QUEUE_DEFERRED = ["body", "body_zh_hans", "body_en", "body_html", "body_html_zh_hans", "body_html_en", "toc"]
QUEUE_DEFERRED += ["front_matter", "insight", "insight_zh_hans", "insight_en"]


def excerpt(text, length=140):
    """The start of a summary or body as plain text: no Markdown marks, no original blocks."""
    text = re.sub(r"<details>.*?(</details>|$)", " ", text or "", flags=re.DOTALL)
    text = re.sub(r"<[^>]+>|[#*_`>\[\]]+|\(https?://[^)]*\)", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length].rstrip() + "…"


class ReviewQueueForm(forms.Form):
    """A bulk action on posts chosen in the review queue."""

    ACTIONS = [
        ("assign", gettext_lazy("Assign to a reviewer")),
        ("unassign", gettext_lazy("Remove the assignment")),
        ("publish", workflow.TRANSITIONS["publish"].label),
        ("request_changes", workflow.TRANSITIONS["request_changes"].label),
    ]
    posts = forms.ModelMultipleChoiceField(
        queryset=Post.objects.in_review(),
        label=gettext_lazy("Posts"),
        error_messages={"required": gettext_lazy("Choose the posts first.")},
    )
    action = forms.ChoiceField(label=gettext_lazy("Action"), choices=ACTIONS)
    reviewer = forms.ModelChoiceField(
        queryset=workflow.reviewers(),
        label=gettext_lazy("Reviewer"),
        required=False,
        empty_label=gettext_lazy("(choose a reviewer)"),
    )
    due = forms.DateField(label=gettext_lazy("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = workflow.reviewers()
        allowed = {"assign", "unassign"} if workflow.may_assign(user) else set()
        allowed |= {t.name for t in workflow.TRANSITIONS.values() if user.has_perm(t.permission)}
        self.fields["action"].choices = [(k, v) for k, v in self.ACTIONS if k in allowed]

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("reviewer"):
            self.add_error("reviewer", _("Choose the reviewer to assign."))
        return data


class WorkflowActionForm(ActionForm):
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False)


def _bulk_action(transition):
    def action(modeladmin, request, queryset):
        done, refused = 0, []
        comment = request.POST.get("comment", "")
        for post in queryset.order_by("pk"):
            try:
                workflow.apply(transition.name, post, by=request.user, comment=comment)
                done += 1
            except ValidationError as exc:
                refused.append(f"{post}: {' '.join(exc.messages)}")
        if done:
            modeladmin.message_user(
                request, _("%(label)s: %(n)d posts.") % {"label": transition.label, "n": done}, messages.SUCCESS
            )
        for line in refused[:20]:
            modeladmin.message_user(request, line, messages.WARNING)
        if len(refused) > 20:
            modeladmin.message_user(
                request, _("… and %(n)d more refused.") % {"n": len(refused) - 20}, messages.WARNING
            )

    action.__name__ = f"workflow_{transition.name}"
    action.short_description = transition.label
    action.allowed_permissions = ("workflow",)
    return action


class MineFilter(admin.SimpleListFilter):
    title = gettext_lazy("author")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", gettext_lazy("My posts"))]

    def queryset(self, request, queryset):
        return queryset.filter(author=request.user) if self.value() == "1" else queryset


class WorkflowAdminMixin:
    action_form = WorkflowActionForm
    actions = [_bulk_action(t) for t in workflow.TRANSITIONS.values()]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        for transition in workflow.TRANSITIONS.values():
            if not request.user.has_perm(transition.permission):
                actions.pop(f"workflow_{transition.name}", None)
        return actions

    def has_workflow_permission(self, request):
        return request.user.has_perm("editorial.submit_post") or request.user.has_perm("editorial.publish_post")

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.may_edit(request.user, obj)

    def has_view_permission(self, request, obj=None):
        """An author opened any post's history and revisions, other authors' drafts included."""
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or workflow.may_view(request.user, obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review/", view(self.review_queue_view), name="editorial_post_review_queue"),
            path("<int:pk>/transition/<str:name>/", view(self.transition_view), name="editorial_post_transition"),
            path("<int:pk>/compare/", view(self.compare_view), name="editorial_post_compare"),
            path("<int:pk>/share/", view(self.share_view), name="editorial_post_share"),
            path("<int:pk>/assign/", view(self.assign_view), name="editorial_post_assign"),
            path("<int:pk>/share/<int:link>/revoke/", view(self.revoke_view), name="editorial_post_revoke"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        post = self.get_object(request, object_id)
        if post is not None:
            extra_context = {
                **(extra_context or {}),
                "transitions": workflow.available(request.user, post),
                "status_changes": post.status_changes.select_related("by")[:5],
                "preview_url": reverse("editorial:post-preview", kwargs={"kind": post.kind, "slug": post.slug}),
                "preview_links": post.preview_links.filter(revoked_at=None, expires_at__gt=timezone.now()),
                "may_share": request.user.has_perm("editorial.add_previewlink"),
                "assignment": ReviewAssignment.objects.select_related("reviewer").filter(post=post).first(),
                "reviewers": workflow.reviewers() if workflow.may_assign(request.user) else None,
                "now": timezone.localtime(),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _post_or_404(pk):
        return get_object_or_404(Post, pk=pk)

    def assign_view(self, request, pk):
        """Assign the post's reviewer and due date (or remove the assignment) from its page."""
        if not workflow.may_assign(request.user):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:editorial_post_change", pk)
        post = self._post_or_404(pk)
        chosen = request.POST.get("reviewer", "")
        reviewer = workflow.reviewers().filter(pk=chosen).first() if chosen.isdigit() else None
        due = None
        if request.POST.get("due"):
            try:
                due = datetime.date.fromisoformat(request.POST["due"])
            except ValueError:
                messages.error(request, _("The due date is not a valid date."))
                return redirect("admin:editorial_post_change", pk)
        if chosen and reviewer is None:
            messages.error(request, _("That account may not review posts."))
            return redirect("admin:editorial_post_change", pk)
        try:
            workflow.assign([post], reviewer=reviewer, due=due, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if reviewer is None:
                messages.success(request, _("The post is no longer assigned."))
            else:
                messages.success(request, _("Assigned to %(user)s.") % {"user": reviewer.username})
        return redirect("admin:editorial_post_change", pk)

    def transition_view(self, request, pk, name):
        if request.method != "POST":
            return redirect("admin:editorial_post_change", pk)
        post = self._post_or_404(pk)
        at = None
        if request.POST.get("publish_at"):
            try:
                at = timezone.make_aware(datetime.datetime.fromisoformat(request.POST["publish_at"]))
                at.astimezone(datetime.UTC)  # 9999-12-31 23:59 here is past year 9999 in UTC: it cannot be stored
                if at.year > timezone.now().year + 100:
                    raise ValueError(at)
            except (ValueError, OverflowError):
                messages.error(request, _("The publication time is not a valid date and time."))
                return redirect("admin:editorial_post_change", pk)
        try:
            change = workflow.apply(name, post, by=request.user, comment=request.POST.get("comment", ""), at=at)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            label = workflow.TRANSITIONS[name].label
            if post.published_at and post.published_at > timezone.now() and change.to_status in Status.public():
                when = timezone.localtime(post.published_at).strftime("%Y-%m-%d %H:%M")
                messages.success(request, _("%(label)s: scheduled for %(when)s.") % {"label": label, "when": when})
            else:
                messages.success(request, _("%(label)s: done.") % {"label": label})
        return redirect("admin:editorial_post_change", pk)

    def review_queue_view(self, request):
        """Posts in review, oldest submission first: who submitted them and when (imports too), an
        excerpt, the reviewer and due date, "assigned to me", and bulk actions on a selection."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        form = ReviewQueueForm(request.POST or None, user=request.user)
        if request.method == "POST":
            if form.is_valid():
                self._review_queue_action(request, form.cleaned_data)
                return redirect(request.get_full_path())
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        submissions = StatusChange.objects.filter(post=OuterRef("pk"), to_status=Status.REVIEW).order_by("-at")
        posts = (
            Post.objects.in_review()
            .annotate(
                submitted_at=Subquery(submissions.values("at")[:1]),
                submitted_by=Subquery(submissions.values("by__username")[:1]),
                submitted_how=Subquery(submissions.values("transition")[:1]),
            )
            .select_related("author", "review_assignment__reviewer")
            .defer(*QUEUE_DEFERRED)
            .order_by("submitted_at", "pk")
        )
        mine = request.GET.get("mine") == "1"
        if mine:
            posts = posts.filter(review_assignment__reviewer=request.user)
        page = Paginator(posts, QUEUE_PAGE).get_page(request.GET.get("page"))
        # The summary, or the start of the body where there is none: those bodies alone are read
        # (stored compressed on SQLite, they cannot be cut short in SQL).
        bodies = Post.objects.filter(pk__in=[p.pk for p in page if not p.summary_zh_hans]).only("body_zh_hans")
        starts = {p.pk: (p.body_zh_hans or "")[:400] for p in bodies}
        for post in page:
            post.excerpt = excerpt(post.summary_zh_hans or starts.get(post.pk, ""))
            post.assignment = getattr(post, "review_assignment", None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Review queue"),
            "posts": page,
            "page": page,
            "mine": mine,
            "form": form,
            "assigned_to_me": ReviewAssignment.objects.filter(
                reviewer=request.user, post__status=Status.REVIEW
            ).count(),
            "today": timezone.localdate(),
        }
        return TemplateResponse(request, "admin/editorial/post/review_queue.html", context)

    def _review_queue_action(self, request, data):
        posts = list(data["posts"])
        action = data["action"]
        if action in ("assign", "unassign"):
            try:
                n = workflow.assign(
                    posts, reviewer=data["reviewer"] if action == "assign" else None, due=data["due"], by=request.user
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return
            if action == "assign":
                messages.success(
                    request, _("%(n)d posts assigned to %(user)s.") % {"n": n, "user": data["reviewer"].username}
                )
            else:
                messages.success(request, _("%(n)d posts no longer assigned.") % {"n": n})
            return
        done, refused = 0, []
        for post in posts:
            try:
                workflow.apply(action, post, by=request.user, comment=data["comment"])
                done += 1
            except ValidationError as exc:
                refused.append(f"{post}: {' '.join(exc.messages)}")
        if done:
            label = workflow.TRANSITIONS[action].label
            messages.success(request, _("%(label)s: %(n)d posts.") % {"label": label, "n": done})
        for line in refused[:20]:
            messages.warning(request, line)

    def history_view(self, request, object_id, extra_context=None):
        post = self._post_or_404(object_id)
        extra_context = {
            **(extra_context or {}),
            "status_changes": post.status_changes.select_related("by"),
            "versions": revisions.versions_of(post),
        }
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, pk):
        post = self._post_or_404(pk)
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        versions = revisions.versions_of(post)
        wanted = [request.GET.get(key, "") for key in ("a", "b")]
        # a hand-typed ?a=abc was a 500: only revision numbers are looked up
        chosen = [versions.filter(pk=pk).first() if pk.isdigit() else None for pk in wanted]
        if None in chosen:
            messages.error(request, _("Choose two revisions to compare."))
            return redirect("admin:editorial_post_history", pk)
        older, newer = sorted(chosen, key=lambda v: v.revision.date_created)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": post,
            "title": _("Compare revisions of “%(post)s”") % {"post": post},
            "older": older,
            "newer": newer,
            "diffs": revisions.diff_versions(older, newer),
        }
        return TemplateResponse(request, "admin/editorial/post/compare.html", context)

    @staticmethod
    def _require_share_permission(request):
        if not request.user.has_perm("editorial.add_previewlink"):
            raise PermissionDenied

    def share_view(self, request, pk):
        self._require_share_permission(request)
        post = self._post_or_404(pk)
        if request.method == "POST":
            link = PreviewLink.objects.create(
                post=post,
                created_by=request.user,
                expires_at=timezone.now() + datetime.timedelta(days=PREVIEW_LINK_DAYS),
            )
            url = site_address.absolute(link.get_absolute_url(), request)
            messages.success(
                request, _("Share link (valid %(days)d days): %(url)s") % {"days": PREVIEW_LINK_DAYS, "url": url}
            )
        return redirect("admin:editorial_post_change", pk)

    def revoke_view(self, request, pk, link):
        self._require_share_permission(request)
        if request.method == "POST":
            PreviewLink.objects.filter(post_id=pk, pk=link, revoked_at=None).update(revoked_at=timezone.now())
            messages.success(request, _("The share link no longer works."))
        return redirect("admin:editorial_post_change", pk)
