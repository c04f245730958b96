#!/usr/bin/env python
"""The users' whole site uploaded as one .zip through the admin, as an editor would.

    .venv/bin/python bench/upload.py [--site DIR]

Zips the site (../shared/site/real-site.tar.xz unpacked into a temporary folder, or --site,
an unpacked copy: notes/ posts/ clippings/ books/), then on a fresh database (SQLite in a
temporary folder, or DATABASE_URL) with gunicorn (2 sync workers, its default 30 s timeout)
and the job worker: logs in, uploads the zip, and times the upload's response; follows the
job's page every 5 s (files done of total) while timing a reader's home page; prints the
job's end, its summary, the items in the database and the readers' latency meanwhile.
Skips cleanly when the archive is absent.
"""

import argparse
import http.cookiejar
import os
import re
import shutil
import sys
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, environment, gunicorn, job_worker, manage, percentile, shell  # noqa: E402

ARCHIVE = ROOT.parent / "shared" / "site" / "real-site.tar.xz"
FOLDERS = ("notes", "posts", "clippings", "books")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--site")
    args = parser.parse_args()
    if not args.site and not ARCHIVE.exists():
        print(f"skipped: {ARCHIVE} is not present")
        return
    work = Path(tempfile.mkdtemp(prefix="cms-upload-"))
    try:
        site = Path(args.site) if args.site else unpack(work)
        bundle = work / "site.zip"
        with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
            for folder in FOLDERS:
                for file in sorted((site / folder).rglob("*.md")):
                    archive.write(file, file.relative_to(site))
        files = len(zipfile.ZipFile(bundle).namelist())
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{work}/db.sqlite3"
        env = environment(url, CACHE_URL=f"file://{work}/cache", EDITORIAL_UPLOAD_DIR=str(work / "uploads"))
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        make_admin = "get_user_model().objects.create_superuser('bench', 'b@example.com', 'pw'); print('ok')"
        shell(env, "from django.contrib.auth import get_user_model; " + make_admin)
        with gunicorn(env) as (base, _process), job_worker(env):
            run(base, bundle, files, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def unpack(work):
    target = work / "site"
    with tarfile.open(ARCHIVE) as archive:
        archive.extractall(target, filter="data")
    inner = [p for p in target.rglob("notes") if p.is_dir()]
    return inner[0].parent if inner else target


def run(base, bundle, files, env):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def token(path):
        html = opener.open(base + path).read().decode()
        return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[-1]

    login = urllib.parse.urlencode({"csrfmiddlewaretoken": token("/admin/login/"), "username": "bench",
                                    "password": "pw", "next": "/admin/"}).encode()  # fmt: skip
    opener.open(urllib.request.Request(base + "/admin/login/", login, headers={"Referer": base + "/admin/login/"}))
    importing = "/admin/editorial/post/import/"
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token(importing)}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="site.zip"\r\n'
            "Content-Type: application/zip\r\n\r\n"
        ).encode()
        + bundle.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(base + importing, body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": base + importing})  # fmt: skip
    started = time.perf_counter()
    response = opener.open(request)
    answered = time.perf_counter() - started
    job_page = response.geturl()
    print(f"upload of {bundle.stat().st_size / 1e6:.0f} MB ({files} files): answered in {answered:.2f} s, "
          f"status {response.status}, now at {job_page.removeprefix(base)}")  # fmt: skip
    readers, seen = [], []
    while True:
        page = opener.open(job_page).read().decode()
        count = re.search(r'id="job-count">([^<]*)', page)
        state = re.search(r'data-state="(\w+)"', page).group(1)
        seen.append((time.perf_counter() - started, count.group(1) if count else "—", state))
        for _ in range(3):
            t = time.perf_counter()
            urllib.request.urlopen(base + "/zh/").read()  # noqa: S310 - our server
            readers.append((time.perf_counter() - t) * 1000)
        if state in ("done", "failed"):
            break
        time.sleep(5)
    every = max(1, len(seen) // 12)
    for at, count, state in seen[::every] + seen[-1:]:
        print(f"  {at:6.0f} s  {count:>16}  {state}")
    summary = re.search(r'id="job-summary">([^<]*)', page)
    print(f"job {state} after {seen[-1][0]:.0f} s: {summary.group(1) if summary else '(no summary)'}")
    posts = shell(env, "from editorial.models import Post; print(Post.objects.count())")
    print(f"items in the database: {posts} of {files}")
    print(f"reader's home page during the import: p50 {percentile(readers, 50):.0f} ms, "
          f"p95 {percentile(readers, 95):.0f} ms, max {max(readers):.0f} ms ({len(readers)} requests)")  # fmt: skip
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
