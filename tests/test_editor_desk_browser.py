"""The editor's desk in a real browser, at a desktop's 1440 px and a small laptop's 1024 px:
the body edited as passages, the live preview of unsaved text, autosave and its restore, the
warning before leaving unsaved changes, and Ctrl+S.

Drives Debian's Chromium through Playwright; screenshots go to test-artifacts/.
"""

import os
import shutil
from pathlib import Path

import pytest

from editorial import content
from editorial.models import Autosave, Post

from .conftest import CHROMIUM
from .factories import PostFactory

# Screenshots for docs/editing.md: `make screenshots` sets DESK_SCREENSHOTS=docs/screenshots.
ARTIFACTS = Path(os.environ.get("DESK_SCREENSHOTS") or Path(__file__).resolve().parent.parent / "test-artifacts")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]

ORIGINAL = '<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">{}</p>\n</details>\n'
BODY = (
    "## 开场\n\n"
    "**主持人:** 欢迎来到节目。\n" + ORIGINAL.format("Welcome to the show.") + "\n"
    "**嘉宾:** 谢谢邀请。\n" + ORIGINAL.format("Thanks for having me.") + "\n"
    "这是编者的一段说明。\n"
)
WIDTHS = [1440, 1024]


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": request.param, "height": 900})
    page = context.new_page()
    page.width = request.param
    yield page
    context.close()


@pytest.fixture
def post():
    post = PostFactory(title_zh_hans="节目纪要", body_zh_hans=BODY, slug="show-notes")
    content.saved(post)
    return Post.objects.get(pk=post.pk)


def open_form(page, live_server, django_user_model, post):
    if not django_user_model.objects.filter(username="editor").exists():
        django_user_model.objects.create_superuser("editor", "", "correct horse battery")
        page.goto(f"{live_server.url}/admin/login/?next=/admin/editorial/post/{post.pk}/change/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", "correct horse battery")
        page.click("input[type=submit]")
    else:
        page.goto(f"{live_server.url}/admin/editorial/post/{post.pk}/change/")
    page.wait_for_selector(".body-desk .passage")
    return page.locator(".body-desk").first


def passage(desk, number):
    return desk.locator(".passage").nth(number - 1)


def body_in_form(page):
    return page.eval_on_selector("#id_body_zh_hans", "e => e.value")


