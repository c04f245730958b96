"""What only a real browser shows: the admin's Chinese/English tabs actually switch.

Drives Debian's Chromium through Playwright (never a downloaded browser). Screenshots
go to test-artifacts/.
"""

import shutil
from pathlib import Path

import pytest

from editorial.models import Post

from .conftest import CHROMIUM
from .factories import PostFactory

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def log_in(page, live_server, django_user_model, next_url):
    django_user_model.objects.create_superuser("editor", "", "correct horse battery")
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_admin_tabs_switch_between_chinese_and_english(page, live_server, django_user_model):
    post = PostFactory(title_zh_hans="中文标题", title_en="")
    requests_elsewhere = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else requests_elsewhere.append(r.url))
    log_in(page, live_server, django_user_model, f"/admin/editorial/post/{post.pk}/change/")
    page.wait_for_selector("#id_title_zh_hans")

    # modeltranslation turned the paired fields into tabs (jQuery UI from our own static files).
    tabs = page.locator(".ui-tabs-nav").first
    tabs.wait_for(state="visible")
    assert page.is_visible("#id_title_zh_hans")
    assert not page.is_visible("#id_title_en")

    tabs.locator("a", has_text="en").first.click()
    assert page.is_visible("#id_title_en")
    assert not page.is_visible("#id_title_zh_hans")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "admin-english-tab.png", full_page=False)

    page.fill("#id_title_en", "English title")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert Post.objects.get(pk=post.pk).title_en == "English title"
    assert requests_elsewhere == []  # no CDN, nothing third-party


@pytest.mark.django_db(transaction=True)
def test_glossary_popover_on_hover_and_keyboard_and_a_plain_link_without_javascript(browser, live_server):
    from editorial import content

    post = PostFactory(published=True, slug="tokens", body_zh_hans="我们说**令牌**（Token: 文本的最小单位）。")
    content.saved(post)
    page = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 800})
    page.goto(f"{live_server.url}/zh/posts/tokens/")
    term = page.locator("dfn.glossary-term a")
    term.hover()
    tip = page.locator("#glossary-tip")
    tip.wait_for(state="visible")
    assert "文本的最小单位" in tip.inner_text()
    assert term.get_attribute("aria-describedby") == "glossary-tip"
    page.keyboard.press("Escape")
    assert tip.count() == 0
    term.focus()  # keyboard users get it too
    page.locator("#glossary-tip").wait_for(state="visible")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "glossary-popover-mobile.png")
    page.close()
    # Without JavaScript the term is a plain link to its entry, with the definition as its title.
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(f"{live_server.url}/zh/posts/tokens/")
    link = plain.locator("dfn.glossary-term a")
    assert link.get_attribute("title") == "文本的最小单位"
    link.click()
    assert plain.locator("h1").inner_text() == "令牌"
    context.close()


BILINGUAL = (
    "### 开场\n\n**主持人:** 欢迎收听。\n<details>\n<summary>View/Hide Original English</summary>\n"
    '<p class="english-text">Welcome to the show.</p>\n</details>\n\n第二段中文。\n<details>\n'
    '<summary>View/Hide Original English</summary>\n<p class="english-text">Second paragraph.</p>\n</details>\n'
)


@pytest.mark.django_db(transaction=True)
def test_reading_modes_side_by_side_and_remembered(browser, live_server):
    PostFactory(
        published=True, slug="modes", title_zh_hans="双语文章", title_en="Bilingual post", body_zh_hans=BILINGUAL
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/zh/posts/modes/")
    original = page.locator("details.original").first
    assert not page.get_by_text("Welcome to the show.").is_visible()  # Chinese mode: originals folded
    page.get_by_role("link", name="并排").click()
    page.wait_for_url("**?mode=both")
    chinese_box = page.get_by_text("欢迎收听").bounding_box()
    original_box = original.bounding_box()
    assert original_box["x"] > chinese_box["x"] + 300  # the original stands beside its paragraph
    assert abs(original_box["y"] - chinese_box["y"]) < 80
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "reading-side-by-side-desktop.png")
    page.goto(f"{live_server.url}/zh/posts/modes/")  # remembered without ?mode=
    assert page.get_by_text("Welcome to the show.").is_visible()
    page.set_viewport_size({"width": 390, "height": 800})  # narrow: interleaved, one column
    assert (
        page.get_by_text("Welcome to the show.").bounding_box()["y"] > page.get_by_text("欢迎收听").bounding_box()["y"]
    )
    page.screenshot(path=ARTIFACTS / "reading-interleaved-mobile.png")
    page.locator(".reading-modes").get_by_role("link", name="英文", exact=True).click()
    assert page.get_by_text("Welcome to the show.").is_visible() and not page.get_by_text("欢迎收听").is_visible()
    # The English switch keeps the reader on the same post.
    page.get_by_role("navigation", name="语言").get_by_role("link", name="英文").click()
    page.wait_for_url("**/en/posts/modes/")
    assert page.locator("h1").inner_text() == "Bilingual post"
    context.close()
    # Without JavaScript the modes still work: they are links and server-rendered.
    plain = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    nojs = plain.new_page()
    nojs.goto(f"{live_server.url}/zh/posts/modes/?mode=original")
    assert nojs.get_by_text("Second paragraph.").is_visible()
    plain.close()


