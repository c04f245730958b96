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
    post = PostFactory(published=True, slug=stem)
    new = post.get_absolute_url()
    for kind in ("notes", "posts", "books", "clippings"):
        redirects(client, f"/content/{kind}/{quote(stem)}/", new)
    redirects(client, f"/notes/{quote(stem)}/", new)
    redirects(client, f"/posts/{quote(stem)}/", new)


def test_case_matters_and_hidden_posts_stay_hidden(client):
    PostFactory(published=True, slug="AbC")
    PostFactory(slug="draft-stem")
    assert client.get("/content/notes/abc/").status_code == 404
    assert client.get("/content/notes/draft-stem/").status_code == 404


def test_pre_december_2025_video_id_stems(client):
    PostFactory(published=True, slug="-5Weeox0Xus")
    redirects(client, "/notes/-5Weeox0Xus-stan-druckenmiller-on-markets/", "/zh/posts/-5Weeox0Xus/")
    redirects(client, "/notes/-5Weeox0Xus---/", "/zh/posts/-5Weeox0Xus/")


def test_real_corpus_stems_redirect(client, corpus):
    stems = sorted(p.stem for p in (corpus / "notes").glob("*.md"))[:25]
    for stem in stems:
        PostFactory(published=True, slug=stem)
    for stem in stems:
        redirects(client, f"/content/notes/{quote(stem)}/", f"/zh/posts/{quote(stem)}/")


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
    EntityFactory(kind=Entity.Kind.PERSON, name="Elon Musk")
    redirects(client, "/people/elon-musk/", "/zh/people/elon-musk/")
    redirects(client, "/companies-orgs/nobody/", "/zh/")
    for path in ("/areas/tech-engineering/", "/categories/finance/", "/all-areas/", "/bookshelf/", "/tool/"):
        redirects(client, path, "/zh/")


def test_reader_markdown_export_url(client):
    PostFactory(published=True, slug="-5Weeox0Xus")
    digest = hashlib.sha256(b"content/notes/-5Weeox0Xus.md").hexdigest()
    redirects(client, f"/reader/{digest}.md", "/zh/posts/-5Weeox0Xus/source.md")
    assert client.get(f"/reader/{'0' * 64}.md").status_code == 404