def test_passages_show_each_paragraph_beside_its_original_and_save_what_was_typed(
    page, live_server, django_user_model, post
):
    desk = open_form(page, live_server, django_user_model, post)
    rows = desk.locator(".passage")
    assert rows.count() == 4  # the heading, two spoken paragraphs with originals, the note
    assert passage(desk, 1).locator(".passage-text").input_value() == "## 开场"
    second = passage(desk, 2)
    assert second.locator(".passage-speaker").input_value() == "主持人"
    assert second.locator(".passage-text").input_value() == "欢迎来到节目。"
    assert second.locator(".passage-original").input_value() == "Welcome to the show."
    assert not page.is_visible("#id_body_zh_hans")  # the raw Markdown is one tab away
    if page.width >= 1440:
        # Side by side on a wide screen: the original stands to the right of its Chinese.
        text_box = second.locator(".passage-text").bounding_box()
        original_box = second.locator(".passage-original").bounding_box()
        assert original_box["x"] > text_box["x"] + text_box["width"] - 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate(
        "() => window.scrollTo(0, document.querySelector('.body-desk').getBoundingClientRect().top + window.scrollY - 120)"
    )
    page.screenshot(path=ARTIFACTS / f"editor-passages-{page.width}.png")

    # Nothing typed: the body the form would save is the stored one, byte for byte.
    assert body_in_form(page) == BODY

    second.locator(".passage-text").fill("欢迎大家来到节目。")
    second.locator(".passage-original").fill("Welcome, everyone, to the show.")
    second.locator(".passage-speaker").fill("主播")
    # Keyboard: to the next passage, split it at the cursor, move the new passage up.
    second.locator(".passage-text").press("Alt+ArrowDown")
    third_text = passage(desk, 3).locator(".passage-text")
    assert third_text.evaluate("e => e === document.activeElement")
    third_text.evaluate("e => { e.focus(); e.setSelectionRange(2, 2); }")
    third_text.press("Alt+Enter")
    assert rows.count() == 5
    assert passage(desk, 3).locator(".passage-text").input_value() == "谢谢"
    assert passage(desk, 4).locator(".passage-text").input_value() == "邀请。"
    assert passage(desk, 4).locator(".passage-original").input_value() == "Thanks for having me."
    # The toolbar: merge them back, add a passage at the end with an original.
    passage(desk, 3).locator(".passage-text").focus()
    passage(desk, 3).locator('[data-tool="merge"]').click()
    assert rows.count() == 4
    assert passage(desk, 3).locator(".passage-text").input_value() == "谢谢邀请。"
    passage(desk, 4).locator(".passage-text").focus()
    passage(desk, 4).locator('[data-tool="add"]').click()
    assert rows.count() == 5
    passage(desk, 5).locator(".passage-text").fill("最后一句。")
    passage(desk, 5).locator('[data-tool="add_original"]').click()
    passage(desk, 5).locator(".passage-original").fill("The last line.")
    # Move the note above the last line, then delete the last line again.
    passage(desk, 4).locator(".passage-text").focus()
    passage(desk, 4).locator(".passage-text").press("Alt+Shift+ArrowDown")
    assert passage(desk, 4).locator(".passage-text").input_value() == "最后一句。"
    assert passage(desk, 5).locator(".passage-text").evaluate("e => e === document.activeElement")  # it moved
    passage(desk, 4).locator(".passage-text").focus()
    passage(desk, 4).locator('[data-tool="delete"]').click()
    assert rows.count() == 4

    expected = (
        "## 开场\n\n"
        "**主播:** 欢迎大家来到节目。\n" + ORIGINAL.format("Welcome, everyone, to the show.") + "\n"
        "**嘉宾:** 谢谢邀请。\n" + ORIGINAL.format("Thanks for having me.") + "\n"
        "这是编者的一段说明。\n\n"
    )
    assert body_in_form(page) == expected

    # The Markdown tab holds the same text; what is typed there comes back as passages.
    desk.locator('[data-tab="markdown"]').click()
    markdown = page.locator("#id_body_zh_hans")
    assert markdown.is_visible()
    markdown.fill(expected + "新加的一段。\n")
    desk.locator('[data-tab="passages"]').click()
    page.wait_for_function("() => document.querySelectorAll('.body-desk')[0].querySelectorAll('.passage').length === 5")
    assert passage(desk, 5).locator(".passage-text").input_value() == "新加的一段。"

    page.keyboard.press("Control+s")
    page.wait_for_selector(".messagelist .success")
    stored = Post.objects.get(pk=post.pk)
    assert stored.body_zh_hans == expected + "新加的一段。"  # the form strips the body's ends, as before
    assert "Welcome, everyone, to the show." in stored.body_html_zh_hans
    assert "主播" in stored.body_html_zh_hans


def test_live_preview_shows_the_unsaved_text_in_the_readers_page_in_each_mode(
    page, live_server, django_user_model, post
):
    desk = open_form(page, live_server, django_user_model, post)
    page.click(".desk-preview-toggle")
    frame = page.frame_locator(".desk-preview iframe")
    frame.locator("article.post h1").wait_for()
    assert frame.locator("article.post h1").inner_text() == "节目纪要"
    panel = page.locator(".desk-preview").bounding_box()
    form = page.locator("#post_form").bounding_box()
    assert form["x"] + form["width"] <= panel["x"] + 1  # beside the form, not over it

    passage(desk, 2).locator(".passage-text").fill("这句话还没有保存。")
    frame.locator(".post-body", has_text="这句话还没有保存。").wait_for()
    page.locator(".desk-choice", has_text="并排").click()
    frame.locator(".post-body.mode-both").wait_for()
    assert frame.locator("details.original[open]").count() == 2
    ARTIFACTS.mkdir(exist_ok=True)
    passage(desk, 2).locator(".passage-text").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / f"editor-preview-{page.width}.png")
    # The reader's own mode links switch the preview's mode, and stay in the preview.
    frame.locator(".reading-modes a", has_text="英文").click()  # this post's originals are English
    frame.locator(".post-body.mode-original").wait_for()
    assert frame.locator(".post-body", has_text="这句话还没有保存。").count() == 1
    page.locator(".desk-choice", has_text="英文页面").click()
    frame.locator("article.post[lang=en]").wait_for()

    stored = Post.objects.get(pk=post.pk)
    assert "这句话还没有保存" not in stored.body_zh_hans  # a preview saves nothing
    assert not page.locator(".errornote").count()


