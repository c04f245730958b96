"""Drafts, posts in review, archived and scheduled posts never reach a reader, anywhere.

Every public surface is walked with one post of each hidden kind in the database, each
carrying tags and entity mentions shared with a public post. New public surfaces are
added to ``public_urls`` as they are built.
"""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from editorial import content, search
from editorial.models import Entity, GlossaryEntry

from .factories import EntityFactory, PostFactory

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draft": {},
    "in_review": {"in_review": True},
    "archived": {"archived": True},
    "scheduled": {"scheduled": True},
}


@pytest.fixture
def posts():
    person = EntityFactory(kind=Entity.Kind.PERSON, name="Shared Person")
    public = PostFactory(
        published=True, slug="public-post", title_zh_hans="公开的文章", title_en="Public post", speaker="Shared Channel"
    )
    hidden = {}
    for kind, traits in HIDDEN.items():
        post = PostFactory(
            slug=f"hidden-{kind}",
            title_zh_hans=f"隐藏文章{kind}",
            title_en=f"Hidden post {kind}",
            speaker=f"Shared Channel, Hidden Speaker {kind}",
            summary_zh_hans=f"隐藏摘要{kind}",
            **traits,
        )
        hidden[kind] = post
    for position, post in enumerate([public, *hidden.values()]):
        post.tags.add("shared-tag")
        post.entity_links.create(entity=person, position=position)
        post.body_zh_hans = "**共享术语**（Shared Term: 定义）"
        if post is not public:
            post.body_zh_hans += f"**隐藏术语{post.slug}**（Hidden {post.slug}: 只在隐藏文章里）"
        post.save()
        content.saved(post)
        search.index_post(post)
    return public, hidden, person


def public_urls(public, person):
    urls = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            urls += [
                reverse("editorial:post-list"),
                reverse("editorial:post-list") + "?page=1",
                public.get_absolute_url(),
                person.get_absolute_url(),
                reverse("editorial:glossary-list"),
                reverse("editorial:glossary-list") + "?q=term",
                GlossaryEntry.objects.get(term="共享术语").get_absolute_url(),
                reverse("editorial:feed"),
                reverse("editorial:tag-list"),
                reverse("editorial:tag-detail", kwargs={"slug": "shared-tag"}),
                reverse("editorial:tag-feed", kwargs={"slug": "shared-tag"}),
                reverse("editorial:source-list"),
                reverse("editorial:source-detail", kwargs={"slug": "shared-channel"}),
                reverse("editorial:post-source", kwargs={"kind": public.kind, "slug": public.slug}),
                reverse("editorial:search") + "?q=隐藏术语",
                reverse("editorial:search") + "?q=共享术语",
                reverse("editorial:search") + "?q=Shared+Channel",
            ]
    return ["/", "/sitemap.xml", "/sitemap-posts-1.xml", "/sitemap-glossary-1.xml", "/robots.txt", *urls]


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
def test_no_hidden_post_appears_on_any_public_surface(client, posts):
    public, hidden, person = posts
    seen_public = False
    for url in public_urls(public, person):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        seen_public = seen_public or "公开的文章" in html or "Public post" in html
        for kind, post in hidden.items():
            needles = (post.slug, post.title_zh_hans, post.title_en, post.summary_zh_hans, f"隐藏术语{post.slug}")
            for needle in (*needles, f"Hidden Speaker {kind}"):
                assert needle not in html, (url, kind, needle)
    assert seen_public  # the walk did look at pages that list posts


@pytest.mark.parametrize("kind", list(HIDDEN))
def test_hidden_post_pages_are_not_found_in_either_language(client, posts, kind):
    _public, hidden, _person = posts
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert client.get(hidden[kind].get_absolute_url()).status_code == 404
            term_only_in_hidden = GlossaryEntry.objects.get(term=f"隐藏术语{hidden[kind].slug}")
            assert client.get(term_only_in_hidden.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", list(HIDDEN))
def test_names_used_only_by_a_hidden_post_have_no_page_and_no_redirect(client, kind):
    """#18 point 11: entity pages and the old site's tag and entity addresses answered for names
    only hidden posts use (a 200 naming the entity, a redirect naming the tag)."""
    secret = EntityFactory(kind=Entity.Kind.PERSON, name="Secret Source")
    hidden = PostFactory(slug=f"only-{kind}", **HIDDEN[kind])
    hidden.entity_links.create(entity=secret, position=0)
    for n in range(5):  # more than enough hidden posts for a tag page, had they been public
        other = PostFactory(slug=f"tagged-{kind}-{n}", **HIDDEN[kind])
        other.tags.add("机密项目")
    assert client.get(secret.get_absolute_url()).status_code == 404
    legacy_entity = client.get(f"/people/{secret.slug}/")
    assert legacy_entity.status_code in (301, 302) and secret.slug not in legacy_entity["Location"]
    from taggit.models import Tag

    tag = Tag.objects.get(name="机密项目")
    for address in (f"/tags/{tag.slug}/", "/tags/ji-mi-xiang-mu/"):
        assert client.get(address).status_code == 404, address
    # once a post readers see mentions them, both have their pages again
    public = PostFactory(published=True, slug=f"now-public-{kind}")
    public.entity_links.create(entity=secret, position=0)
    assert client.get(secret.get_absolute_url()).status_code == 200
