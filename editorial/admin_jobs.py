"""Background jobs in the admin: what runs, how far it got, what failed and why; retry."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import jobs
from .models import Job


class JobKindFilter(admin.SimpleListFilter):
    title = gettext_lazy("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return list(jobs.KIND_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["title", "kind_shown", "state_shown", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["state", JobKindFilter]
    list_select_related = ["created_by"]
    search_fields = ["title", "summary"]
    list_per_page = 50
    show_full_result_count = False

    # Everyone on the staff follows their own jobs (an author's upload); reviewers see all.
    def _sees_all(self, request):
        return request.user.is_superuser or request.user.has_perm("editorial.review_post")

    @admin.display(description=gettext_lazy("kind"), ordering="kind")
    def kind_shown(self, job):
        return jobs.KIND_LABELS.get(job.kind, job.kind)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).defer("params", "result")
        return queryset if self._sees_all(request) else queryset.filter(created_by=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not (request.user.is_active and request.user.is_staff):
            return False
        return obj is None or self._sees_all(request) or obj.created_by_id == request.user.pk

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_shown(self, job):
        return _("Stalled (its worker stopped)") if job.stalled else job.get_state_display()

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, job):
        if not job.total:
            return "—" if job.state != Job.State.DONE else "✓"
        return format_html('<progress max="{}" value="{}"></progress> {} / {}', job.total, job.done, job.done,
                           job.total)  # fmt: skip

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/retry/", view(self.retry_view), name="editorial_job_retry"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = get_object_or_404(Job, pk=object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        details = job.result or {}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": job.title,
            "job": job,
            "details": details,
            "files": details.get("files", []),
            "live": job.state in (Job.State.QUEUED, Job.State.RUNNING) and not job.stalled,
            "may_retry": job.retryable and self.has_view_permission(request, job),
        }
        return TemplateResponse(request, "admin/editorial/job/detail.html", context)

    def retry_view(self, request, pk):
        job = get_object_or_404(Job, pk=pk)
        if request.method != "POST" or not self.has_view_permission(request, job):
            raise PermissionDenied
        if not job.retryable:
            messages.warning(request, _("Only a failed or stalled job can be run again."))
        else:
            jobs.retry(job)
            messages.success(request, _("The job runs again from the beginning."))
        return redirect("admin:editorial_job_change", job.pk)


def _hide_task_results():
    """The worker's own queue table (django-tasks-db registers it in the admin, in English): editors
    follow background work as jobs above, with progress and reports; the raw rows are no page of theirs."""
    from django_tasks_db.models import DBTaskResult

    if admin.site.is_registered(DBTaskResult):
        admin.site.unregister(DBTaskResult)


_hide_task_results()
