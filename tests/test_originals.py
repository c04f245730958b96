"""The original-language block parser: canonical shapes survive byte for byte, broken ones are repaired."""

import re

import pytest

from editorial import originals
from editorial.originals import Original

CANONICAL_A = (
    "**Host:** 大家好。\n"
    "<details>\n"
    "<summary>View/Hide Original English</summary>\n"
    '<p class="english-text">Hello everyone.</p>\n'
    "</details>\n"
    "\n"
    "第二段。\n"
    "<details>\n"
    "<summary>View/Hide Original English</summary>\n"
    '<p class="english-text">Second &amp; last.<br>Really.</p>\n'
    "</details>"
)


def codes(text):
    return [r.code for r in originals.parse(text).repairs]


def test_canonical_body_round_trips_byte_for_byte():
    parsed = originals.parse(CANONICAL_A)
    assert parsed.repairs == []
    assert [o.text for o in parsed.originals] == ["Hello everyone.", "Second &amp; last.<br>Really."]
    assert parsed.chinese == "**Host:** 大家好。\n\n第二段。\n"
    assert originals.serialize(parsed.segments) == CANONICAL_A


@pytest.mark.parametrize(
    "body, lang, style",
    [
        (
            "中文。\n\n<details>\n<summary>Original English</summary>\n\n**Host**: Hello.\n\nMore.\n\n</details>\n",
            "en",
            "md",
        ),
        (
            "中文。\n\n<details>\n<summary>Original English Source</summary>\n\nLine one.\nLine two.\n\n</details>\n",
            "en",
            "source",
        ),
        (
            "中文。\n\n<details>\n<summary>View/Hide Original Text</summary>\n<p>原话一<br>原话二</p>\n</details>\n",
            "und",
            "p",
        ),
        (
            '中文。\n\n<details>\n<summary>View/Hide Original Chinese</summary>\n<p class="english-text">原话</p>\n</details>\n',
            "zh",
            "p",
        ),
    ],
)
def test_newer_shapes_are_recognised_and_kept(body, lang, style):
    parsed = originals.parse(body)
    assert parsed.repairs == []
    (original,) = parsed.originals
    assert (original.lang, original.style) == (lang, style)
    assert originals.serialize(parsed.segments) == body


def test_markdown_original_keeps_its_blank_lines():
    body = "中文。\n\n<details>\n<summary>Original English</summary>\n\nOne.\n\nTwo.\n\n</details>\n\n后文。\n"
    parsed = originals.parse(body)
    assert parsed.originals[0].text == "One.\n\nTwo."
    assert parsed.chinese == "中文。\n\n\n后文。\n"


BROKEN = [
    # (name, body, expected repair codes, expected original texts, Chinese text that must stay Chinese)
    (
        "summary closed by </p>",
        '甲。\n<details>\n<summary>View/Hide Original English</p>\n<p class="english-text">A.</p>\n</details>\n乙。\n',
        ["summary-close"],
        ["A."],
        "乙。",
    ),
    (
        "misspelled label",
        '甲。\n<details>\n<summary>Veiw/Hide Original English</summary>\n<p class="english-text">A.</p>\n</details>\n',
        ["summary-label"],
        ["A."],
        "甲。",
    ),
    (
        "mangled close before a heading",
        '甲。\n<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">A.</p>\n'
        "</detais>\n\n### 标题\n\n乙。\n",
        ["close-tag"],
        ["A."],
        "### 标题",
    ),
    (
        "stray tag before the real close",
        '<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">A.</p>\n</text>\n</details>\n乙。\n',
        ["stray-tag"],
        ["A."],
        "乙。",
    ),
    (
        "never closed, Chinese follows after a blank line",
        '<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">A.</p>\n\n乙。\n\n丙。\n',
        ["unclosed"],
        ["A."],
        "乙。",
    ),
    (
        "whole block on one line",
        '甲。\n\n<details> <summary>View/Hide Original English</summary> <p class="english-text">A.</p> </details>\n',
        ["one-line"],
        ["A."],
        "甲。",
    ),
    (
        "opening tag without >",
        '甲。\n<details\n<summary>View/Hide Original English</summary>\n<p class="english-text">A.</p>\n</details>\n',
        ["open-tag"],
        ["A."],
        "甲。",
    ),
    (
        "paragraph class variant",
        '<details>\n<summary>View/Hide Original English</summary>\n<p class="p-english-text">A.</p>\n</details>\n',
        ["p-class"],
        ["A."],
        "",
    ),
    (
        "English paragraph left outside after an early close",
        "甲。\n<details>\n<summary>View/Hide Original English</p>\n</details>\n"
        '<p class="english-text">A.</p>\n</details>\n\n乙。\n',
        ["summary-close", "orphan-p"],
        ["A."],
        "乙。",
    ),
    (
        "Chinese text pasted into a garbled close",
        '<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">A.</p>\n</所有算法都信手拈来。\n',
        ["close-spill"],
        ["A."],
        "所有算法都信手拈来。",
    ),
    (
        "Chinese text pasted into the summary line",
        '<details>\n<summary>View/Hide Original English</任何协调一致的回应。\n<p class="english-text">A.</p>\n</details>\n',
        ["summary-spill"],
        ["A."],
        "任何协调一致的回应。",
    ),
    (
        "a broken block that holds the Chinese paragraph",
        '<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">这是一段中文翻译，被放错了地方。\n'
        '<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">A.</p>\n</details>\n',
        ["unclosed", "chinese-in-block"],
        ["A."],
        "这是一段中文翻译，被放错了地方。",
    ),
    (
        "truncated at the end of the file",
        '甲。\n<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">I was short, I went I',
        ["p-close", "unclosed"],
        ["I was short, I went I"],
        "甲。",
    ),
]


