"""Markdown files uploaded in the admin: one by one, or inside a .zip, imported by a job.

The request only saves the uploaded files under ``EDITORIAL_UPLOAD_DIR/job-<id>/`` (under
names of our own, so nothing a client sends names a path) and starts an ``import`` job;
the worker imports them (editorial/jobs.py) and the editor follows it on the job's page.
The archive is read through ``zipfile``; member names are used only for the post's kind
and slug, so a hostile name (``../../x.md``) can write nowhere. Sizes are checked before
anything is decompressed, so a zip bomb is refused rather than expanded.
"""

import shutil
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from . import importers, jobs, workflow
from .importers import FileReport, ImportResult, import_bytes

MAX_ZIP_MEMBERS = 20_000
MAX_ZIP_TOTAL = 500 * 1024 * 1024
REPORTED = 2_000  # file reports kept in a job's details beyond every failure (a whole site is 8,865)


def start_import(uploads, *, by, **options):
    """Save ``uploads`` for the worker and start the job importing them; returns the Job."""
    with transaction.atomic():
        names = ", ".join(PurePosixPath(u.name).name for u in uploads[:3]) + (" …" if len(uploads) > 3 else "")
        job = jobs.start("import", _("Import %(files)s") % {"files": names}, by=by, params=dict(options))
        folder = jobs.upload_folder(job)
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        for index, upload in enumerate(uploads):
            target = folder / f"{index:05d}.upload"
            with target.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            files.append({"name": PurePosixPath(upload.name).name, "path": str(target), "size": upload.size})
        job.params = {**options, "files": files}
        job.save(update_fields=["params"])
    return job


def import_saved(files, *, progress=None, author=None, **options):
    """The ``import`` job: import the saved uploads; returns an ImportResult. ``author``: who
    uploaded them (new posts are theirs; they change only the posts they may edit)."""
    result = ImportResult()
    limit = settings.EDITORIAL_IMPORT_MAX_BYTES
    may_change = None if author is None else (lambda post: workflow.may_edit(author, post))
    importer = importers.importer(author=author, may_change=may_change, **options)
    plan = [(item, _members(item)) for item in files]
    if progress:
        progress.total(sum(len(members) if members is not None else 1 for _item, members in plan))
    with importers.Batches() as batches:
        for item, members in plan:
            name = item["name"]
            if members is not None:  # a .zip
                reports = _import_zip(item, members, limit, importer, batches, progress)
            elif name.lower().endswith(".md"):
                if item["size"] > limit:
                    reports = [_too_big(name, item["size"], limit)]
                else:
                    with open(item["path"], "rb") as handle:
                        reports = [import_bytes(name, handle.read(), importer=importer)]
                batches.added(item["size"])
            else:
                reports = [FileReport(name, "failed", "not a .md or .zip file")]
            for report in reports:
                result.files.append(report)
                if progress and members is None:
                    progress.step(report.path)
                if progress and report.action in ("failed", "conflict"):
                    progress.fail(report.path, report.message, report.line)
    return result


def _members(item):
    """The files in an uploaded .zip (None when it is not one; [] when unreadable)."""
    if not item["name"].lower().endswith(".zip"):
        return None
    try:
        with zipfile.ZipFile(item["path"]) as archive:
            return [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError):
        return []


def _skipped(member):
    """Why a member of a zip is not imported, or "" for a post file."""
    path = PurePosixPath(member.filename)
    if path.name.startswith("._") or "__MACOSX" in path.parts:
        return _("macOS metadata, not a post; skipped")
    if path.suffix.lower() != ".md":
        return _("not a .md file; skipped")
    return ""


def _import_zip(item, members, limit, importer, batches, progress):
    name = item["name"]
    try:
        archive = zipfile.ZipFile(item["path"])
    except (zipfile.BadZipFile, OSError):
        return [FileReport(name, "failed", "not a readable .zip archive")]
    with archive:
        posts = [m for m in members if not _skipped(m)]
        if not posts:
            return [FileReport(name, "failed", "the archive holds no .md files")]
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in posts) > MAX_ZIP_TOTAL:
            return [FileReport(name, "failed", "the archive is too large to import in one go")]
        reports = []
        # In the archive's own order: of two members with one name, the first is imported and
        # the second reported (zip keeps both; a folder could not).
        for member in members:
            display = f"{name}:{member.filename}"
            why = _skipped(member)
            if why:
                report = FileReport(display, "skipped", why)
            elif member.file_size > limit:
                report = _too_big(display, member.file_size, limit)
            else:
                try:
                    data = archive.read(member)
                except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                    report = FileReport(display, "failed", f"cannot be read from the archive: {exc}")
                else:
                    report = import_bytes(member.filename, data, importer=importer)
                    report.path = display
            reports.append(report)
            batches.added(member.file_size)
            if progress:
                progress.step(display)
        return reports


def _too_big(name, size, limit):
    return FileReport(name, "failed", f"file is {size / 1e6:.1f} MB, more than the {limit / 1e6:.1f} MB limit")


def report_details(result):
    """What a job keeps of an ImportResult beside its failures (the job's own list): counts, and
    the imported files worth a look (repaired, with notes, or visible otherwise than live)."""
    worth = [
        f for f in result.files
        if f.action == "skipped"
        or f.action in ("created", "updated") and (f.message or f.repairs or f.notes or f.visibility)
    ]  # fmt: skip
    return {
        "summary": result.summary(),
        "counts": {a: result.count(a) for a in importers.ACTIONS},
        "files": [
            {
                "path": f.path,
                "action": f.action,
                "message": f.message,
                "line": f.line,
                "repairs": [str(r) for r in f.repairs],
                "notes": [str(n) for n in f.notes],
                "visibility": f.visibility,
            }
            for f in worth[:REPORTED]
        ],  # fmt: skip
        "left_out": max(0, len(worth) - REPORTED),
    }


def discard(job):
    shutil.rmtree(jobs.upload_folder(job), ignore_errors=True)
