"""A static copy of the public site (manage.py build_static), kept current as posts change."""

import pytest
from django.test import override_settings
from django.utils import timezone

from editorial import content, static_site, workflow
from editorial.models import Entity, Post

from .factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(django_capture_on_commit_callbacks):
    public = PostFactory(
        published=True, slug="public-post", title_zh_hans="公开的文章", title_en="Public post",
        body_zh_hans="**令牌**（Token: 文本的最小单位）", speaker="Lex Fridman",
    )  # fmt: skip
    public.tags.add("llm")
    with django_capture_on_commit_callbacks(execute=True):  # committed before the test (no static copy yet)
        content.saved(public)
    hidden = PostFactory(slug="draft-post", title_zh_hans="草稿文章")
    hidden.tags.add("llm")
    return public, hidden


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
def test_build_writes_every_public_page_as_the_live_site_serves_it(tmp_path, client, site):
    public, hidden = site
    report = static_site.build(tmp_path, workers=1)
    assert report.failed == []
    for path in [
        "/zh/", "/en/", "/zh/posts/public-post/", "/en/posts/public-post/", "/zh/posts/public-post/source.md",
        "/zh/feed/", "/en/feed/", "/sitemap.xml", "/sitemap-posts-1.xml", "/robots.txt", "/zh/tags/", "/zh/tags/llm/",
        "/zh/tags/llm/feed/",
        "/zh/glossary/", "/zh/sources/", "/zh/sources/lex-fridman/",
        "/zh/glossary/" + public.glossary_uses.get().entry.slug + "/",
    ]:  # fmt: skip
        written = static_site.file_for(tmp_path, path)
        live = client.get(path, HTTP_HOST=static_site._host()).content
        assert written.read_bytes() == live, path  # byte for byte
    assert (tmp_path / "zh/posts/public-post/index.html").exists()
    assert (tmp_path / "static/css/site.css").exists() and (tmp_path / "static/js/reader.js").exists()
    # every page names its icon, so no browser asks for a /favicon.ico that is not there (#16)
    assert 'rel="icon" href="/static/img/favicon.svg"' in (tmp_path / "zh/index.html").read_text()
    assert (tmp_path / "static/img/favicon.svg").read_text().startswith("<svg")
    assert not (tmp_path / "static/admin").exists()
    assert "公开的文章" not in (tmp_path / "404.html").read_text() and (tmp_path / "index.html").exists()
    everything = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())
    assert "draft-post" not in everything and "草稿文章" not in everything
    assert not list(tmp_path.rglob("*/search/*"))  # search needs the server


