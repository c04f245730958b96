"""The shared glossary: matching, variants, editors' definitions, admin curation, public pages."""

import pytest
from django.urls import reverse
from django.utils import translation

from editorial import content, glossary_sync
from editorial.glossary_curation import merge
from editorial.models import GlossaryAlias, GlossaryEntry, GlossaryUse, GlossaryVariant, Post

from .factories import PostFactory

pytestmark = pytest.mark.django_db


def post_with(body, **kwargs):
    post = PostFactory(body_zh_hans=body, **{"published": True, **kwargs})
    content.saved(post, created=True)
    return post


@pytest.fixture
def index_from_one(settings):
    settings.EDITORIAL_GLOSSARY_MIN_POSTS = 1


def entry(term):
    return GlossaryEntry.objects.get(term=term)


def test_a_definition_makes_an_entry_with_aliases_and_a_use():
    post = post_with("我们说**令牌**（Token: 文本的最小单位）。再说**令牌**（Token: 文本的最小单位）。")
    token = entry("令牌")
    assert (token.english, token.definition_zh_hans, token.slug) == ("Token", "文本的最小单位", "token")
    assert set(token.aliases.values_list("key", flat=True)) == {"令牌", "token"}
    assert GlossaryUse.objects.get(entry=token, post=post).count == 2


@pytest.mark.parametrize(
    "second",
    [
        "**令牌**（Token: 文本的最小单位）",  # same term
        "**词元**（Tokens: 文本的最小单位）",  # English matches (plural, case)
        "**TOKEN**（文本的最小单位）",  # the English as the bold term
    ],
)
def test_later_annotations_attach_to_the_existing_entry(second):
    post_with("**令牌**（Token: 文本的最小单位）")
    other = post_with(second)
    assert GlossaryEntry.objects.count() == 1
    assert GlossaryUse.objects.filter(post=other, entry=entry("令牌")).exists()


def test_abbreviation_matches_too():
    post_with("**大型语言模型**（LLM: Large Language Model: 基于深度学习的模型）")
    post_with("**大语言模型**（LLMs: 能生成文本的模型）")
    llm = entry("大型语言模型")
    assert GlossaryEntry.objects.count() == 1
    assert "大语言模型" in set(llm.aliases.values_list("text", flat=True))


def test_a_differently_worded_definition_is_a_variant_not_a_flag():
    post_with("**资本支出**（Capital Expenditure: 购买固定资产的资金）")
    second = post_with("**资本支出**（CapEx: 公司用于维护实物资产的支出）")
    capex = entry("资本支出")
    variant = GlossaryVariant.objects.get(entry=capex)
    assert (variant.post, variant.definition, variant.reviewed) == (second, "公司用于维护实物资产的支出", False)
    assert not GlossaryEntry.objects.needs_review().exists()  # CapEx abbreviates Capital Expenditure


def test_two_expansions_of_one_abbreviation_are_flagged():
    post_with("**PE**（Private Equity: 私募股权，投资未上市公司）")
    post_with("**PE**（Price-to-Earnings Ratio: 市盈率，股价除以每股收益）")
    (pe,) = GlossaryEntry.objects.needs_review()
    assert "Private Equity" in pe.conflict_summary and "Price-to-Earnings Ratio" in pe.conflict_summary


def test_sync_is_idempotent():
    post = post_with("**令牌**（Token: 单位）和**资本支出**（capex: 资金）")
    post_with("**资本支出**（capex: 另一种定义）")
    before = (
        GlossaryEntry.objects.count(),
        GlossaryAlias.objects.count(),
        GlossaryVariant.objects.count(),
        sorted(GlossaryUse.objects.values_list("post", "entry", "count")),
    )
    glossary_sync.sync_post(Post.objects.get(pk=post.pk))
    glossary_sync.sync_post(Post.objects.get(pk=post.pk))
    after = (
        GlossaryEntry.objects.count(),
        GlossaryAlias.objects.count(),
        GlossaryVariant.objects.count(),
        sorted(GlossaryUse.objects.values_list("post", "entry", "count")),
    )
    assert after == before


def test_removing_a_definition_from_the_body_removes_the_use():
    post = post_with("**令牌**（Token: 单位）")
    post.body_zh_hans = "没有术语了。"
    post.save()
    glossary_sync.sync_post(post)
    assert not GlossaryUse.objects.filter(post=post).exists()


