"""Reading a post in a real browser (#16): the chapter bar and sidebar, glossary popovers on
tap, reading tools, passage links, the reading position, bookmarks and history, themes' fonts.

Debian's Chromium through Playwright (fixtures in conftest.py).
"""

import shutil

import pytest
from playwright.sync_api import expect

from editorial import content

from .conftest import CHROMIUM
from .factories import PostFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]

CHAPTERS = 12


def long_talk(slug="long-talk"):
    """A talk summary as the real site has them: twelve chapters, speakers, English originals
    after paragraphs and an inline glossary definition."""
    parts = []
    for n in range(1, CHAPTERS + 1):
        parts.append(f"## 第{n}章 讨论\n")
        for k in range(1, 4):
            parts.append(
                f"**主持人：** 第{n}章第{k}段。" + "我们讨论模型如何理解上下文并作出回答。" * 6 + "\n\n"
                "<details>\n<summary>View/Hide Original English</summary>\n\n"
                f"**Host:** Chapter {n}, paragraph {k}. " + "We discuss how models read context and answer. " * 5
                + "\n\n</details>\n"
            )  # fmt: skip
    parts[1] = "我们说**令牌**（Token: 文本的最小单位）是模型读写的单位。\n\n" + parts[1]
    parts.append(  # shapes real bodies have that could push a phone's page sideways
        "**附录**\n\n- 列表一项\n- 列表二项\n\n"
        "项目地址：<https://github.com/example-organisation/a-very-long-repository-name-for-testing/tree/main/docs>\n\n"
        "| 方法 | 主要风险向量 | 适用场景 | 流动性 | 门槛 |\n| --- | --- | --- | --- | --- |\n"
        "| Senolytics | 平台运营与托管风险；SPV结构有效性 | 早期临床试验 | 市场流动性风险 | 高门槛 |\n\n"
        '```bash\n#!/bin/bash\ngit add -A && git commit -m "auto: $(date +%Y-%m-%dT%H:%M:%S) a long line of code" && git push\n```\n'
    )
    post = PostFactory(
        published=True, slug=slug, title_zh_hans="一场长访谈", title_en=None, body_zh_hans="\n".join(parts)
    )
    content.saved(post)
    return post


def bar_bottom(page):
    return page.evaluate("document.querySelector('.outline').getBoundingClientRect().bottom")


def heading_top(page, n):
    return page.evaluate(f"document.getElementById('第{n}章-讨论').getBoundingClientRect().top")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_phone_chapter_bar_is_one_row_follows_the_reader_and_its_panel_closes(browser, live_server, language):
    long_talk()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/{language}/posts/long-talk/")
    bar = page.locator(".outline-bar")
    panel = page.locator("#outline-list")
    assert bar.is_visible() and not panel.is_visible()
    assert bar.bounding_box()["height"] <= 50  # one row, never the open list mid-article

    page.evaluate("document.getElementById('第5章-讨论').scrollIntoView()")
    page.wait_for_function("() => document.querySelector('.outline-count').textContent === '5 / 12'")
    assert "第5章" in page.locator(".outline-current").inner_text()
    assert page.evaluate("parseFloat(document.querySelector('.outline-progress').style.width)") > 20
    assert heading_top(page, 5) >= bar_bottom(page) - 1  # the bar does not cover the heading

    bar.click()
    assert panel.is_visible() and bar.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not panel.is_visible() and page.evaluate("document.activeElement.className") == "outline-bar"

    bar.click()
    page.mouse.click(200, 700)  # a tap on the text outside the panel
    assert not panel.is_visible()

    bar.click()
    panel.locator("a", has_text="第9章").click()
    assert not panel.is_visible()  # closed after the jump
    page.wait_for_function("() => document.querySelector('.outline-count').textContent === '9 / 12'")
    assert bar_bottom(page) - 1 <= heading_top(page, 9) < 300  # the target heading is in view, below the bar


