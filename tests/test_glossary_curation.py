"""The glossary as readers and editors get it at scale: names, disagreements, what hidden
posts never show, the public index's threshold, sitemap pages and bulk decisions."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from editorial import caching, content, glossary_curation, sitemaps, workflow
from editorial.models import GlossaryEntry, Post

from .factories import PostFactory

pytestmark = pytest.mark.django_db


def post_with(body, **kwargs):
    post = PostFactory(body_zh_hans=body, **{"published": True, **kwargs})
    content.saved(post, created=True)
    return post


def draft_with(body, **kwargs):
    return post_with(body, status="draft", published_at=None, **kwargs)


def the_entry():
    (entry,) = GlossaryEntry.objects.all()
    return entry


# --- the right name --------------------------------------------------------------------------


def test_the_chinese_form_names_the_entry_however_it_was_first_written(client, settings):
    settings.EDITORIAL_GLOSSARY_MIN_POSTS = 1
    post_with("**Token**（文本的最小单位）")  # the first spelling seen is English
    post_with("**令牌**（Token: 文本的最小单位）")
    post_with("**令牌**（Tokens: 模型处理文本的基本单元）")
    token = the_entry()
    assert (token.term, token.english, token.initial_zh) == ("令牌", "Token", "L")
    assert token.slug == "token"  # its address does not move
    index = client.get(reverse("editorial:glossary-list"), {"letter": "L"}).content.decode()
    assert ">令牌</a>" in index


def test_an_editors_name_stands(admin_client):
    post_with("**令牌**（Token: 文本的最小单位）")
    token = the_entry()
    data = {
        "term": "词元", "english": "Token", "abbreviation": "", "named_by_editor": "", "featured": "",
        "definition_zh_hans": token.definition_zh_hans, "definition_en": "", "definition_source": "extracted",
        **{f"{name}-{n}": "0" for name in ("aliases", "variants", "uses") for n in ("TOTAL_FORMS", "INITIAL_FORMS")},
    }  # fmt: skip
    response = admin_client.post(reverse("admin:editorial_glossaryentry_change", args=[token.pk]), data)
    assert response.status_code == 302
    post_with("**令牌**（Token: 另一篇文章）")
    token.refresh_from_db()
    assert (token.term, token.named_by_editor, token.initial_zh) == ("词元", True, "C")


# --- disagreements ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("Token", "Tokens"),
        ("Large Language Model", "LLMs"),
        ("Capital Expenditure", "CapEx"),
        ("Federal Reserve", "Federal Reserve System"),
        ("Alignment", "AI Alignment"),
        ("Artificial General Intelligence", "General Artificial Intelligence"),
        ("Reinforcement Learning from Human Feedback", "RLHF"),
        ("Open AI", "OpenAI"),
        ("behaviour", "behavior"),
    ],
)
def test_spellings_plurals_abbreviations_and_longer_forms_agree(a, b):
    uses = [{"english": a, "abbreviation": ""}, {"english": b, "abbreviation": ""}]
    assert glossary_curation.disagreements(uses) == []


def use(english, term="代理", definition="", abbreviation=""):
    return {"english": english, "term": term, "chinese": "", "definition": definition, "abbreviation": abbreviation}


AGENT = [use("Agent", definition="替人自主完成任务的软件程序")] * 2
PROXY = [use("Proxy", definition="在客户端与服务器之间转发网络请求")] * 2


@pytest.mark.parametrize(
    "uses, term, reason",
    [
        (  # two expansions of one abbreviation
            [
                use("Price-to-Earnings Ratio", "市盈率", abbreviation="PE"),
                use("Processing Element", "市盈率", "", "PE"),
            ],
            "市盈率",
            "acronym",
        ),
        (  # met only through NIM: the other post wrote another Chinese term
            [use("Net Interest Margin", "净息差"), use("NVIDIA Inference Microservice", "英伟达推理微服务")],
            "净息差",
            "match",
        ),
        (AGENT + PROXY, "代理", "meaning"),  # one Chinese term, two meanings, each in two posts
    ],
)
def test_real_conflicts_are_flagged_with_their_reason(uses, term, reason):
    assert glossary_curation.disagreeing(uses, term)[1][1] == reason


@pytest.mark.parametrize(
    "uses",
    [
        AGENT + [use("Proxy", definition="在客户端与服务器之间转发网络请求")],  # one post's other name
        [use("Enjoyment", "愉悦", "从活动中获得的愉悦感")] * 2 + [use("Pleasure", "愉悦", "对感官享受的追求")],
        [use("Forward P/E Ratio", "前瞻市盈率", abbreviation="PE"), use("Dynamic PE", "前瞻市盈率", abbreviation="PE")],
        [use("Price", "价格"), use("40.24", "价格"), use("12.67%", "价格")],  # numbers are not names
    ],
)
def test_synonyms_homonymous_containment_and_numbers_are_not_conflicts(uses):
    assert glossary_curation.disagreements(uses, uses[0]["term"]) == []


def test_differently_worded_definitions_are_not_a_conflict():
    post_with("**令牌**（Token: 在自然语言处理中，是文本的最小有意义单位）")
    post_with("**令牌**（Token: 模型读写文本的基本单元）")
    assert not GlossaryEntry.objects.needs_review().exists()


def agent_and_proxy():
    for _n in range(2):
        post_with("**代理**（Agent: 替人自主完成任务的软件程序）")
        post_with("**代理**（Proxy: 在客户端与服务器之间转发网络请求）")


def test_review_queue_starts_with_what_reaches_most_readers():
    agent_and_proxy()
    for _n in range(4):
        post_with("**市盈率**（PE: Price-to-Earnings Ratio: 股价除以每股收益）")
    post_with("**市盈率**（PE: Processing Element: 芯片里的处理单元）")
    assert [e.term for e in glossary_curation.review_queue()] == ["市盈率", "代理"]


def test_a_dismissed_flag_returns_when_a_new_disagreement_appears():
    agent_and_proxy()
    glossary_curation.dismiss(list(GlossaryEntry.objects.all()))
    post_with("**代理**（Agent: 又一篇文章）")  # the same disagreement: stays dismissed
    assert not GlossaryEntry.objects.needs_review().exists()
    post_with("**代理**（Broker: 替客户买卖证券并收取佣金的机构）")
    post_with("**代理**（Broker: 替客户买卖证券并收取佣金的机构）")
    assert GlossaryEntry.objects.needs_review().count() == 1


# --- nothing from a hidden post --------------------------------------------------------------


def test_a_drafts_definition_name_and_spelling_never_reach_readers(client, settings):
    settings.EDITORIAL_GLOSSARY_MIN_POSTS = 1
    draft_with("**令牌化单元**（Secret Codename: 草稿里的未公开定义）")
    entry = the_entry()
    assert client.get(entry.get_absolute_url()).status_code == 404
    public = post_with("**令牌化单元**（公开文章里的定义）")
    entry.refresh_from_db()
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "公开文章里的定义" in page
    assert "草稿里的未公开定义" not in page and "Secret Codename" not in page
    assert "草稿里的未公开定义" not in client.get(public.get_absolute_url()).content.decode()
    with translation.override("en"):
        assert "Secret Codename" not in client.get(reverse("editorial:glossary-list")).content.decode()


def test_a_spelling_only_a_draft_uses_finds_nothing(client, settings):
    settings.EDITORIAL_GLOSSARY_MIN_POSTS = 1
    post_with("**令牌**（Token: 单位）")
    draft_with("**词元**（Token: 草稿里的写法）")  # joins the entry through its English name
    index = reverse("editorial:glossary-list")
    assert ">令牌</a>" in client.get(index, {"q": "token"}).content.decode()
    assert ">令牌</a>" not in client.get(index, {"q": "词元"}).content.decode()
    assert "词元" not in client.get(the_entry().get_absolute_url()).content.decode()


def test_when_the_only_public_post_goes_so_does_the_page(client, admin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # readers' caches learn of each change on commit
        post = post_with("**令牌**（Token: 单位）")
    url = the_entry().get_absolute_url()
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(post, by=admin_user)
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(post, by=admin_user)
        workflow.publish(post, by=admin_user)
    assert client.get(url).status_code == 200
    post = Post.objects.get(pk=post.pk)
    with django_capture_on_commit_callbacks(execute=True):
        content.deleting([post])
        post.delete()
    assert client.get(url).status_code == 404
    assert the_entry().public_posts == 0


def test_a_scheduled_post_gives_its_terms_a_page_when_its_time_comes(client):
    post = post_with("**令牌**（Token: 单位）", published_at=timezone.now() + datetime.timedelta(hours=1))
    url = the_entry().get_absolute_url()
    assert client.get(url).status_code == 404
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    content.time_came(post.pk)
    assert client.get(url).status_code == 200


# --- what readers get ------------------------------------------------------------------------


def test_the_index_lists_terms_from_the_threshold_or_featured(client, settings):
    settings.EDITORIAL_GLOSSARY_MIN_POSTS = 3
    for _n in range(3):
        post_with("**令牌**（Token: 单位）")
    post_with("**词表**（Vocabulary: 令牌的集合）")
    index = client.get(reverse("editorial:glossary-list")).content.decode()
    assert ">令牌</a>" in index and ">词表</a>" not in index
    rare = GlossaryEntry.objects.get(term="词表")
    page = client.get(rare.get_absolute_url()).content.decode()  # still explained on its own page
    assert "令牌的集合" in page and 'content="noindex, follow"' in page
    assert ">词表</a>" in client.get(reverse("editorial:glossary-list"), {"q": "词表"}).content.decode()
    GlossaryEntry.objects.filter(pk=rare.pk).update(featured=True)
    caching.content_changed()
    assert ">词表</a>" in client.get(reverse("editorial:glossary-list")).content.decode()


def test_sitemap_is_an_index_of_pages_of_bounded_size(client, monkeypatch, settings):
    settings.EDITORIAL_GLOSSARY_MIN_POSTS = 1
    monkeypatch.setattr(sitemaps, "LIMIT", 4)
    slugs = ["plain", "AI Vibe Coding 社区讨论会纪要0705", "it's-a:b", "-lead", "百分之%25"]
    posts = [post_with(f"**术语{n}**（Term {n}: 定义）", title_en="", slug=slug) for n, slug in enumerate(slugs)]
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.fromstring(client.get("/sitemap.xml").content)
    pages = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert [p.rsplit("/", 1)[1] for p in pages] == [
        "sitemap-posts-1.xml", "sitemap-posts-2.xml",
        "sitemap-glossary-1.xml", "sitemap-glossary-2.xml", "sitemap-glossary-3.xml",
    ]  # fmt: skip
    listed = []
    for page in pages:
        response = client.get(page.replace("http://testserver", ""))
        assert response.status_code == 200
        urls = [loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", ns)]
        assert 1 <= len(urls) <= 4
        listed += urls
    assert len(listed) == len(set(listed)) == 5 + 5 * 2
    assert all(f"http://testserver{p.get_absolute_url()}" in listed for p in posts)  # as reverse() writes them
    assert client.get("/sitemap-posts-3.xml").status_code == 404


# --- bulk decisions --------------------------------------------------------------------------


def test_bulk_decisions_run_as_one_job(admin_client, django_capture_on_commit_callbacks, worker):
    for word, usual, other in (("甲方", "Alpha", "Omega"), ("乙方", "Beta", "Sigma"), ("丙方", "Gamma", "Kappa")):
        for _n in range(3):
            post_with(f"**{word}**（{usual}: 第一种意思）")
        for _n in range(2):
            post_with(f"**{word}**（{other}: 网络游戏里的玩家队伍）")
    assert GlossaryEntry.objects.needs_review().count() == 3
    changelist = reverse("admin:editorial_glossaryentry_changelist")
    chosen = list(GlossaryEntry.objects.filter(term__in=["甲方", "乙方"]).values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(changelist, {"action": "adopt_most_used", "_selected_action": chosen})
    assert "/admin/editorial/job/" in response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        worker()  # the decision; it queues the relinking of the entries' posts
    with django_capture_on_commit_callbacks(execute=True):
        jobs = worker()
    assert [job.kind for job in jobs] == ["glossary_decision", "glossary"]
    assert [job.state for job in jobs] == ["done", "done"]
    assert [e.term for e in GlossaryEntry.objects.needs_review()] == ["丙方"]
    adopted = GlossaryEntry.objects.get(term="甲方")
    assert (adopted.definition_zh_hans, adopted.english, adopted.definition_source) == ("第一种意思", "Alpha", "editor")
    # The relink job put the editor's definition in every post's popover, the third one's too.
    third = Post.objects.filter(body_zh_hans__contains="**甲方**（Omega").first()
    assert 'data-definition="第一种意思"' in third.body_html_zh_hans
    page = admin_client.get(response["Location"]).content.decode()
    assert "2" in page


def test_the_static_copy_follows_an_entry_into_the_index(
    tmp_path, settings, django_capture_on_commit_callbacks, worker
):
    from editorial import static_site

    settings.EDITORIAL_GLOSSARY_MIN_POSTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        post_with("**令牌**（Token: 单位）")
    static_site.build(tmp_path, workers=1)
    index = static_site.file_for(tmp_path, reverse("editorial:glossary-list"))
    assert ">令牌</a>" not in index.read_text()
    settings.EDITORIAL_STATIC_DIR = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        post_with("**令牌**（Token: 另一篇文章的定义）", title_zh_hans="第二篇")
    with django_capture_on_commit_callbacks(execute=True):
        worker()
    assert ">令牌</a>" in index.read_text()
    assert "第二篇" in static_site.file_for(tmp_path, the_entry().get_absolute_url()).read_text()
    assert the_entry().updated_at > Post.objects.get(title_zh_hans="第二篇").created_at  # the sitemap's lastmod
