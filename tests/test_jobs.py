"""Background jobs as an editor follows them: progress, failures, retry, a worker that died;
and the cache every process shares."""

import datetime
import io
import os
import subprocess
import sys
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from editorial import caching, importers, jobs
from editorial.models import Job, Post

from .factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = "---\ntitle: 标题{n}\ndate: '2025-01-02'\n---\n正文{n}。\n"


REPAIRED = (
    "---\ntitle: 要修的\n---\n中文段落。\n\n<details><summary>View/Hide Original English</summary>"
    '<p class="english-text">An unclosed block.</p>\n'
)


def archive(n, bad=(), repaired=()):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for i in range(n):
            text = "---\ntitle: [\n---\n" if i in bad else REPAIRED if i in repaired else GOOD.format(n=i)
            zipped.writestr(f"notes/n{i:03d}.md", text)
    return SimpleUploadedFile("site.zip", buffer.getvalue(), content_type="application/zip")


def send(client, file, capture):
    with capture(execute=True):
        response = client.post(reverse("admin:editorial_post_import"), {"files": [file]})
    assert response.status_code == 302
    return Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-2])


def test_an_upload_returns_at_once_and_its_page_counts_up(admin_client, django_capture_on_commit_callbacks, worker):
    job = send(admin_client, archive(30, bad={7}, repaired={9}), django_capture_on_commit_callbacks)
    assert not Post.objects.exists()  # nothing imported inside the request
    page = admin_client.get(reverse("admin:editorial_job_change", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page  # the page follows the job while it waits or runs
    worker()
    job.refresh_from_db()
    assert (job.state, job.total, job.done) == (Job.State.DONE, 30, 30)
    assert Post.objects.count() == 29
    page = admin_client.get(reverse("admin:editorial_job_change", args=[job.pk])).content.decode()
    assert "30 files: 29 created" in page and 'http-equiv="refresh"' not in page
    assert "site.zip:notes/n007.md" in page and "YAML" in page  # the failure, with its reason
    assert "site.zip:notes/n009.md" in page and ("repaired block" in page or "修复" in page)
    assert not jobs.upload_folder(job).exists()  # imported: the saved upload is gone


def test_a_job_killed_halfway_leaves_whole_items_and_runs_again(
    admin_client, django_capture_on_commit_callbacks, worker, monkeypatch
):
    real = importers._Importer.import_one
    calls = []

    def dies_at_the_twelfth(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 12:
            raise KeyboardInterrupt  # as the worker's process being stopped mid-file
        return real(self, *args, **kwargs)

    monkeypatch.setattr(importers._Importer, "import_one", dies_at_the_twelfth)
    with override_settings(EDITORIAL_IMPORT_BATCH_FILES=5):
        job = send(admin_client, archive(20), django_capture_on_commit_callbacks)
        worker()
        job.refresh_from_db()
        assert job.state == Job.State.FAILED and "KeyboardInterrupt" in job.error
        # Two whole batches of five landed; the third rolled back whole.
        assert Post.objects.count() == 10
        assert all(post.body_html_zh_hans and post.search_document.tokens for post in Post.objects.all())
        page = admin_client.get(reverse("admin:editorial_job_change", args=[job.pk])).content.decode()
        assert reverse("admin:editorial_job_retry", args=[job.pk]) in page
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(reverse("admin:editorial_job_retry", args=[job.pk]))
        worker()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 2
    assert Post.objects.count() == 20
    assert "20 files: 10 created, 0 updated, 10 unchanged" in job.summary


def test_a_job_whose_worker_died_shows_as_stalled_and_may_run_again(admin_client):
    job = Job.objects.create(kind="rerender", title="Render every post again", state=Job.State.RUNNING)
    job.heartbeat_at = timezone.now() - settings.EDITORIAL_JOB_STALLED_AFTER - datetime.timedelta(seconds=1)
    job.save()
    page = admin_client.get(reverse("admin:editorial_job_change", args=[job.pk])).content.decode()
    assert "Stalled" in page or "停滞" in page
    assert reverse("admin:editorial_job_retry", args=[job.pk]) in page
    fresh = Job.objects.create(kind="rerender", title="x", state=Job.State.RUNNING, heartbeat_at=timezone.now())
    response = admin_client.post(reverse("admin:editorial_job_retry", args=[fresh.pk]), follow=True)
    assert Job.objects.get(pk=fresh.pk).state == Job.State.RUNNING  # a live job is never started twice
    assert response.status_code == 200


def test_authors_follow_their_own_jobs_only(client, django_capture_on_commit_callbacks, worker):
    from django.contrib.auth.models import Group

    author = UserFactory(username="amy", is_staff=True)
    author.groups.add(Group.objects.get(name="Authors"))
    other = Job.objects.create(kind="rerender", title="someone else's")
    client.force_login(author)
    job = send(client, archive(2), django_capture_on_commit_callbacks)
    worker()
    assert client.get(reverse("admin:editorial_job_change", args=[job.pk])).status_code == 200
    assert client.get(reverse("admin:editorial_job_change", args=[other.pk])).status_code == 403
    listing = client.get(reverse("admin:editorial_job_changelist")).content.decode()
    assert "site.zip" in listing and "someone else" not in listing
    assert set(Post.objects.values_list("status", flat=True)) == {"draft"}  # an author cannot publish


def test_rerender_in_the_background_is_a_job(django_capture_on_commit_callbacks, worker):
    PostFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rerender_posts", "--background", stdout=io.StringIO())
    (job,) = worker()
    assert (job.kind, job.state, job.done, job.total) == ("rerender", Job.State.DONE, 3, 3)


# --- the cache every process shares ------------------------------------------------------


def test_a_change_made_by_another_process_reaches_this_ones_cached_pages(client, tmp_path):
    shared = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}}
    PostFactory(slug="p", status="published", published_at=timezone.now())
    with override_settings(CACHES=shared):
        assert client.get("/zh/").headers.get("X-Page-Cache") == "miss"
        assert client.get("/zh/").headers.get("X-Page-Cache") == "hit"
        # A manage.py command (another process, as the worker or an import would be) changes content.
        code = "from editorial import caching; caching.content_changed()"
        environment = {**os.environ, "CACHE_URL": f"file://{tmp_path}", "DJANGO_SETTINGS_MODULE": "cms.settings"}
        subprocess.run([sys.executable, "manage.py", "shell", "-c", code], check=True, env=environment,
                       cwd=settings.BASE_DIR, capture_output=True)  # fmt: skip
        assert client.get("/zh/").headers.get("X-Page-Cache") == "miss"


def test_when_redis_is_down_pages_render_uncached_and_the_invalidation_waits(
    client, django_capture_on_commit_callbacks
):
    down = {"default": {"BACKEND": "editorial.cache_backends.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    PostFactory(slug="p", title_zh_hans="仍然可读", status="published", published_at=timezone.now())
    with override_settings(CACHES=down):
        response = client.get("/zh/")
        assert response.status_code == 200 and "仍然可读" in response.content.decode()
        assert caching.content_changed() is False
    retry = Job.objects.get(kind="invalidate")
    assert retry.state == Job.State.QUEUED and retry.run_after > timezone.now()
    assert caching.content_changed() is True  # the cache is back: the job will succeed


def test_check_deploy_warns_about_a_per_process_cache():
    from editorial.checks import cache_shared_by_every_process

    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=locmem):
        assert [w.id for w in cache_shared_by_every_process(None)] == ["editorial.W001"]
    shared = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": "/tmp/x"}}
    with override_settings(CACHES=shared):
        assert cache_shared_by_every_process(None) == []
