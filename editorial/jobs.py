"""Background jobs: long work off the request, with progress an editor can follow.

``start(kind, …)`` records a ``Job`` and, once the caller's transaction commits, hands its
id to the worker (editorial/tasks.py). ``run`` marks it running, calls the kind's handler
with a ``Progress`` (files done of total, the one at hand, failures with their reasons),
then records the result, or the error if the handler raised. A job whose worker died
(no sign of life for ``EDITORIAL_JOB_STALLED_AFTER``) or that failed may be retried: its
handler starts again from the beginning, and every handler is safe to run twice (an
import skips files already imported; a refresh rewrites what is there).

The kinds:

* ``import``: uploaded files or a .zip (editorial/uploads.py), saved under
  ``EDITORIAL_UPLOAD_DIR`` until the import succeeded;
* ``static``: refresh the static copy for some items (what readers see of them), or build it whole;
* ``static_linked``: the rest of such a refresh (lists, sitemap, linked pages), after any
  waiting ``static`` job (it runs first: ``PRIORITY``);
* ``glossary``: glossary entries changed: link their posts' stored HTML again;
* ``glossary_refresh``: derive entries' counts, names, definitions and flags again;
* ``glossary_decision``: an editor's decision on many entries (adopt, dismiss, merge);
* ``tag_merge``: tags merged into one, each changed post with its own revision;
* ``source_rename``: a speaker or guest renamed on every item naming it, with revisions;
* ``bulk_edit``: area, category, series and tags changed on a selection, a revision per item;
* ``rerender``: render posts' bodies again (all, or some);
* ``publish_due``: a scheduled post's time has come.
"""

import logging
import shutil
import time
import traceback

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Job

logger = logging.getLogger("editorial.jobs")

HANDLERS = {}
# What each kind of job is called in the admin.
KIND_LABELS = {
    "import": gettext_lazy("Import"),
    "static": gettext_lazy("Static copy"),
    "static_linked": gettext_lazy("Static copy: linked pages"),
    "glossary": gettext_lazy("Glossary"),
    "glossary_refresh": gettext_lazy("Glossary refresh"),
    "glossary_decision": gettext_lazy("Glossary decision"),
    "tag_merge": gettext_lazy("Tag merge"),
    "source_rename": gettext_lazy("Source rename"),
    "bulk_edit": gettext_lazy("Bulk edit"),
    "rerender": gettext_lazy("Render again"),
    "publish_due": gettext_lazy("Scheduled publication"),
    "invalidate": gettext_lazy("Cache refresh"),
}


def handler(kind):
    def register(function):
        HANDLERS[kind] = function
        return function

    return register


def start(kind, title, *, params=None, by=None, run_after=None):
    """A new job; the worker gets it when the current transaction commits."""
    job = Job.objects.create(kind=kind, title=title[:300], params=params or {}, created_by=by, run_after=run_after)
    transaction.on_commit(lambda: _enqueue(job))
    return job


def retry(job):
    """Run a failed (or stalled) job again from the beginning."""
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.QUEUED, error="", failures=[], done=0, current="", summary="", result={}, finished_at=None
    )
    job.refresh_from_db()
    transaction.on_commit(lambda: _enqueue(job))
    return job


# Jobs the worker takes before any other waiting one (django-tasks-db orders by priority):
# what readers see of a change comes before the rest of the previous change's refresh.
PRIORITY = {"static": 10}


def _enqueue(job):
    from .tasks import run_job

    task = run_job.using(priority=PRIORITY.get(job.kind, 0), run_after=job.run_after)
    result = task.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


