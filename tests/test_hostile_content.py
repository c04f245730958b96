"""No script from an editor or an imported file ever runs, on any page; harmless text stays.

Every payload in ``tests/hostile.py`` goes into every field a post has (titles, summary,
insight, body, original-language block, inline glossary definition, source URL, speaker,
guest, area, category, series, tags, people and the other entity lists), once through the
importer and once through the admin's forms. Then every page that shows it is checked:
the post in both languages and every page it links to (tags, sources, series, entities,
glossary), home, search, the feeds, the sitemap, and the admin's list, form and history.
"""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
import yaml
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from editorial import importers, workflow
from editorial.models import Entity, GlossaryEntry, Post, Status

from .factories import UserFactory
from .hostile import PAYLOADS, inspect

pytestmark = pytest.mark.django_db

# The marker each field carries before its payload; it must still be readable.
SHOWN_ON_POST_PAGE = ["标题", "摘要", "洞见", "正文", "原文", "讲者", "嘉宾", "标签", "人物", "系列"]


def marker(field, n):
    return f"安全{field}{n}号"


def one_line(text):
    """An inline definition ends with its paragraph: a payload's blank line would cut it short."""
    return " ".join(text.split())


def hostile_file(n, payload):
    def value(field):
        return f"{marker(field, n)} {payload}"

    meta = {
        "layout": "post.njk",
        "title": value("标题"),
        "summary": value("摘要"),
        "insight": value("洞见"),
        "date": "2025-01-02",
        "source": payload,
        "speaker": value("讲者"),
        "guest": value("嘉宾"),
        "area": value("领域"),
        "category": value("类别"),
        "series": value("系列"),
        "tags": [value("标签")],
        "people": [value("人物")],
        "companies_orgs": [value("机构")],
        "products_models": [value("产品")],
        "media_books": [value("书籍")],
        "project": [value("项目")],
        "draft": False,
        "status": "evergreen",
    }
    body = (
        f"### {value('章节')}\n\n**主持人:** {value('正文')}\n\n"
        f"**术语{n}号**（Term{n}: {one_line(value('定义'))}）\n"
        "<details>\n<summary>View/Hide Original English</summary>\n"
        f'<p class="english-text">{value("原文")}</p>\n</details>\n\n'
        f"{payload}\n"
    )
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n{body}".encode()


def check_html(url, html, *, own_svg=False):
    found, text = inspect(html, own_svg=own_svg)
    assert not found, f"{url}: {found}"
    return text


def check_xml(url, data):
    root = ET.fromstring(data)  # well-formed: nothing broke out of an element
    for element in root.iter():
        if element.text and (element.get("type") == "html" or element.tag.endswith(("content", "summary"))):
            check_html(url, element.text)


def check_pages(client, urls):
    """Fetch and check each page; returns {url: its text} for the HTML ones."""
    texts = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content_type = response["Content-Type"]
        if "xml" in content_type:
            check_xml(url, response.content)
        elif "html" in content_type:
            texts[url] = check_html(url, response.content.decode())
    return texts


def crawl_post(client, post, n):
    """The post in both languages, the detail pages it links to (tags, sources, series,
    entities, glossary) and a search for it, checked; returns the post page's text."""
    post_url = post.get_absolute_url()
    html = client.get(post_url).content.decode()
    details = {link for link in _links(html) if link.count("/") >= 4 and "/preview/" not in link}
    search = f"{reverse('editorial:search')}?q={marker('正文', n)}"
    urls = [post_url, post_url.replace("/zh/", "/en/", 1), search, *sorted(details - {post_url})]
    return check_pages(client, urls)[post_url]


def _links(html):
    from html.parser import HTMLParser

    links = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            href = dict(attrs).get("href") or ""
            if tag == "a" and href.startswith(("/zh/", "/en/")):
                links.append(urlsplit(href)._replace(fragment="").geturl())

    Links().feed(html)
    return links


ADMIN_LISTS = [
    "admin:index",
    "admin:editorial_post_changelist",
    "admin:editorial_entity_changelist",
    "admin:editorial_glossaryentry_changelist",
    "admin:editorial_post_review_queue",
]


def check_admin(admin, post=None):
    """The admin's lists, and for ``post`` its form, history and glossary entries."""
    urls = [reverse(name) for name in ADMIN_LISTS] if post is None else []
    if post is not None:
        urls += [
            reverse("admin:editorial_post_change", args=[post.pk]),
            reverse("admin:editorial_post_history", args=[post.pk]),
        ]
        urls += [reverse("admin:editorial_glossaryentry_change", args=[e.pk]) for e in GlossaryEntry.objects.all()]
    for url in urls:
        response = admin.get(url)
        assert response.status_code == 200, url
        check_html(url, response.content.decode(), own_svg=True)


