"""The reading site on every screen (#16): six widths × four themes × both languages, in Debian's
Chromium. Every kind of page: no sideways scroll and zero serious or critical axe-core violations;
on a post: the chapter bar (or sidebar) never covers the heading it jumps to, a glossary term opens
its popover on tap, and the English edition's language and main text.

Set READING_SCREENSHOTS to a folder (``make screenshots`` uses docs/screenshots) to keep a picture
of each kind of page at phone and desktop width in Paper light.
"""

import os
import shutil
from pathlib import Path

import pytest

from editorial.models import GlossaryEntry

from .conftest import CHROMIUM
from .factories import PostFactory
from .test_reading_browser import long_talk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]

WIDTHS = (320, 390, 768, 993, 1180, 1440)
THEMES = ("paper-light", "paper-dark", "steel-light", "steel-dark")
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = os.environ.get("READING_SCREENSHOTS")


def pages(language, entry):
    return {
        "home": f"/{language}/",
        "post": f"/{language}/posts/long-talk/",
        "glossary": f"/{language}/glossary/",
        "glossary-entry": f"/{language}/glossary/{entry}/",
        "search": f"/{language}/search/?q=%E6%A8%A1%E5%9E%8B",
        "reading": f"/{language}/reading/",
    }


def serious_violations(page):
    """axe-core's serious and critical findings. The script goes in through the DevTools protocol,
    which the page's Content Security Policy does not govern, so the policy under test stays on."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    found = page.evaluate("() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def overflow(page):
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("theme", THEMES)
def test_every_page_at_every_width(browser, live_server, theme, language):
    long_talk()
    PostFactory(published=True, slug="english", title_zh_hans="英文写成", title_en="Written in English")
    GlossaryEntry.objects.filter(term="令牌").update(featured=True)  # in the index with one post
    entry = GlossaryEntry.objects.get(term="令牌").slug
    context = browser.new_context(has_touch=True, viewport={"width": WIDTHS[0], "height": 844})
    context.add_init_script(f"localStorage.setItem('theme-preference', '{theme}')")
    page = context.new_page()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844 if width < 993 else 900})
        for name, path in pages(language, entry).items():
            page.goto(live_server.url + path)
            where = f"{name} at {width} px in {theme}, {language}"
            assert page.evaluate("() => document.documentElement.dataset.theme") == theme, where
            assert page.locator("html").get_attribute("lang") == ("zh-Hans" if language == "zh" else "en"), where
            assert overflow(page) <= 0, f"{where} scrolls sideways"
            if name == "post":  # the wide table and the code block scroll in their own box
                assert page.locator(".table-scroll[tabindex='0'] table").count() == 1, where
                assert page.locator("pre[tabindex='0']").count() == 1, where
            assert serious_violations(page) == [], where
            if SCREENSHOTS and theme == "paper-light" and width in (390, 1440):
                Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=Path(SCREENSHOTS) / f"{name}-{language}-{width}.png")
        page.goto(f"{live_server.url}/{language}/posts/long-talk/")
        english_edition_reads_english(page, language)
        chapter_jump_leaves_the_heading_in_view(page, width)
        page.goto(f"{live_server.url}/{language}/posts/long-talk/?mode=zh")  # where the term is in the text
        glossary_term_opens_on_tap(page, width)
        context.clear_cookies()  # the next width starts from the edition's own default mode
    context.close()


def chapter_jump_leaves_the_heading_in_view(page, width):
    bar = page.locator(".outline-bar")
    if width < 993:
        assert bar.is_visible() and bar.bounding_box()["height"] <= 50, width  # one row mid-article
        bar.tap()
        page.locator("#outline-list a").nth(8).tap()
        assert not page.locator("#outline-list").is_visible(), width  # the panel closed after the jump
    else:
        assert not bar.is_visible(), width
        page.locator("#outline-list a").nth(8).click()
    page.wait_for_function("() => location.hash.length > 1")
    page.wait_for_timeout(100)  # the jump's smooth scroll, if any, settles
    heading = page.evaluate(
        "() => document.getElementById(decodeURIComponent(location.hash.slice(1))).getBoundingClientRect().top"
    )
    covered_to = page.evaluate(
        "() => { const n = document.querySelector('.outline'); const r = n.getBoundingClientRect();"
        " return getComputedStyle(n).position === 'sticky' && r.top <= 0 ? r.bottom : 0; }"
    )
    if width < 993:
        covered_to = max(covered_to, bar.bounding_box()["y"] + bar.bounding_box()["height"])
    assert covered_to - 1 <= heading < page.viewport_size["height"] / 2, (width, heading, covered_to)


def glossary_term_opens_on_tap(page, width):
    url = page.url
    term = page.locator("dfn.glossary-term a").first
    term.scroll_into_view_if_needed()
    term.tap()
    tip = page.locator("#glossary-tip")
    tip.wait_for(state="visible")
    assert page.url == url, width  # still on the article
    box = tip.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, width  # the popover fits the screen
    page.keyboard.press("Escape")


def english_edition_reads_english(page, language):
    article = page.locator("article.post")
    if language == "zh":
        assert article.get_attribute("lang") == "zh-Hans"
        assert page.get_by_text("第1章第1段").first.is_visible()
        return
    assert article.get_attribute("lang") == "en"
    first = page.locator(".post-body details.original").first
    assert first.get_attribute("lang") == "en" and first.is_visible()
    assert "Chapter 1, paragraph 1." in first.inner_text()
    assert not page.get_by_text("第1章第1段").first.is_visible()  # the Chinese is one tap away, not the text
    assert page.locator(".reading-modes a[aria-current]").inner_text() == "English"
