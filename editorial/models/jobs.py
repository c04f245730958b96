"""Long work done by the background worker, as an editor follows it in the admin.

A ``Job`` is what the admin shows: what is being done, for whom, how far it has got
(``done`` of ``total``, the file or item at hand), what failed and why, and the result.
The worker (``manage.py db_worker``, django-tasks-db) runs ``editorial.tasks.run_job``
with the job's id; editorial/jobs.py holds what each kind of job does.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("title"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED, db_index=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    run_after = models.DateTimeField(_("not before"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    current = models.CharField(_("working on"), max_length=500, blank=True)
    failures = models.JSONField(_("failures"), default=list, blank=True)  # [{"item", "message", "line"}]
    summary = models.TextField(_("result"), blank=True)
    result = models.JSONField(_("details"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def percent(self):
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def stalled(self):
        """Running, but silent for longer than a job ever is between two steps: its worker died."""
        if self.state != self.State.RUNNING or self.heartbeat_at is None:
            return False
        return timezone.now() - self.heartbeat_at > settings.EDITORIAL_JOB_STALLED_AFTER

    @property
    def retryable(self):
        return self.state == self.State.FAILED or self.stalled
