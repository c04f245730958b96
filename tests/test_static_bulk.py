"""A static build renders the pages that list posts from data fetched for a whole batch at
once (editorial/page_data.py): every file must still be what the live site answers, and the
number of queries must not grow with the number of pages."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial import content, page_data, static_site
from editorial.models import Entity, GlossaryEntry

from .factories import EntityFactory, PostFactory

pytestmark = pytest.mark.django_db

SAME_TIME = timezone.make_aware(datetime.datetime(2026, 1, 1, 8, 0))


@pytest.fixture
def crowded(django_capture_on_commit_callbacks):
    """35 public posts sharing one tag, one person, one speaker and one glossary term (more than
    a page of 30 each, and more than a term's page shows), ten of them published at the same
    moment (ties broken the same way everywhere); the term written three ways; one draft."""
    lex = EntityFactory(kind=Entity.Kind.PERSON, name="Lex Fridman")
    lab = EntityFactory(kind=Entity.Kind.ORGANISATION, name="实验室 Lab")
    spellings = ["令牌", "词元", "Token"]
    posts = []
    for n in range(35):
        when = SAME_TIME if n < 10 else SAME_TIME - datetime.timedelta(hours=n)
        term = spellings[n % 3]
        post = PostFactory(
            published=True, published_at=when, slug=f"item-{n:02d}", title_zh_hans=f"第{n}篇", title_en=f"Item {n}",
            body_zh_hans=f"**{term}**（Token: 文本的最小单位）\n\n**模型**（Model: 一个函数）\n", speaker="Lex Fridman",
            kind="note" if n % 2 else "post",
        )  # fmt: skip
        post.tags.add("llm", f"only-{n}")
        post.entity_links.create(entity=lex, position=0)
        if n % 5 == 0:
            post.entity_links.create(entity=lab, position=1)
        posts.append(post)
    draft = PostFactory(slug="draft-item", title_zh_hans="草稿", body_zh_hans="**令牌**（Token: 草稿里的定义）")
    draft.tags.add("llm")
    draft.entity_links.create(entity=lex, position=0)
    with django_capture_on_commit_callbacks(execute=True):
        for post in [*posts, draft]:
            content.saved(post)
    return posts


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
def test_every_file_of_a_build_is_what_the_live_site_answers(tmp_path, client, crowded):
    report = static_site.build(tmp_path, workers=1)
    assert report.failed == []
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.relative_to(tmp_path).parts[0] != "static"]
    pages = {"/" + str(p.relative_to(tmp_path)).removesuffix("index.html") for p in files}
    pages -= {"/", "/404.html"}  # written by the build itself (a static host's root and 404)
    for expected in [
        "/zh/tags/llm/page/2/", "/en/people/lex-fridman/page/2/", "/zh/sources/lex-fridman/page/2/",
        "/zh/notes/item-01/source.md", "/en/notes/item-01/source.md", "/en/posts/item-00/source.md",
    ]:  # fmt: skip
        assert expected in pages
    token = GlossaryEntry.objects.get(english__iexact="token")
    assert f"/zh/glossary/{token.slug}/" in pages and f"/en/glossary/{token.slug}/" in pages
    assert len(pages) > 200
    for path in sorted(pages):
        live = client.get(path, HTTP_HOST=static_site._host())
        assert live.status_code == 200, path
        assert static_site.file_for(tmp_path, path).read_bytes() == live.content, path  # byte for byte
    term_page = static_site.file_for(tmp_path, f"/zh/glossary/{token.slug}/").read_text()
    assert "词元" in term_page and "草稿里的定义" not in term_page  # a public spelling, never a draft's
    assert term_page.count('<li><a href="/zh/') == 30 and "search/?q=" in term_page  # 30 shown, and "more"


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
def test_a_batch_of_list_pages_costs_the_same_queries_whatever_its_size(tmp_path, crowded):
    static_site._worker_renderer = static_site._Renderer()
    posts = crowded
    entries = list(GlossaryEntry.objects.public().values_list("slug", flat=True))
    tags = [f"/zh/tags/only-{n}/" for n in range(len(posts))]

    def queries(paths):
        static_site._render_chunk(str(tmp_path), paths[:1])  # warm: per-generation indexes
        with CaptureQueriesContext(connection) as captured:
            results = static_site._render_chunk(str(tmp_path), paths)
        assert all(status == 200 for _path, status, _changed, _links in results), results
        return len(captured)

    for family in ([f"/zh/glossary/{slug}/" for slug in entries], tags, [f"/en/tags/only-{n}/" for n in range(35)]):
        assert len(family) >= 2
        assert queries(family[:2]) == queries(family), family[0]


def test_outside_a_build_each_page_asks_the_database_itself(crowded):
    entry = GlossaryEntry.objects.get(english__iexact="token")
    found, posts, spellings = page_data.glossary_entry(entry.slug)
    assert found == entry and len(posts) == 31 and "词元" in spellings
    with page_data.preloaded([f"/zh/glossary/{entry.slug}/"]):
        assert page_data.glossary_entry(entry.slug)[1] == posts
    with pytest.raises(Exception, match="No such glossary entry"):
        page_data.glossary_entry("no-such-term")


@pytest.mark.parametrize(
    "slug",
    ["The Art of War - How Peter Thiel & Gawker", "AI Vibe Coding 社区讨论会纪要0705", "a:b", "it's", "-leading"],
)
def test_every_shape_of_real_slug_builds_and_links(tmp_path, client, slug, django_capture_on_commit_callbacks):
    """The real site's slugs: spaces, CJK, ':', "'", a leading '-', and '&', which a page's links
    write as '&amp;' (the whole-site build reported six such pages as missing)."""
    post = PostFactory(published=True, slug=slug, kind="note", body_zh_hans="**令牌**（Token: 文本的最小单位）")
    other = PostFactory(published=True, slug="neighbour", series="系列", body_zh_hans="正文")
    post.series = "系列"
    post.save()
    with django_capture_on_commit_callbacks(execute=True):
        content.saved(post)
        content.saved(other)
    report = static_site.build(tmp_path, workers=1)
    assert report.failed == []
    path = post.get_absolute_url()
    assert static_site.file_for(tmp_path, path).read_bytes() == client.get(path, HTTP_HOST=static_site._host()).content
    assert static_site.file_for(tmp_path, path.replace("/zh/", "/en/") + "source.md").exists()