@pytest.mark.django_db(transaction=True)
def test_four_themes_cycle_persist_and_migrate(browser, live_server):
    PostFactory(published=True, slug="themes", body_zh_hans=BILINGUAL)
    context = browser.new_context(locale="zh-CN", color_scheme="dark")
    page = context.new_page()
    page.goto(f"{live_server.url}/zh/posts/themes/")
    button = page.locator("button.theme-switcher")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(29, 27, 24)"  # Paper Dark follows the system at first
    seen = []
    for _ in range(4):
        button.click()
        seen.append(page.evaluate("document.documentElement.dataset.theme"))
    assert seen == ["steel-light", "steel-dark", "paper-light", "paper-dark"]
    button.click()
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "steel-light"  # remembered, applied early
    page.screenshot(path=ARTIFACTS / "theme-steel-light.png")
    page.evaluate("localStorage.setItem('theme-preference', 'dark')")  # the old site's value
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "paper-dark"
    assert page.evaluate("localStorage.getItem('theme-preference')") == "paper-dark"
    context.close()


@pytest.mark.django_db(transaction=True)
def test_search_copy_and_video_on_request(browser, live_server):
    from editorial import search

    post = PostFactory(
        published=True,
        slug="search-me",
        title_zh_hans="向量数据库实战",
        body_zh_hans="我们比较了几种向量数据库的索引。",
        source_url="https://www.youtube.com/watch?v=-5Weeox0Xus",
    )
    search.index_post(post)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    elsewhere = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else elsewhere.append(r.url))
    page.goto(f"{live_server.url}/zh/search/")
    page.fill("#q", "向量数据库")
    page.keyboard.press("Enter")
    page.wait_for_selector(".search-results")
    assert page.locator(".search-results mark").first.inner_text() == "向量数据库"
    page.screenshot(path=ARTIFACTS / "search-results.png")
    page.locator(".search-results a").first.click()
    page.wait_for_url("**/zh/posts/search-me/")
    assert elsewhere == []  # nothing third-party before the reader asks for the video
    page.get_by_role("button", name="复制全文").click()
    page.locator(".copy-status").filter(has_text="已复制").wait_for()
    assert page.evaluate("navigator.clipboard.readText()").startswith("---\n")
    page.route("https://www.youtube-nocookie.com/**", lambda route: route.fulfill(status=204, body=""))
    page.get_by_role("button", name="在此播放视频").click()
    assert "youtube-nocookie.com/embed/-5Weeox0Xus" in page.locator(".video iframe").get_attribute("src")
    context.close()


@pytest.mark.django_db
def test_a_static_copy_reads_like_the_live_site(browser, tmp_path):
    """build_static's files on a plain file server: reading modes and glossary popovers work."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from editorial import content, static_site

    post = PostFactory(
        published=True, slug="static-modes", body_zh_hans=BILINGUAL + "\n我们说**令牌**（Token: 最小单位）。\n"
    )
    content.saved(post)
    static_site.build(tmp_path, workers=1)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/zh/posts/static-modes/")
        assert not page.get_by_text("Welcome to the show.").is_visible()
        page.get_by_role("link", name="并排").click()
        page.wait_for_url("**?mode=both")
        assert page.get_by_text("Welcome to the show.").is_visible()  # applied without a server
        page.goto(f"{base}/zh/posts/static-modes/")  # and remembered
        assert page.get_by_text("Welcome to the show.").is_visible()
        page.locator("dfn.glossary-term a").hover()
        page.locator("#glossary-tip").wait_for(state="visible")
        page.locator("#glossary-tip a").click()
        page.wait_for_url("**/zh/glossary/**")
        assert page.locator("h1").inner_text() == "令牌"
        context.close()
    finally:
        server.shutdown()


HEADER_CHECK = """() => {
  const header = document.querySelector('.site-header');
  // a new row starts where an item begins below the bottom of the row before it
  const boxes = [...header.children].filter(e => e.getClientRects().length)
    .map(e => e.getBoundingClientRect()).sort((a, b) => a.top - b.top);
  let rows = 0, bottom = -Infinity;
  for (const box of boxes) { if (box.top >= bottom - 1) { rows += 1; } bottom = Math.max(bottom, box.bottom); }
  const broken = [...header.querySelectorAll('a, span[aria-current], button')]
    .filter(e => e.getClientRects().length > 1 || e.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(e).fontSize) * 1.3)
    .map(e => e.textContent.trim());
  return {overflow: document.documentElement.scrollWidth - window.innerWidth, rows: rows, broken: broken};
}"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [320, 390, 430])
def test_phone_header_fits_on_two_rows_without_breaking_words_or_scrolling(browser, live_server, width):
    PostFactory(published=True, slug="phone", title_zh_hans="手机上的文章", title_en="A post on a phone")
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    for path in ("/zh/", "/en/", "/zh/posts/phone/", "/en/posts/phone/", "/en/glossary/"):
        page.goto(f"{live_server.url}{path}")
        page.locator(".theme-switcher").wait_for()
        seen = page.evaluate(HEADER_CHECK)
        assert seen["overflow"] <= 0, (path, seen)  # no sideways scroll
        assert seen["rows"] <= 2, (path, seen)
        assert seen["broken"] == [], (path, seen)  # "标/签" one character per line
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"header-en-{width}.png")
    context.close()