@pytest.mark.parametrize("name, body, expected_codes, texts, chinese", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_blocks_are_repaired_without_losing_text(name, body, expected_codes, texts, chinese):
    parsed = originals.parse(body)
    assert sorted(set(codes(body))) == sorted(set(expected_codes))
    assert [o.text for o in parsed.originals] == texts
    assert chinese in parsed.chinese
    for text in texts:
        assert text not in parsed.chinese
    # The repaired body is canonical: parsing it again needs no repair and changes nothing.
    out = originals.serialize(parsed.segments)
    again = originals.parse(out)
    assert again.repairs == []
    assert originals.serialize(again.segments) == out


def test_repairs_name_the_line():
    body = "甲。\n\n乙。\n<details>\n<summary>Veiw/Hide Original English</summary>\n"
    body += '<p class="english-text">A.</p>\n</details>\n'
    (repair,) = originals.parse(body).repairs
    assert repair.line == 5
    assert "line 5" in str(repair)


def test_an_english_paragraph_alone_becomes_a_block_of_its_own():
    parsed = originals.parse('甲。\n<p class="english-text">A.</p>\n\n乙。\n')
    assert [o.text for o in parsed.originals] == ["A."]
    assert "乙。" in parsed.chinese


def test_body_without_blocks_is_untouched():
    body = "### 标题\n\n只有中文。\n\n> 引用\n"
    parsed = originals.parse(body)
    assert parsed.segments == [body]
    assert originals.serialize(parsed.segments) == body


def test_to_markdown_writes_the_canonical_shape():
    assert Original("Hi.", "en", "p").to_markdown() == (
        '<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">Hi.</p>\n</details>\n'
    )
    assert Original("Hi.", "en", "md", trailing_newline=False).to_markdown() == (
        "<details>\n<summary>Original English</summary>\n\nHi.\n\n</details>"
    )


# --- on the real corpus ----------------------------------------------------------------------

WRAPPER = re.compile(r"</?(details|summary|p)\b[^>]*>|<details\b|</summary\b|</[A-Za-z]+>|(?m:^</)", re.I)
SUMMARY_TEXT = re.compile(r"<summary>([^<\n]*)", re.I)


def words(body):
    """The words of a body, with block wrappers and their labels taken out."""

    def label(m):
        return " " if originals.classify_label(m.group(1)) is not None else " " + m.group(1)

    return WRAPPER.sub(" ", SUMMARY_TEXT.sub(label, body)).split()


def test_every_corpus_body_keeps_every_word_in_order(corpus):
    files = sorted(corpus.glob("*/*.md"))
    assert len(files) >= 240
    for path in files:
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        parsed = originals.parse(body)
        out = originals.serialize(parsed.segments)
        assert words(out) == words(body), path.name
        again = originals.parse(out)
        assert again.repairs == [], (path.name, [str(r) for r in again.repairs[:3]])
        assert originals.serialize(again.segments) == out, path.name


# -- repairs never lose or invent a word (the whole site's shapes; our own words) --------

from editorial import rendering, wordcheck  # noqa: E402

LONG_ENGLISH = (
    "Margo**: Yeah, it is great. But it costs four hundred dollars, and then you are thinking about "
    "the grinder as well, which is also expensive, so there are a couple of ways to save money"
)
REPAIR_CASES = {
    "an English paragraph written on the summary line": (
        f"**玛戈**: 是的，很棒。\n\n<details>\n<summary>{LONG_ENGLISH}</summary>\n\n</details>\n\n**罗西**: 别去。\n"
    ),
    "an English paragraph on an unclosed summary line": (
        f"**玛戈**: 是的，很棒。\n\n<details>\n<summary>{LONG_ENGLISH}\n\n</details>\n\n**罗西**: 别去。\n"
    ),
    "a translator's remark before the label": (
        "**瑞安**: 有什么议论？\n\n<details>\n<summary>My note**: The transcript says chatter, so I gave this to "
        "Ryan.**Original English</summary>\n\n**Ryan**: What is the chatter?\n\n</details>\n"
    ),
    "</source> closing the summary": "中文。\n\n<details>\n<summary>Original English</source>\n\nHello there.\n\n</details>\n",
    "</summary_> closing the summary": "中文。\n\n<details>\n<summary>Original English</summary_>\n\nHello there.\n\n</details>\n",
    "</summary_tag> closing the summary": (
        "中文。\n\n<details>\n<summary>Original English</summary_tag>\n\nHello there.\n\n</details>\n"
    ),
    "</summary; closing the summary": "中文。\n\n<details>\n<summary>Original English</summary;\n\nHello there.\n\n</details>\n",
    "</details> closing the summary": (
        "中文。\n\n<details>\n<summary>Original English</details>\n\nHello there.\n\n</details>\n\n后面的中文。\n"
    ),
    "a details tag with attributes": (
        '中文。\n\n<details style="display:none;">\n<summary>Padding for the count</summary>\nsome words here\n'
        "</details>\n\n后面。\n"
    ),
    "</details] as the close": "中文。\n\n<details>\n<summary>Original English</summary>\n\nBelieve it.\n\n</details]\n\n后面。\n",
    "</details at the end of the file": "中文。\n\n<details>\n<summary>Original English</summary>\n\nGet her up\n\n</details",
    "tag debris before the close": "中文。\n\n<details>\n<summary>Original English</summary>\n\nOne-sided.\n\n</</details>\n\n后面。\n",
    "transcript lines that look like link definitions": "[Speaker 1]: 大家好，继续骑行\n[Speaker 0]: 一边听广播，\n",
    "a one-line block with two summaries keeps its order": (
        "<details><summary>View/Hide Original English</summary>词0word <summary>View/Hide Original English</summary>词1word "
    ),
    "Chinese pasted over a garbled summary close stays before the original": (
        '<details>\n<summary>View/Hide Original English</所有不同的算法都在这里\n<p class="english-text">All the '
        "algorithms.</p>\n</details>\n"
    ),
}
SCRAPS = ("source>", "details>", "summary_>", "summary_tag>", "display:none", "</", "details]")


@pytest.mark.parametrize("body", REPAIR_CASES.values(), ids=REPAIR_CASES.keys())
def test_a_repair_keeps_every_word_in_order_and_adds_none(body):
    parsed, canonical = originals.normalize_parsed(body)
    html = rendering.render(canonical).html
    assert wordcheck.compare(body, html).same, wordcheck.compare(body, html)
    visible = re.sub(r"<[^>]*>", " ", html)
    assert not [s for s in SCRAPS if s in visible.replace("&lt;", "<").replace("&gt;", ">")], visible
    # the repaired body is stable: parsing it again repairs nothing
    assert originals.parse(canonical).repairs == []


def test_english_on_the_summary_line_is_the_original_not_a_label():
    parsed = originals.parse(REPAIR_CASES["an English paragraph written on the summary line"])
    (original,) = parsed.originals
    assert original.text.startswith("Margo**: Yeah, it is great.")
    assert original.label == "View/Hide Original English" or original.label == "Original English"


def test_the_remark_before_a_label_opens_the_original():
    (original,) = originals.parse(REPAIR_CASES["a translator's remark before the label"]).originals
    assert original.label == "Original English"
    assert original.text.startswith("My note**: The transcript says chatter")
    assert original.text.endswith("**Ryan**: What is the chatter?")


def test_a_summary_on_the_details_line_with_the_text_below_is_one_original():
    # About 100 notes of the real site: the English went out of its block and into the Chinese text.
    body = (
        "段落。\n\n<details><summary>Original English Source</summary>\nI believe this is it.\n"
        "And it goes on.\n</details>\n\n### 下一节\n"
    )
    parsed = originals.parse(body)
    (original,) = parsed.originals
    assert (original.lang, original.text) == ("en", "I believe this is it.\nAnd it goes on.")
    assert "I believe" not in parsed.chinese
    html = rendering.render_body(body)
    assert re.search(
        r'<details class="original"[^>]*lang="en"><summary>[^<]*</summary><div class="original-text"><p>I believe', html
    )
    assert html.count("I believe") == 1
