"""What only a real browser shows: the admin's Chinese/English tabs actually switch.

Drives Debian's Chromium through Playwright (never a downloaded browser). Screenshots
go to test-artifacts/.
"""

import os
import shutil
from pathlib import Path

import pytest

from editorial.models import Post

from .factories import PostFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


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
    from editorial import glossary_sync

    post = PostFactory(published=True, slug="tokens", body_zh_hans="我们说**令牌**（Token: 文本的最小单位）。")
    glossary_sync.sync_post(post)
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