def test_an_editors_definition_is_never_overwritten(admin_client):
    post_with("**令牌**（Token: 单位）")
    token = entry("令牌")
    url = reverse("admin:editorial_glossaryentry_change", args=[token.pk])
    data = {
        "term": "令牌",
        "english": "Token",
        "abbreviation": "",
        "definition_zh_hans": "编辑写的定义",
        "definition_en": "The editor's definition",
        "definition_source": "extracted",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
        "uses-TOTAL_FORMS": "0",
        "uses-INITIAL_FORMS": "0",
    }
    assert admin_client.post(url, data).status_code == 302
    token.refresh_from_db()
    assert token.definition_source == "editor"
    post_with("**令牌**（Token: 来自新文章的另一个定义）")
    token.refresh_from_db()
    assert token.definition_zh_hans == "编辑写的定义"
    assert GlossaryVariant.objects.filter(entry=token, reviewed=False).count() == 1


def test_admin_lists_usage_and_filters_entries_needing_review(admin_client):
    for _n in range(2):
        post_with("**代理**（Agent: 替人自主完成任务的软件程序）")
        post_with("**代理**（Proxy: 在客户端与服务器之间转发网络请求）")
    post_with("**令牌**（Token: 单位）")
    post_with("**令牌**（Token: 不同的措辞）")
    post_with("**词表**（Vocabulary）")
    url = reverse("admin:editorial_glossaryentry_changelist")
    html = admin_client.get(url, {"needs_review": "yes"}).content.decode()
    assert "代理" in html and "令牌" not in html and "词表" not in html
    found = admin_client.get(url, {"q": "TOKENS"}).content.decode()  # another spelling, by its key
    assert "令牌" in found and "词表" not in found
    assert admin_client.get(url).status_code == 200


def test_adopt_a_variant_with_one_click(admin_client):
    post_with("**令牌**（Token: 单位）")
    post_with("**令牌**（Token: 更好的定义）")
    token = entry("令牌")
    variant = GlossaryVariant.objects.get(entry=token)
    change = admin_client.get(reverse("admin:editorial_glossaryentry_change", args=[token.pk])).content.decode()
    adopt_url = reverse("admin:editorial_glossaryentry_adopt", args=[token.pk, variant.pk])
    assert f'formaction="{adopt_url}"' in change
    admin_client.post(adopt_url)
    token.refresh_from_db()
    variant.refresh_from_db()
    assert (token.definition_zh_hans, token.definition_source, variant.reviewed) == ("更好的定义", "editor", True)
    assert not GlossaryEntry.objects.needs_review().exists()


def test_merge_two_entries_into_one(admin_client, django_capture_on_commit_callbacks, worker):
    a = post_with("**大型语言模型**（Large Language Models: 模型）")
    b = post_with("**大模型**（Foundation Model: 模型）")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:editorial_glossaryentry_changelist"),
            {"action": "merge_entries", "_selected_action": list(GlossaryEntry.objects.values_list("pk", flat=True))},
        )
    assert response.status_code == 302 and "/admin/editorial/job/" in response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        (job, *_relink) = worker()
    assert job.state == "done", job.error
    (merged,) = GlossaryEntry.objects.all()
    assert set(GlossaryUse.objects.filter(entry=merged).values_list("post", flat=True)) == {a.pk, b.pk}
    assert {"大模型", "大型语言模型"} <= set(merged.aliases.values_list("text", flat=True))
    # A later post using either name lands on the merged entry.
    post_with("**大模型**（Foundation Model: 模型）")
    assert GlossaryEntry.objects.count() == 1


def test_split_a_wrongly_matched_post_and_it_stays_split(admin_client):
    post_with("**花旗**（City: 花旗集团）")
    wrong = post_with("**城市**（City: 人口聚居的地方）")
    citi = entry("花旗")
    use = GlossaryUse.objects.get(post=wrong)
    assert use.entry == citi  # matched through the English "City"
    admin_client.post(reverse("admin:editorial_glossaryentry_split", args=[citi.pk, use.pk]))
    use.refresh_from_db()
    assert use.entry.term == "城市" and use.pinned
    glossary_sync.sync_post(Post.objects.get(pk=wrong.pk))  # a later save keeps the editor's split
    assert GlossaryUse.objects.get(post=wrong).entry.term == "城市"


