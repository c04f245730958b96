"""Every URL the old site has or had answers 301 to its new home (CURRENT-SITE.md §2)."""

import hashlib
from urllib.parse import quote

import pytest
from django.test import override_settings

from editorial.models import Entity

from .factories import EntityFactory, PostFactory

pytestmark = pytest.mark.django_db

STEMS = [
    "--R5xlV9KHE",
    "AI Vibe Coding 社区讨论会纪要0705",
    "Jim_Chanos_on_the_Nuttiness_of_'Bitcoin_Treasury_Companies'_Odd_Lots",
    "The_Last_Bastion_of_Humanity:_Can_Emotions_Compete_with_AI?",
    "file_name: koji_monica_advice_for_ai_anxiety",
]


def redirects(client, path, to):
    response = client.get(path)
    assert response.status_code == 301, path
    assert response["Location"] == to, path


@pytest.mark.parametrize("stem", STEMS)
def test_post_urls_of_every_era(client, stem):
    items = {kind: PostFactory(published=True, kind=kind, slug=stem) for kind in ("note", "post", "clipping", "book")}
    for kind, folder in (("note", "notes"), ("post", "posts"), ("clipping", "clippings"), ("book", "books")):
        redirects(client, f"/content/{folder}/{quote(stem)}/", items[kind].get_absolute_url())
    redirects(client, f"/notes/{quote(stem)}/", items["note"].get_absolute_url())
    redirects(client, f"/posts/{quote(stem)}/", items["post"].get_absolute_url())
    redirects(client, f"/books/{quote(stem)}/", items["book"].get_absolute_url())


def test_a_stem_of_two_kinds_is_two_items_each_at_its_own_address(client):
    note = PostFactory(published=True, kind="note", slug="-h3u1KJAduk", title_zh_hans="笔记")
    post = PostFactory(published=True, kind="post", slug="-h3u1KJAduk", title_zh_hans="文章")
    assert note.get_absolute_url() == "/zh/notes/-h3u1KJAduk/"
    assert post.get_absolute_url() == "/zh/posts/-h3u1KJAduk/"
    redirects(client, "/content/notes/-h3u1KJAduk/", "/zh/notes/-h3u1KJAduk/")
    redirects(client, "/content/posts/-h3u1KJAduk/", "/zh/posts/-h3u1KJAduk/")
    assert "笔记" in client.get("/zh/notes/-h3u1KJAduk/").text
    assert "文章" in client.get("/zh/posts/-h3u1KJAduk/").text
    # a book with that name does not exist: its old address goes nowhere
    assert client.get("/content/books/-h3u1KJAduk/").status_code == 404
    assert client.get("/books/-h3u1KJAduk/").status_code == 404


def test_case_matters_and_hidden_posts_stay_hidden(client):
    PostFactory(published=True, kind="note", slug="AbC")
    PostFactory(kind="note", slug="draft-stem")
    assert client.get("/content/notes/abc/").status_code == 404
    assert client.get("/content/notes/draft-stem/").status_code == 404


def test_pre_december_2025_video_id_stems(client):
    PostFactory(published=True, kind="note", slug="-5Weeox0Xus")
    redirects(client, "/notes/-5Weeox0Xus-stan-druckenmiller-on-markets/", "/zh/notes/-5Weeox0Xus/")
    redirects(client, "/notes/-5Weeox0Xus---/", "/zh/notes/-5Weeox0Xus/")


def test_real_corpus_stems_redirect(client, corpus):
    stems = sorted(p.stem for p in (corpus / "notes").glob("*.md"))[:25]
    for stem in stems:
        PostFactory(published=True, kind="note", slug=stem)
    for stem in stems:
        redirects(client, f"/content/notes/{quote(stem)}/", f"/zh/notes/{quote(stem)}/")


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
def test_tags_speakers_directories_and_home_pages(client):
    post = PostFactory(published=True, speaker="Bloomberg Podcasts")
    post.tags.add("geopolitical", "地缘政治")
    redirects(client, "/tags/geopolitical/", "/zh/tags/geopolitical/")
    redirects(client, "/tags/di-yuan-zheng-zhi/", f"/zh/tags/{quote('地缘政治')}/")
    redirects(client, "/speakers/bloomberg-podcasts/", "/zh/sources/bloomberg-podcasts/")
    redirects(client, "/all-tags/", "/zh/tags/")
    redirects(client, "/all-tags/page/3/", "/zh/tags/")
    redirects(client, "/all-speakers/", "/zh/sources/")
    redirects(client, "/page/2/", "/zh/page/2/")
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_retired_pages_redirect_to_their_nearest_home(client):
    musk = EntityFactory(kind=Entity.Kind.PERSON, name="Elon Musk")
    PostFactory(published=True, slug="mentions-musk").entity_links.create(entity=musk, position=0)
    redirects(client, "/people/elon-musk/", "/zh/people/elon-musk/")
    redirects(client, "/companies-orgs/nobody/", "/zh/")
    for path in ("/areas/tech-engineering/", "/categories/finance/", "/all-areas/", "/bookshelf/", "/tool/"):
        redirects(client, path, "/zh/")


def test_reader_markdown_export_url(client):
    PostFactory(published=True, kind="note", slug="-5Weeox0Xus")
    PostFactory(published=True, kind="post", slug="-5Weeox0Xus")
    for folder in ("notes", "posts"):
        digest = hashlib.sha256(f"content/{folder}/-5Weeox0Xus.md".encode()).hexdigest()
        redirects(client, f"/reader/{digest}.md", f"/zh/{folder}/-5Weeox0Xus/source.md")
    books = hashlib.sha256(b"content/books/-5Weeox0Xus.md").hexdigest()
    assert client.get(f"/reader/{books}.md").status_code == 404
    assert client.get(f"/reader/{'0' * 64}.md").status_code == 404
