"""Markdown files uploaded in the admin: one by one, or inside a .zip, never written to disk.

The archive is read in memory through ``zipfile``; member names are used only for the
post's slug, so a hostile name (``../../x.md``) can write nowhere. Sizes are checked
before anything is decompressed, so a zip bomb is refused rather than expanded.
"""

import zipfile
from pathlib import PurePosixPath

from django.conf import settings

from . import static_site
from .importers import FileReport, ImportResult, import_bytes

MAX_ZIP_MEMBERS = 20_000
MAX_ZIP_TOTAL = 500 * 1024 * 1024


def import_uploads(uploads, **options):
    """Import uploaded files (.md or .zip); returns an ImportResult like the command's."""
    with static_site.deferred():  # a static copy, if there is one, is refreshed once at the end
        return _import_all(uploads, **options)


def _import_all(uploads, **options):
    result = ImportResult()
    limit = settings.EDITORIAL_IMPORT_MAX_BYTES
    for upload in uploads:
        name = PurePosixPath(upload.name).name
        if name.lower().endswith(".zip"):
            result.files.extend(_import_zip(upload, limit, **options))
        elif name.lower().endswith(".md"):
            if upload.size > limit:
                result.files.append(_too_big(name, upload.size, limit))
            else:
                result.files.append(import_bytes(name, upload.read(), **options))
        else:
            result.files.append(FileReport(name, "failed", "not a .md or .zip file"))
    return result


def _import_zip(upload, limit, **options):
    reports = []
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile:
        return [FileReport(upload.name, "failed", "not a readable .zip archive")]
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".md")]
        members = [m for m in members if not PurePosixPath(m.filename).name.startswith("._")]  # macOS metadata
        if not members:
            return [FileReport(upload.name, "failed", "the archive holds no .md files")]
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_ZIP_TOTAL:
            return [FileReport(upload.name, "failed", "the archive is too large to import in one go")]
        for member in sorted(members, key=lambda m: m.filename):
            display = f"{upload.name}:{member.filename}"
            if member.file_size > limit:
                reports.append(_too_big(display, member.file_size, limit))
                continue
            try:
                data = archive.read(member)
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                reports.append(FileReport(display, "failed", f"cannot be read from the archive: {exc}"))
                continue
            report = import_bytes(member.filename, data, **options)
            report.path = display
            reports.append(report)
    return reports


def _too_big(name, size, limit):
    return FileReport(name, "failed", f"file is {size / 1e6:.1f} MB, more than the {limit / 1e6:.1f} MB limit")