def form_errors(response):
    context = response.context
    return [context["adminform"].form.errors, [f.formset.errors for f in context.get("inline_admin_formsets", [])]]


@pytest.fixture
def admin(client):
    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    return client


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
@pytest.mark.parametrize(("n", "payload"), list(enumerate(PAYLOADS)))
def test_payload_through_the_importer_never_runs(client, n, payload):
    report = importers.import_bytes(f"hostile-{n}.md", hostile_file(n, payload))
    assert report.action == "created", str(report)
    post = Post.objects.get()
    assert post.status == Status.EVERGREEN
    text = crawl_post(client, post, n)
    for field in SHOWN_ON_POST_PAGE:
        assert marker(field, n) in text, field
    assert GlossaryEntry.objects.filter(term=f"术语{n}号").exists()
    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    check_admin(client, post)


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
@pytest.mark.parametrize(("n", "payload"), list(enumerate(PAYLOADS)))
def test_payload_through_the_admin_never_runs(admin, n, payload):
    def value(field):
        return f"{marker(field, n)} {payload}"

    entity = {"kind": Entity.Kind.PERSON, "name": value("人物")}
    assert admin.post(reverse("admin:editorial_entity_add"), entity).status_code == 302
    body = f"**主持人:** {value('正文')}\n\n**术语{n}号**（Term{n}: {one_line(value('定义'))}）\n\n{payload}\n"
    data = {
        "kind": "post",
        "title_zh_hans": value("标题"),
        "title_en": value("英文标题"),
        "slug": "",
        "summary_zh_hans": value("摘要"),
        "summary_en": value("英文摘要"),
        "insight_zh_hans": value("洞见"),
        "body_zh_hans": body,
        "body_en": f'{value("正文英文")}\n<details><summary>x</summary><p class="english-text">{value("原文")}</p></details>',
        "date": "2025-01-02",
        "source_url": payload[:500],
        "speaker": value("讲者"),
        "guest": value("嘉宾"),
        "area": value("领域")[:100],
        "category": value("类别")[:100],
        "series": value("系列"),
        "tags": f'"{value("标签")}"'.replace('""', '"'),
        "entity_links-TOTAL_FORMS": "1",
        "entity_links-INITIAL_FORMS": "0",
        "entity_links-0-entity": Entity.objects.get().pk,
        "entity_links-0-position": "0",
    }
    response = admin.post(reverse("admin:editorial_post_add"), data)
    assert response.status_code == 302, form_errors(response)
    post = Post.objects.get()
    workflow.submit(post, by=post.author)
    workflow.publish(post, by=post.author, at=timezone.now())
    # The glossary entry, edited in the admin to carry the payload in its term and definition.
    entry = GlossaryEntry.objects.get(term=f"术语{n}号")
    glossary = {
        "term": value("术语"),
        "english": f"Term{n}",
        "abbreviation": "",
        "definition_zh_hans": value("定义"),
        "definition_en": value("英文定义"),
        "definition_source": entry.definition_source,
    }
    change = reverse("admin:editorial_glossaryentry_change", args=[entry.pk])
    for inline in admin.get(change).context["inline_admin_formsets"]:  # leave the inline rows as they are
        glossary |= {f"{inline.formset.prefix}-TOTAL_FORMS": "0", f"{inline.formset.prefix}-INITIAL_FORMS": "0"}
    response = admin.post(change, glossary)
    assert response.status_code == 302, form_errors(response)

    check_admin(admin, post)
    admin.logout()
    text = crawl_post(admin, Post.objects.get(), n)
    for field in ["标题", "摘要", "洞见", "正文", "讲者", "嘉宾", "人物", "系列"]:
        assert marker(field, n) in text, field


@override_settings(EDITORIAL_TAG_PAGE_MIN_POSTS=1)
def test_every_payload_at_once_on_lists_feeds_and_the_sitemap(admin):
    for n, payload in enumerate(PAYLOADS):
        assert importers.import_bytes(f"hostile-{n}.md", hostile_file(n, payload)).action == "created"
    check_admin(admin)
    admin.logout()
    lists = ["/zh/", "/zh/?page=2", "/en/", "/zh/feed/", "/en/feed/", "/sitemap.xml", "/sitemap-posts-1.xml"]
    lists += [reverse(name) for name in ("editorial:tag-list", "editorial:source-list", "editorial:glossary-list")]
    texts = check_pages(admin, lists)
    home = texts["/zh/"] + texts["/zh/?page=2"]
    assert all(marker("标题", n) in home for n in range(len(PAYLOADS)))
    for tag in Post.objects.first().tags.all():
        check_pages(admin, [reverse("editorial:tag-feed", kwargs={"slug": tag.slug})])
