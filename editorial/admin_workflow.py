"""The workflow in the admin: transition buttons and bulk actions, the review queue,
history with compare, preview and share links. Every change of state goes through
``editorial.workflow``; these views only collect input and report the outcome.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import revisions, site_address, workflow
from .models import Post, PreviewLink, Status, StatusChange

PREVIEW_LINK_DAYS = 7


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
                "now": timezone.localtime(),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _post_or_404(pk):
        return get_object_or_404(Post, pk=pk)

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
        """Posts in review, oldest submission first, with who submitted them."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        submissions = StatusChange.objects.filter(post=OuterRef("pk"), to_status=Status.REVIEW).order_by("-at")
        posts = (
            Post.objects.in_review()
            .annotate(
                submitted_at=Subquery(submissions.values("at")[:1]),
                submitted_by=Subquery(submissions.values("by__username")[:1]),
                submitted_how=Subquery(submissions.values("transition")[:1]),
            )
            .order_by("submitted_at", "pk")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Review queue"),
            "posts": posts,
        }
        return TemplateResponse(request, "admin/editorial/post/review_queue.html", context)

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