def test_merge_function_adds_counts_for_shared_posts():
    post = post_with("**甲**（Alpha: 定义）**乙**（Beta: 定义）")
    merge(entry("甲"), [entry("乙")])
    assert GlossaryUse.objects.get(post=post).count == 2


# --- public pages ----------------------------------------------------------------------------


def test_post_page_links_each_defined_term_with_its_definition(client):
    post = post_with("我们说**令牌**（Token: 文本的最小单位）。", slug="tokens")
    html = client.get(post.get_absolute_url()).content.decode()
    link = f'<dfn class="glossary-term"><a href="{entry("令牌").get_absolute_url()}" title="文本的最小单位"'
    assert link in html


def test_glossary_index_and_entry_page_in_both_languages(client, index_from_one):
    post_with(
        "**令牌**（Token: 文本的最小单位）**词表**（Vocabulary: 所有令牌的集合）",
        title_zh_hans="分词",
        title_en="Tokens",
    )
    zh = client.get(reverse("editorial:glossary-list")).content.decode()
    assert "令牌" in zh and "词表" in zh
    assert '<a href="?letter=L"' in zh  # 令牌 → ling pai
    assert "令牌" in client.get(reverse("editorial:glossary-list"), {"letter": "L"}).content.decode()
    assert ">令牌</a>" not in client.get(reverse("editorial:glossary-list"), {"letter": "C"}).content.decode()
    assert "令牌" in client.get(reverse("editorial:glossary-list"), {"q": "token"}).content.decode()
    detail = client.get(entry("令牌").get_absolute_url()).content.decode()
    assert "文本的最小单位" in detail and "分词" in detail
    with translation.override("en"):
        en = client.get(reverse("editorial:glossary-list")).content.decode()
        assert '<a href="?letter=T"' in en and '<a href="?letter=V"' in en
        assert "Tokens" in client.get(entry("令牌").get_absolute_url()).content.decode()


def test_entries_of_hidden_posts_are_not_public(client, index_from_one):
    post_with("**秘密术语**（Secret: 只在草稿里）", status="draft", published_at=None)
    post_with("**公开术语**（Public: 公开文章里）")
    html = client.get(reverse("editorial:glossary-list")).content.decode()
    assert "公开术语" in html and "秘密术语" not in html
    assert client.get(entry("秘密术语").get_absolute_url()).status_code == 404


def test_entry_page_lists_only_public_posts(client):
    post_with("**令牌**（Token: 单位）", title_zh_hans="公开的文章")
    post_with("**令牌**（Token: 单位）", title_zh_hans="草稿文章", status="draft", published_at=None)
    html = client.get(entry("令牌").get_absolute_url()).content.decode()
    assert "公开的文章" in html and "草稿文章" not in html


def test_import_feeds_the_glossary(tmp_path):
    from django.core.management import call_command

    (tmp_path / "a.md").write_text(
        "---\ntitle: 标题\nstatus: evergreen\n---\n**令牌**（Token: 单位）\n", encoding="utf-8"
    )
    call_command("import_markdown", str(tmp_path), verbosity=0)
    post = Post.objects.get(slug="a")
    assert GlossaryUse.objects.filter(post=post, entry__term="令牌").exists()
    assert 'class="glossary-term"' in post.body_html_zh_hans


def test_readers_never_see_the_emphasis_marks_a_definition_kept(client, index_from_one):
    """#16: the glossary showed raw **asterisks** (823 of the whole site's entries keep some)."""
    post = post_with("**OpenAI**（一家**人工智能**研究和部署公司）成立于 2015 年。")
    found = entry("OpenAI")
    assert found.definition_zh_hans == "一家**人工智能**研究和部署公司"  # stored as the post wrote it
    for url in (found.get_absolute_url(), reverse("editorial:glossary-list")):
        html = client.get(url).content.decode()
        assert "一家人工智能研究和部署公司" in html and "**人工智能**" not in html, url
    page = client.get(post.get_absolute_url()).content.decode()
    assert "一家人工智能研究和部署公司" in page and "一家**人工智能**" not in page  # the popover


def test_without_marks_keeps_the_words():
    from editorial.glossary import without_marks

    assert without_marks("即单细胞 **RNA 测序** (RNA-seq)") == "即单细胞 RNA 测序 (RNA-seq)"
    assert without_marks("一个 ** 落单的标记") == "一个  落单的标记"
    assert without_marks("__强调__ 与 plain") == "强调 与 plain"
    assert without_marks("") == "" and without_marks(None) is None
