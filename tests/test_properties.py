"""Property-based tests (hypothesis) on the three readers of untrusted text.

The front-matter reader, the original-block splitter and the glossary extractor must never
crash, never lose text, and say clearly what they cannot read.
"""

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from editorial import frontmatter, glossary, originals

PROPERTIES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text as our users write it: Chinese, English, punctuation, Markdown and HTML's special characters.
prose = st.text(
    alphabet=st.one_of(
        st.sampled_from("令牌模型的是在中文。，：（）「」"),
        st.sampled_from("abcXYZ 019:-#*_[]()<>&'\"\\/|!?{}%@`~"),
        st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
    ),
    max_size=60,
)
scalar = st.one_of(prose, st.integers(), st.booleans(), st.none(), st.dates())
meta = st.dictionaries(
    st.from_regex(r"[a-z][a-z_]{0,15}", fullmatch=True), st.one_of(scalar, st.lists(prose, max_size=4)), max_size=8
)


@PROPERTIES
@given(st.binary(max_size=400))
@example(b"---\n: : :\n---\n")
@example(b"---\n- a\n---\nbody")
@example(b"---\n&a [*a]\n---\n")
@example(b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\n")
def test_front_matter_reader_reads_or_says_why_never_crashes(data):
    try:
        document = frontmatter.read(data)
    except frontmatter.FileError as error:
        assert error.message
        assert error.line is None or error.line >= 1
    else:
        assert isinstance(document.meta, dict)
        assert all(isinstance(key, str) for key in document.meta)


@PROPERTIES
@given(meta, prose)
def test_front_matter_written_then_read_loses_nothing(values, body):
    body = body.replace("\r", "").replace("\x00", "")
    text = frontmatter.write(values, body)
    document = frontmatter.read(text.encode())
    assert document.body == body
    expected = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}
    assert document.meta == expected


# Bodies made of the pieces real files are made of, broken ones included: every numbered
# word must survive the split, in order, whatever the markup around it.
PIECES = [
    "<details>",
    "</details>",
    "<summary>View/Hide Original English</summary>",
    "<summary>View/Hide Original English",
    "<summary>Original English Source</summary>",
    '<p class="english-text">',
    "<p>",
    "</p>",
    "<br>",
    "\n",
    "\n\n",
    "**主持人:** ",
    "### 标题",
    "> ",
    "`",
]


@st.composite
def bodies(draw):
    parts = draw(st.lists(st.one_of(st.sampled_from(PIECES), st.just("WORD")), max_size=40))
    words = iter(range(1000))
    return "".join(f"词{next(words)}word " if p == "WORD" else p for p in parts)


def numbered_words(text):
    return re.findall(r"词\d+word", text)


@PROPERTIES
@given(bodies())
@example("<details><summary>View/Hide Original English词0word ")  # found by hypothesis: the word was dropped
@example('中文段落。\n<details>\n<summary>View/Hide Original English\n<p class="english-text">Lost?</p>\n</details>\n')
def test_original_block_splitter_never_loses_a_word(body):
    parsed = originals.parse(body)
    assert numbered_words(originals.serialize(parsed.segments)) == numbered_words(body)
    assert all(repair.line >= 1 for repair in parsed.repairs)


@PROPERTIES
@given(st.lists(st.one_of(prose.filter(lambda t: "<" not in t and "\n" not in t), st.just(None)), max_size=6))
def test_canonical_bodies_split_and_join_unchanged(paragraphs):
    segments = []
    for text in paragraphs:
        if text is None or not text.strip():
            segments.append(originals.Original(text="The original sentence."))
        else:
            segments.append(f"{text.strip()}\n")
    body = originals.serialize(segments)
    assert originals.serialize(originals.parse(body).segments) == body


@PROPERTIES
@given(
    st.lists(
        st.one_of(prose, st.sampled_from(["**令牌**（Token: 最小单位）", "**", "（", "）", "：", "\n"])), max_size=20
    )
)
def test_glossary_extractor_never_crashes_and_finds_only_what_is_written(parts):
    body = "".join(parts)
    for annotation in glossary.extract(body):
        assert annotation.term and annotation.term in body
        assert annotation.raw in body