class Progress:
    """What a handler reports as it goes; written to the job's row a few times a second at most."""

    EVERY = 0.5  # seconds between two writes

    def __init__(self, job):
        self.job = job
        self._written = 0.0

    def total(self, n):
        self.job.total = n
        self._write(force=True)

    def step(self, current="", *, done=None):
        self.job.done = self.job.done + 1 if done is None else done
        self.job.current = str(current)[:500]
        self._write()

    def fail(self, item, message, line=None):
        self.job.failures.append({"item": str(item), "message": str(message), "line": line})
        self._write()

    def _write(self, force=False):
        now = time.monotonic()
        if not force and now - self._written < self.EVERY:
            return
        self._written = now
        self.flush()

    def flush(self):
        job = self.job
        Job.objects.filter(pk=job.pk).update(
            total=job.total, done=job.done, current=job.current, failures=job.failures, heartbeat_at=timezone.now()
        )


def run(job_id):
    """Run one job (the worker calls this through editorial.tasks.run_job)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state == Job.State.DONE:
            return None  # deleted, or run already (a task enqueued twice)
        job.state, job.started_at, job.heartbeat_at = Job.State.RUNNING, timezone.now(), timezone.now()
        job.attempts += 1
        job.done, job.failures, job.error = 0, [], ""
        job.save()
    progress = Progress(job)
    try:
        summary, details = HANDLERS[job.kind](job, progress)
        progress.flush()
        job.state, job.finished_at, job.current = Job.State.DONE, timezone.now(), ""
        job.summary, job.result = summary, details or {}
        with transaction.atomic():  # a result that cannot be stored fails the job, nothing else
            job.save(update_fields=["state", "finished_at", "current", "summary", "result"])
    except BaseException as exc:  # an error, or the worker told to stop (a second Ctrl-C, SIGTERM)
        job.state, job.finished_at = Job.State.FAILED, timezone.now()
        job.error = f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}"
        Job.objects.filter(pk=job.pk).update(
            state=job.state, finished_at=job.finished_at, error=job.error, total=job.total, done=job.done,
            current=job.current, failures=job.failures, heartbeat_at=timezone.now(),
        )  # fmt: skip
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        raise
    return summary


# --- the kinds of job ---------------------------------------------------------------------


@handler("import")
def _import(job, progress):
    from . import uploads

    params = job.params
    result = uploads.import_saved(
        params["files"],
        progress=progress,
        hold=params.get("hold"),
        author=job.created_by,
        overwrite=params.get("overwrite", False),
        dry_run=params.get("dry_run", False),
    )
    if not params.get("dry_run"):
        shutil.rmtree(upload_folder(job), ignore_errors=True)  # imported: the files are in the database now
    return result.summary(), uploads.report_details(result)


def upload_folder(job):
    return settings.EDITORIAL_UPLOAD_DIR / f"job-{job.pk}"


@handler("static")
def _static(job, progress):
    """What readers see of the changed items first: each post's page, the home pages and feeds
    (and the pages asked for by name, a glossary entry's). The pages they link to follow in a
    ``static_linked`` job, which gives way to the next change's ``static`` job."""
    from . import static_site

    outdir = settings.EDITORIAL_STATIC_DIR
    if not outdir:
        return _("No static copy is configured (EDITORIAL_STATIC_DIR)."), {}
    items = [tuple(item) for item in job.params.get("items", [])]
    if job.params.get("everything") or len(items) > static_site.REFRESH_LIMIT:
        progress.total(0)
        report = static_site.build(outdir, workers=1, progress=lambda n: progress.step(f"{n} pages", done=n))
    else:
        paths = job.params.get("paths", [])
        progress.total(len(items) + bool(paths))
        report, linked = static_site.Report(), []
        for kind, slug in items:
            progress.step(f"{kind}/{slug}")
            linked.append((kind, slug, static_site.refresh_readable(outdir, kind, slug, report)))
        if paths:
            progress.step(", ".join(paths[:3]))
            report.add(static_site.refresh_paths(outdir, paths))
        if linked:
            queue_linked(linked)
    return _static_result(report, progress)


def queue_linked(items=(), paths=()):
    """Queue the rest of a refresh (static_site.refresh_linked); joins one that is still waiting.
    ``items``: (kind, slug, the pages it links to)."""
    with transaction.atomic():
        waiting = Job.objects.select_for_update().filter(kind="static_linked", state=Job.State.QUEUED).first()
        if waiting is not None:
            params = waiting.params
            known = {(kind, slug): set(pages) for kind, slug, pages in params.get("items", [])}
            for kind, slug, pages in items:
                known.setdefault((kind, slug), set()).update(pages)
            params["items"] = [[kind, slug, sorted(pages)] for (kind, slug), pages in sorted(known.items())]
            params["paths"] = sorted(set(params.get("paths", [])) | set(paths))
            waiting.params = params
            waiting.save(update_fields=["params"])
            return waiting
        params = {"items": [[kind, slug, sorted(pages)] for kind, slug, pages in items], "paths": sorted(paths)}
        return start("static_linked", _("Refresh the pages linked from changed items"), params=params)


@handler("static_linked")
def _static_linked(job, progress):
    """The directories, the sitemap and the changed items' neighbours. When the next change's
    ``static`` job is waiting, it stops between two pages and queues what is left after it."""
    from . import static_site

    outdir = settings.EDITORIAL_STATIC_DIR
    if not outdir:
        return _("No static copy is configured (EDITORIAL_STATIC_DIR)."), {}
    items = [(kind, slug, pages) for kind, slug, pages in job.params.get("items", [])]
    progress.total(0)
    waiting = Job.objects.filter(kind="static", state=Job.State.QUEUED)
    report = static_site.Report()
    left = static_site.refresh_linked(
        outdir, items, paths=job.params.get("paths", []), report=report, stop=_every(STOP_CHECK_SECONDS, waiting.exists)
    )
    if left:
        queue_linked(paths=left)
        report_text, details = _static_result(report, progress)
        return _("%(done)s; %(left)d pages left for after the next change") % {
            "done": report_text,
            "left": len(left),
        }, details
    return _static_result(report, progress)


STOP_CHECK_SECONDS = 0.05  # how often a static_linked job looks for a change waiting behind it


def _every(seconds, ask):
    """``ask()``, at most once every ``seconds`` (False in between)."""
    last = [float("-inf")]  # the first call asks

    def check():
        now = time.monotonic()
        if now - last[0] < seconds:
            return False
        last[0] = now
        return ask()

    return check


def _static_result(report, progress):
    for path, status in report.failed:
        progress.fail(path, f"HTTP {status}")
    return str(report), {"written": report.written, "removed": report.removed}


@handler("glossary")
def _glossary(job, progress):
    from . import content

    return content.relink_glossary(job.params.get("entries", []), progress=progress)


@handler("glossary_refresh")
def _glossary_refresh(job, progress):
    from . import content

    return content.refresh_glossary(job.params.get("entries"), progress=progress)


@handler("glossary_decision")
def _glossary_decision(job, progress):
    from . import content

    params = job.params
    return content.decide_glossary(params["decision"], params["entries"], by=job.created_by, progress=progress)


@handler("tag_merge")
def _tag_merge(job, progress):
    from . import content

    return content.merge_tags(job.params["tags"], by=job.created_by, progress=progress)


@handler("source_rename")
def _source_rename(job, progress):
    from . import content

    return content.rename_source(job.params["old"], job.params["new"], by=job.created_by, progress=progress)


@handler("bulk_edit")
def _bulk_edit(job, progress):
    from . import content

    return content.bulk_edit(job.params["posts"], job.params["changes"], by=job.created_by, progress=progress)


@handler("rerender")
def _rerender(job, progress):
    from . import content

    return content.rerender(job.params.get("posts"), progress=progress)


@handler("publish_due")
def _publish_due(job, progress):
    from . import content

    return content.time_came(job.params["post"]), {}


@handler("invalidate")
def _invalidate(job, progress):
    """The cache could not be told of a change (it was down): tell it now, or try again soon."""
    from . import caching

    if caching.content_changed():
        return _("Cached pages invalidated."), {}
    return _("The cache is still unreachable; another attempt is queued."), {}
