"""#15 point 4: each item's translation state — originals without Chinese, the English title and
summary, and originals changed (by a re-import or an edit) since their Chinese was last edited,
with a word diff and the Chinese kept."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from editorial import content, translation_state
from editorial.models import Post, TranslationState

from .factories import PostFactory, post_form_data

pytestmark = pytest.mark.django_db

ORIGINAL = '<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">{}</p>\n</details>\n'


def note(*pairs, title="访谈"):
    body = "".join((f"{chinese}\n" if chinese else "") + ORIGINAL.format(english) + "\n" for chinese, english in pairs)
    return f"---\ntitle: {title}\n---\n{body}"


def import_file(folder, text):
    (folder / "talk.md").write_text(text, encoding="utf-8")
    call_command("import_markdown", str(folder), stdout=io.StringIO())
    return Post.objects.get(slug="talk")


def test_an_item_knows_which_originals_lack_their_chinese_and_whether_its_english_exists(tmp_path):
    post = import_file(
        tmp_path, note(("**主持人:** 欢迎。", "Welcome."), ("", "Untranslated line."), ("谢谢。", "Thanks."))
    )
    state = post.translation_state
    assert (state.originals, state.missing, state.stale_count) == (3, 1, 0)
    assert (state.english_title, state.english_summary) == (False, False)
    post.title_en, post.summary_en = "Interview", "A talk."
    post.save()
    content.saved(post)
    state.refresh_from_db()
    assert (state.english_title, state.english_summary) == (True, True)


def test_a_reimport_that_changes_an_original_marks_its_passage_stale_with_a_word_diff(tmp_path):
    import_file(tmp_path, note(("欢迎。", "Welcome to the show."), ("谢谢。", "Thanks for having me.")))
    # The pipeline corrects one original and adds a passage before it; the Chinese stays.
    post = import_file(
        tmp_path,
        note(
            ("开场白。", "Opening."), ("欢迎。", "Welcome, everyone, to the show."), ("谢谢。", "Thanks for having me.")
        ),
    )
    state = TranslationState.objects.get(post=post)
    assert state.stale_count == 1
    (entry,) = state.stale
    assert entry["text"] == "欢迎。"  # the Chinese made from the earlier original, kept
    assert entry["old"] == "Welcome to the show."
    assert entry["new"] == "Welcome, everyone, to the show."
    diff = translation_state.word_diff(entry["old"], entry["new"])
    assert ("+", ", everyone,") in diff or any(op == "+" and "everyone" in text for op, text in diff)
    assert not any(op == "-" and "Welcome" in text for op, text in diff)

    # Changed again before anyone looked: the diff still starts from the original the Chinese was made from.
    post = import_file(
        tmp_path, note(("开场白。", "Opening."), ("欢迎。", "Welcome, all."), ("谢谢。", "Thanks for having me."))
    )
    (entry,) = TranslationState.objects.get(post=post).stale
    assert (entry["old"], entry["new"]) == ("Welcome to the show.", "Welcome, all.")


def test_editing_the_chinese_or_marking_it_checked_ends_the_staleness(client, editor, tmp_path):
    import_file(tmp_path, note(("欢迎。", "Welcome."), ("谢谢。", "Thanks.")))
    post = import_file(tmp_path, note(("欢迎。", "Welcome back."), ("谢谢。", "Thank you.")))
    assert TranslationState.objects.get(post=post).stale_count == 2

    page = client.get(reverse("admin:editorial_post_change", args=[post.pk])).content.decode()
    assert "<del>" in page and "<ins>" in page and "back" in page
    assert page.count('class="passage stale"') == 0  # drawn by the browser; the data says which:
    assert '"stale":true' in page

    # The editor rewrites one Chinese passage and saves: that one is no longer stale.
    body = post.body_zh_hans.replace("欢迎。", "欢迎回来。")
    client.post(reverse("admin:editorial_post_change", args=[post.pk]), post_form_data(post, body_zh_hans=body))
    state = TranslationState.objects.get(post=post)
    assert [entry["text"] for entry in state.stale] == ["谢谢。"]
    # … and says the other is still right.
    client.post(reverse("admin:editorial_post_checked", args=[post.pk]), {"chinese": state.stale[0]["chinese"]})
    assert TranslationState.objects.get(post=post).stale_count == 0


def test_the_post_list_lists_items_by_translation_state(client, editor, tmp_path):
    import_file(tmp_path, note(("欢迎。", "Welcome.")))
    stale = import_file(tmp_path, note(("欢迎。", "Welcome back.")))
    done = PostFactory(
        title_zh_hans="译完", title_en="Done", summary_en="Done.", body_zh_hans="中文。\n" + ORIGINAL.format("English.")
    )
    content.saved(done)
    changelist = reverse("admin:editorial_post_changelist")
    page = client.get(changelist, {"translation": "stale"}).content.decode()
    assert stale.title_zh_hans in page and "译完" not in page
    assert "1 处原文已更改" in page
    complete = client.get(changelist, {"translation": "complete"}).content.decode()
    assert "译完" in complete and stale.title_zh_hans not in complete


def test_word_diff_reads_chinese_by_character():
    assert translation_state.word_diff("美联储降息", "美联储加息") == [
        ("=", "美联储"),
        ("-", "降"),
        ("+", "加"),
        ("=", "息"),
    ]
