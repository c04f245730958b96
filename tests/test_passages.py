"""The body as passages (editorial/passages.py): what the passage editor shows and writes."""

import pytest

from editorial import frontmatter, originals, passages

ORIGINAL = '<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">{}</p>\n</details>\n'


def texts(split):
    return [(p["label"], p["text"], p["original"]["text"] if p["original"] else None) for p in split["passages"]]


def test_each_paragraph_stands_with_its_speaker_and_the_original_that_follows_it():
    body = (
        "## 开场\n\n"
        "**主持人:** 欢迎。\n" + ORIGINAL.format("Welcome.") + "\n"
        "**嘉宾：** 谢谢。\n" + ORIGINAL.format("Thanks.") + "\n"
        "编者按。\n"
    )
    split = passages.split(body)
    assert texts(split) == [
        ("", "## 开场", None),
        ("**主持人:** ", "欢迎。", "Welcome."),
        ("**嘉宾：** ", "谢谢。", "Thanks."),
        ("", "编者按。", None),
    ]
    assert [p["heading"] for p in split["passages"]] == [True, False, False, False]
    assert split["passages"][1]["original"]["lang"] == "en"
    assert passages.join(split) == body
    assert split["repairs"] == 0


def test_a_chinese_original_and_markdown_originals_keep_their_shape():
    body = (
        "Hello there.\n"
        "<details>\n<summary>Original Chinese</summary>\n\n你好。\n\n第二段。\n\n</details>\n\n"
        "Second paragraph.\n"
    )
    split = passages.split(body)
    assert texts(split) == [("", "Hello there.", "你好。\n\n第二段。"), ("", "Second paragraph.", None)]
    assert split["passages"][0]["original"]["lang"] == "zh"
    assert split["shape"]["head"] == "<details>\n<summary>Original Chinese</summary>\n\n"  # new originals alike
    assert passages.join(split) == body


def test_code_fences_headings_and_blank_runs_are_cut_only_where_a_reader_sees_a_break():
    body = "# 标题\n正文紧跟标题。\n\n```\n代码\n\n仍是代码\n```\n\n\n\n最后。"
    split = passages.split(body)
    assert [p["text"] for p in split["passages"]] == [
        "# 标题",
        "正文紧跟标题。",
        "```\n代码\n\n仍是代码\n```",
        "最后。",
    ]
    assert passages.join(split) == body


def test_an_original_with_no_chinese_before_it_and_two_originals_in_a_row_are_passages_of_their_own():
    body = ORIGINAL.format("First.") + ORIGINAL.format("Second.") + "\n中文。\n"
    split = passages.split(body)
    assert texts(split) == [("", "", "First."), ("", "", "Second."), ("", "中文。", None)]
    assert passages.join(split) == body


@pytest.mark.parametrize("body", ["", "\n\n", "只有一行", "\n\n前面有空行。\n\n\n", "  \n缩进的空白行\n  "])
def test_odd_whitespace_survives(body):
    assert passages.join(passages.split(body)) == body


def test_a_body_with_broken_blocks_is_shown_repaired_and_says_so():
    body = '中文。\n<details>\n<summary>Veiw/Hide Original English</summary>\n<p class="english-text">Hi.</p>\n</details>\n'
    split = passages.split(body)
    assert split["repairs"] == 1
    assert texts(split) == [("", "中文。", "Hi.")]
    assert passages.join(split) == originals.serialize(originals.parse(body).segments)


def test_every_real_body_in_the_corpus_comes_back_byte_for_byte(corpus):
    """As imported (canonical originals), every one of the 247 real notes splits and joins
    losslessly; bench/passages.py checks the whole site (8,865 files) the same way."""
    checked = 0
    for path in sorted(corpus.rglob("*.md")):
        try:
            document = frontmatter.read(path.read_bytes())
        except frontmatter.FileError:
            continue  # the corpus keeps a few files no import takes (REPORT.md section 7)
        _parsed, body = originals.normalize_parsed(document.body)
        split = passages.split(body)
        assert split["repairs"] == 0, path.name
        assert passages.join(split) == body, path.name
        checked += 1
    assert checked >= 240