def test_glossary_popover_opens_on_tap_and_its_link_goes_to_the_entry(browser, live_server):
    post = long_talk()
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/zh/posts/long-talk/")
    term = page.locator("dfn.glossary-term a").first
    term.tap()
    tip = page.locator("#glossary-tip")
    tip.wait_for(state="visible")
    assert "文本的最小单位" in tip.inner_text()
    assert page.url.endswith(post.get_absolute_url())  # still on the article
    page.locator("h1").tap()  # a tap elsewhere closes it
    assert tip.count() == 0
    term.tap()
    page.locator("#glossary-tip a").tap()
    page.wait_for_url("**/zh/glossary/**")
    assert "令牌" in page.locator("h1").inner_text()
    context.close()


def test_desktop_sidebar_from_993_px_marks_the_current_chapter(browser, live_server):
    long_talk()
    page = browser.new_page(viewport={"width": 993, "height": 800})
    page.goto(f"{live_server.url}/zh/posts/long-talk/")
    outline = page.locator(".outline")
    assert not page.locator(".outline-bar").is_visible()
    assert page.locator("#outline-list a").count() == CHAPTERS and page.locator("#outline-list").is_visible()
    body = page.locator(".post-body").bounding_box()
    assert outline.bounding_box()["x"] + outline.bounding_box()["width"] <= body["x"]  # beside the text
    page.evaluate("document.getElementById('第7章-讨论').scrollIntoView()")
    page.wait_for_function(
        "() => document.querySelector('#outline-list a[aria-current]')?.textContent.includes('第7章')"
    )
    box = outline.bounding_box()
    assert 0 <= box["y"] < 100 and page.locator("#outline-list a[aria-current]").is_visible()  # stays at hand
    page.set_viewport_size({"width": 992, "height": 800})
    assert page.locator(".outline-bar").is_visible()


def test_segmented_reading_modes_and_expand_all_originals(browser, live_server):
    long_talk()
    page = browser.new_page(viewport={"width": 1180, "height": 900})
    page.goto(f"{live_server.url}/zh/posts/long-talk/")
    modes = page.locator(".reading-modes a")
    assert modes.count() == 3
    heights = {round(modes.nth(i).bounding_box()["height"]) for i in range(3)}
    assert len(heights) == 1 and heights.pop() >= 30  # one control of equal segments, easy to hit
    current = page.locator(".reading-modes a[aria-current]")
    assert current.inner_text() == "中文"
    assert current.evaluate("e => getComputedStyle(e).backgroundColor") != modes.nth(1).evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    expand = page.locator("[data-expand-originals] button")
    assert expand.inner_text() == "展开全部原文"
    assert page.locator("details.original[open]").count() == 0
    expand.click()
    assert page.locator("details.original:not([open])").count() == 0
    expect(expand).to_have_text("收起全部原文")
    expect(expand).to_have_attribute("aria-pressed", "true")
    page.locator("details.original summary").first.click()  # folding one by hand: the button says so
    expect(expand).to_have_text("展开全部原文")
    page.goto(f"{live_server.url}/zh/posts/long-talk/?mode=original")
    assert not page.locator("[data-expand-originals]").is_visible()  # nothing to expand there


def test_a_passage_link_is_copied_and_finds_its_passage(browser, live_server):
    long_talk()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/zh/posts/long-talk/")
    passage = page.locator(".post-body > p").nth(20)
    anchor = passage.get_attribute("id")
    assert anchor.startswith("p-")
    passage.hover()
    passage.locator(".passage-link").click()
    page.locator("[role=status]", has_text="已复制链接").wait_for()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link.startswith(f"{live_server.url}/zh/posts/long-talk/#{anchor}:~:text=")

    for url in (link, f"{live_server.url}/zh/posts/long-talk/#{anchor}:~:text=no-longer-there"):
        other = context.new_page()
        other.goto(url)
        other.wait_for_function(
            # Chromium centres a text fragment's match; the fallback puts the passage at the top.
            f"() => {{ const top = document.getElementById('{anchor}').getBoundingClientRect().top;"
            " return top >= 0 && top < innerHeight * 0.6; }"
        )
        assert other.locator(f"#{anchor}").get_attribute("id") == anchor  # the same anchor on every load
        other.close()
    context.close()