def test_autosave_keeps_typed_text_and_offers_it_back_and_leaving_asks_first(
    page, live_server, django_user_model, post
):
    desk = open_form(page, live_server, django_user_model, post)
    passage(desk, 3).locator(".passage-text").fill("谢谢邀请，很高兴来。")
    page.locator(".desk-status", has_text="自动保存").wait_for()
    kept = Autosave.objects.get(post=post)
    assert "谢谢邀请，很高兴来。" in kept.fields["body_zh_hans"][0]
    assert Post.objects.get(pk=post.pk).body_zh_hans == BODY  # kept aside, not saved over the post

    # Leaving asks first; staying keeps the page.
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.evaluate("() => { location.href = '/admin/'; }")
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert "/change/" in page.url

    # Coming back (accepting the warning) offers the autosave; restoring brings the text back.
    page.once("dialog", lambda dialog: dialog.accept())
    desk = open_form(page, live_server, django_user_model, post)
    banner = page.locator(".desk-autosave")
    banner.wait_for()
    assert passage(desk, 3).locator(".passage-text").input_value() == "谢谢邀请。"
    banner.locator("button", has_text="恢复").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.passage-text')].some(e => e.value === '谢谢邀请，很高兴来。')"
    )
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert "谢谢邀请，很高兴来。" in Post.objects.get(pk=post.pk).body_zh_hans
    assert not Autosave.objects.filter(post=post).exists()  # saved: nothing left to offer


def test_restoring_an_autosave_over_a_newer_version_is_refused_and_keeps_every_character(
    page, live_server, django_user_model, post
):
    desk = open_form(page, live_server, django_user_model, post)
    passage(desk, 4).locator(".passage-text").fill("我在旧版本上打的字。")
    page.locator(".desk-status", has_text="自动保存").wait_for()
    # Meanwhile someone else saves the post.
    other = Post.objects.get(pk=post.pk)
    other.title_zh_hans = "别人改过的标题"
    other.save()
    content.saved(other)

    page.once("dialog", lambda dialog: dialog.accept())
    desk = open_form(page, live_server, django_user_model, post)
    banner = page.locator(".desk-autosave.stale")
    banner.wait_for()
    banner.locator("button", has_text="恢复").click()
    page.wait_for_function("() => document.querySelector('#id_body_zh_hans').value.includes('我在旧版本上打的字。')")
    page.keyboard.press("Control+s")
    page.locator(".errornote").wait_for()
    assert "其他人已经保存过它" in page.locator(".errorlist.nonfield").inner_text()
    stored = Post.objects.get(pk=post.pk)
    assert stored.title_zh_hans == "别人改过的标题"  # the newer save stands
    assert "我在旧版本上打的字。" not in stored.body_zh_hans
    # Every typed character is still in the form, in its passages too.
    assert "我在旧版本上打的字。" in body_in_form(page)
    assert page.locator(".passage-text").evaluate_all("es => es.some(e => e.value === '我在旧版本上打的字。')")


def test_while_typing_the_editor_learns_that_someone_else_saved_the_post(page, live_server, django_user_model, post):
    desk = open_form(page, live_server, django_user_model, post)
    other = Post.objects.get(pk=post.pk)
    other.title_zh_hans = "同事改过的标题"
    other.save()
    content.saved(other)
    passage(desk, 2).locator(".passage-text").fill("我还在打字。")
    status = page.locator(".desk-status.failed")
    status.wait_for()
    assert "保存会被拒绝" in status.inner_text()


def test_a_passage_whose_original_changed_is_marked_until_its_chinese_is_edited(
    page, live_server, django_user_model, post
):
    import reversion

    from editorial.models import TranslationState

    with reversion.create_revision():  # as an import or the admin keeps it
        post.save()
    # A re-import corrects the first spoken original; its Chinese stays as it was.
    post.body_zh_hans = post.body_zh_hans.replace("Welcome to the show.", "Welcome, everyone, to the show.")
    with reversion.create_revision():
        post.save()
        content.saved(post)
    assert TranslationState.objects.get(post=post).stale_count == 1
    desk = open_form(page, live_server, django_user_model, post)
    stale = desk.locator(".passage.stale")
    assert stale.count() == 1
    assert stale.locator(".passage-text").input_value() == "欢迎来到节目。"
    assert page.locator(".word-diff ins", has_text="everyone").count() == 1
    stale.locator(".passage-text").fill("欢迎各位来到节目。")
    assert desk.locator(".passage.stale").count() == 0