def test_a_second_build_leaves_unchanged_files_and_removes_pages_that_went_away(tmp_path, site):
    public, _ = site
    PostFactory(published=True, slug="another")  # (an empty feed is dated now, so it changes on every build)
    static_site.build(tmp_path, workers=1)
    Post.objects.filter(pk=public.pk).update(status="archived")
    report = static_site.build(tmp_path, workers=1)
    assert report.removed >= 2 and not (tmp_path / "zh/posts/public-post").exists()
    assert "公开的文章" not in (tmp_path / "zh/index.html").read_text()
    again = static_site.build(tmp_path, workers=1)
    assert again.written == 0 and again.removed == 0 and again.unchanged > 0


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
def test_publishing_and_unpublishing_update_the_static_copy_without_a_rebuild(
    tmp_path, site, django_capture_on_commit_callbacks, worker
):
    public, draft = site
    editor = UserFactory(username="editor", is_superuser=True, is_staff=True)
    with override_settings(EDITORIAL_STATIC_DIR=str(tmp_path)):
        static_site.build(tmp_path, workers=1)
        assert not (tmp_path / "zh/posts/draft-post").exists()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.submit(draft, by=editor)
            workflow.publish(draft, by=editor, at=timezone.now())
        assert not (tmp_path / "zh/posts/draft-post").exists()  # by a job, not in the request
        worker()
        assert "草稿文章" in (tmp_path / "zh/posts/draft-post/index.html").read_text()
        assert "草稿文章" in (tmp_path / "zh/index.html").read_text()
        assert "草稿文章" in (tmp_path / "zh/tags/llm/index.html").read_text()
        assert "draft-post" in (tmp_path / "zh/feed/index.html").read_text()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.unpublish(draft, by=editor, comment="还没准备好")
        worker()
        assert not (tmp_path / "zh/posts/draft-post").exists()
        assert "草稿文章" not in (tmp_path / "zh/index.html").read_text()
        assert "草稿文章" not in (tmp_path / "zh/tags/llm/index.html").read_text()


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
def test_a_body_fix_rewrites_the_post_and_lists_but_leaves_its_neighbours(tmp_path, site):
    public, _ = site
    public.entity_links.create(entity=Entity.objects.create(kind=Entity.Kind.PERSON, name="Lex"), position=0)
    static_site.build(tmp_path, workers=1)
    static_site.refresh_post(tmp_path, public.kind, public.slug)  # the first refresh after a build does everything
    public.body_zh_hans += "\n\n补充一句。"
    public.save()
    fix = static_site.refresh_post(tmp_path, public.kind, public.slug)
    assert "补充一句" in (tmp_path / "zh/posts/public-post/index.html").read_text()
    own_and_lists = len(static_site.post_paths(public.kind, public.slug)) + len(static_site.entry_points())
    assert fix.rendered == own_and_lists  # tag, source, entity and glossary pages untouched
    public.title_zh_hans = "改过标题的文章"
    public.save()
    retitled = static_site.refresh_post(tmp_path, public.kind, public.slug)
    assert retitled.rendered > own_and_lists
    for page in ("zh/tags/llm/index.html", "zh/people/lex/index.html", "zh/sources/lex-fridman/index.html"):
        assert "改过标题的文章" in (tmp_path / page).read_text(), page
    assert retitled.readable_seconds <= retitled.seconds


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
def test_the_next_change_is_written_before_the_rest_of_the_previous_one(
    tmp_path, site, django_capture_on_commit_callbacks, worker
):
    """#17: a change made while the worker writes the previous change's neighbourhood (its tags,
    sources, glossary terms: seconds on the whole site) waited for all of it. Now that part
    stops between two pages when a change waits, and goes on after it."""
    from editorial import jobs
    from editorial.models import Job

    public, _hidden = site
    other = PostFactory(published=True, slug="other-post", title_zh_hans="另一篇")
    with override_settings(EDITORIAL_STATIC_DIR=str(tmp_path)):
        static_site.build(tmp_path, workers=1)
        static_site.refresh_post(tmp_path, public.kind, public.slug)  # the first refresh after a build does all
        with django_capture_on_commit_callbacks(execute=True):
            before = content.Before.of(public.pk)
            public.title_zh_hans = "改过标题的文章"
            public.save()
            content.saved(public, before=before)
        first = Job.objects.get(kind="static")
        jobs.run(first.pk)  # the post, home pages and feeds; its linked pages are queued
        assert "改过标题的文章" in (tmp_path / "zh/posts/public-post/index.html").read_text()
        assert "改过标题的文章" not in (tmp_path / "zh/tags/llm/index.html").read_text()
        linked = Job.objects.get(kind="static_linked")
        with django_capture_on_commit_callbacks(execute=True):  # the next change, while that one waits
            before = content.Before.of(other.pk)
            other.title_zh_hans = "另一篇改了"
            other.save()
            content.saved(other, before=before)
        with django_capture_on_commit_callbacks(execute=True):  # what it leaves is queued
            jobs.run(linked.pk)  # as if the worker had taken it just before the change came
        linked.refresh_from_db()
        assert "pages left for after the next change" in linked.summary
        assert "改过标题的文章" not in (tmp_path / "zh/tags/llm/index.html").read_text()
        done = worker()
        second = next(job for job in done if job.kind == "static" and job.pk != first.pk)
        rest = [job for job in done if job.kind == "static_linked" and job.pk != linked.pk]
        assert rest and all(job.state == Job.State.DONE for job in done), [(j.kind, j.state) for j in done]
        assert second.finished_at <= min(job.started_at for job in rest)  # the waiting change went first
        assert "另一篇改了" in (tmp_path / "zh/posts/other-post/index.html").read_text()
        for page in ("zh/tags/llm/index.html", "zh/sources/lex-fridman/index.html"):
            assert "改过标题的文章" in (tmp_path / page).read_text(), page


def test_every_page_of_a_long_list_is_written_in_one_round_of_the_walk(tmp_path, monkeypatch):
    """A list's pages link only to the next one: the walk took one round per page (the real
    site's 295 pages of posts: 290 rounds, 36 s of a 5-minute build on one core)."""
    from editorial import views

    monkeypatch.setattr(views.PostListView, "paginate_by", 2)
    for n in range(7):
        PostFactory(published=True, slug=f"p{n}")
    rounds = []
    render = static_site._render_chunk
    monkeypatch.setattr(
        static_site, "_render_chunk", lambda outdir, paths: rounds.append(set(paths)) or render(outdir, paths)
    )
    report = static_site.build(tmp_path, workers=1)
    assert report.failed == []
    for language in ("zh", "en"):
        pages = {f"/{language}/page/{n}/" for n in (2, 3, 4)}
        assert all((tmp_path / page.strip("/") / "index.html").exists() for page in pages)
        assert any(pages <= paths for paths in rounds)  # all in one round
    assert not (tmp_path / "zh/page/5").exists()