def test_reading_position_bookmarks_and_history_stay_on_the_device(browser, live_server):
    long_talk()
    PostFactory(published=True, slug="second", title_zh_hans="第二篇")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requests_out = []
    page.on("request", lambda r: requests_out.append(r.url) if r.method != "GET" else None)
    page.goto(f"{live_server.url}/zh/posts/long-talk/")
    page.locator("[data-bookmark] button").click()
    assert page.locator("[data-bookmark] button").get_attribute("aria-pressed") == "true"
    target = page.locator(".post-body > p").nth(18)
    anchor = target.get_attribute("id")
    target.scroll_into_view_if_needed()
    page.evaluate(f"document.getElementById('{anchor}').scrollIntoView()")
    page.wait_for_function(
        f"() => (JSON.parse(localStorage.getItem('reader-positions')) || {{}})['/zh/posts/long-talk/']?.id === '{anchor}'"
    )

    page.goto(f"{live_server.url}/zh/posts/second/")
    page.goto(f"{live_server.url}/zh/posts/long-talk/")
    resume = page.locator(".resume button", has_text="从上次读到的地方继续")
    resume.click()
    page.wait_for_function(f"() => Math.abs(document.getElementById('{anchor}').getBoundingClientRect().top) < 100")

    page.goto(f"{live_server.url}/zh/reading/")
    bookmarks = page.locator("[data-list=bookmarks] li")
    assert bookmarks.count() == 1 and bookmarks.first.inner_text().startswith("一场长访谈")
    history = page.locator("[data-list=history] li a")
    assert [history.nth(i).inner_text() for i in range(history.count())] == ["一场长访谈", "第二篇"]
    page.locator("[data-list=history] button[data-clear]").click()
    assert page.locator("[data-list=history] li").count() == 0 and page.locator("[data-list=bookmarks] li").count() == 1
    assert requests_out == []  # nothing was sent anywhere


@pytest.mark.parametrize("theme", ["paper-light", "paper-dark", "steel-light", "steel-dark"])
def test_themes_style_every_control_and_paper_headings_are_serif(browser, live_server, theme):
    long_talk()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(f"localStorage.setItem('theme-preference', '{theme}')")
    page.goto(f"{live_server.url}/zh/posts/long-talk/")
    plate, text = page.evaluate(
        "[getComputedStyle(document.documentElement).getPropertyValue('--plate').trim(),"
        " getComputedStyle(document.documentElement).getPropertyValue('--text').trim()]"
    )
    for selector in ("[data-expand-originals] button", "[data-bookmark] button", ".reader-tools button"):
        colours = page.locator(selector).evaluate(
            "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
        )
        assert colours == [hex_to_rgb(plate), hex_to_rgb(text)], selector  # the theme's, not the browser's grey
    # The fonts Chromium actually drew the heading with (Latin and Chinese): serif faces in Paper, sans in Steel.
    page.evaluate("document.querySelector('h1').textContent = 'Reading Grove 林间拾穗'")
    fonts = rendered_fonts(page, "h1")
    assert fonts, "the heading was drawn with no font"
    serif = [name for name in fonts if "Serif" in name or "Song" in name]
    assert serif == (fonts if theme.startswith("paper") else []), fonts


def rendered_fonts(page, selector):
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return [font["familyName"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]


def hex_to_rgb(value):
    value = value.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(value[i : i + 2], 16) for i in (0, 2, 4)))


def test_an_original_left_empty_in_its_source_is_not_offered(browser, live_server):
    body = (
        "第一段。\n\n<details>\n<summary>Original English</summary>\n\n</details>\n\n第二段。\n\n"
        "<details>\n<summary>Original English</summary>\n\nSecond.\n\n</details>\n"
    )
    post = PostFactory(published=True, slug="empty-original", body_zh_hans=body)
    content.saved(post)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/zh/posts/empty-original/")
    originals = page.locator("details.original")
    assert originals.count() == 2
    assert [originals.nth(i).is_visible() for i in range(2)] == [False, True]
