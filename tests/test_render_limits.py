"""Bodies shaped to make the renderer or the glossary scan slow or deep (#18 point 2) render,
with every character the author typed, while real bodies render exactly as before.
The time each shape takes is measured by bench/render_limits.py, not here."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editorial import glossary, markdown_limits, rendering

from .conftest import SAMPLES


def text_of(html):
    return re.sub(r"<[^>]+>", "", html).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")


def test_unmatched_brackets_are_escaped_and_still_shown():
    body = "[" * 15000
    assert markdown_limits.bounded(body) == "\\[" * 15000
    assert text_of(rendering.render(body).html).count("[") == 15000


def test_brackets_nested_beyond_eight_are_escaped_with_their_closers():
    body = "[" * 4000 + "]" * 4000
    bounded = markdown_limits.bounded(body)
    assert bounded.count("\\[") == bounded.count("\\]") == 4000 - markdown_limits.MAX_BRACKET_DEPTH
    shown = text_of(rendering.render(body).html)
    assert shown.count("[") == shown.count("]") == 4000


def test_real_links_and_a_stray_bracket_are_left_alone():
    body = "见 [这篇文章](https://example.com/a) 和 [[双括号]]，还有一个 [ 没有闭合。"
    assert markdown_limits.bounded(body) == body
    html = rendering.render(body).html
    assert re.search(r'<a href="https://example.com/a"[^>]*>这篇文章</a>', html) and "[[双括号]]" in html


def test_list_markers_thirty_three_deep_become_text_instead_of_a_recursion_error():
    body = "- " * 5000 + "x"
    html = rendering.render(body).html  # raised RecursionError (a 500 on save) before
    assert html.count("<ul>") == markdown_limits.MAX_MARKERS
    assert "x" in text_of(html)


def test_a_huge_dense_paragraph_is_cut_into_paragraphs_keeping_every_line():
    body = ">> x\n" * 200_000
    bounded = markdown_limits.bounded(rendering._SPEAKER_CHANGE.sub(r"\\\1", body))
    pieces = bounded.split("\n\n")
    assert len(pieces) > 100 and all(len(p) <= markdown_limits.PIECE for p in pieces)
    assert bounded.replace("\n\n", "\n").count(">> x") == 200_000
    html = rendering.render(body).html
    assert text_of(html).count(">> x") == 200_000


def test_every_sample_body_is_left_as_it_is():
    for path in SAMPLES.glob("*.md"):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        assert markdown_limits.bounded(body) == body, path.name


def _closer_by_scanning(line, start):
    """The reference: scan forward from ``start`` counting depth (the old, quadratic way)."""
    depth = 0
    for i in range(start, len(line)):
        if line[i] in "（(":
            depth += 1
        elif line[i] in "）)":
            depth -= 1
            if depth == 0:
                return i
    return None


@given(st.text(alphabet="（()）a", max_size=60))
def test_the_glossarys_bracket_matching_agrees_with_scanning(line):
    closers = glossary._Closers(line)
    for start, char in enumerate(line):
        if char in "（(":
            assert closers.find(start) == _closer_by_scanning(line, start)


def test_a_long_line_of_open_definitions_yields_nothing_and_ends():
    assert glossary.extract("**a**（" * 8000) == []  # 47 s when each bracket scanned the rest
    found = glossary.extract("**令牌**（Token: 最小单位）" * 300)
    assert len(found) == 300 and found[0].term == "令牌"


@pytest.mark.parametrize("body", ["[" * 50, "[" * 20 + "]" * 20, "（" * 50 + "[a](b" * 40])
def test_what_is_escaped_reads_the_same(body):
    assert text_of(rendering.render(body).html).replace("\n", "").replace(" ", "") == body.replace(" ", "")
