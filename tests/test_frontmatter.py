"""Reading and writing the site's file format; every bad input gets a clear message and a line."""

import datetime

import pytest
import yaml

from editorial import frontmatter
from editorial.frontmatter import FileError

GOOD = b"---\ntitle: \xe6\xa0\x87\xe9\xa2\x98\ndate: '2025-01-02'\ntags:\n- a\n---\n### Body\n"


def test_reads_front_matter_and_body():
    doc = frontmatter.read(GOOD)
    assert doc.meta == {"title": "标题", "date": "2025-01-02", "tags": ["a"]}
    assert doc.body == "### Body\n"
    assert doc.body_line == 7


def test_body_may_contain_horizontal_rules():
    doc = frontmatter.read(b"---\ntitle: t\n---\nA\n\n---\n\nB")
    assert doc.body == "A\n\n---\n\nB"


def test_bom_and_crlf_are_accepted_and_noted():
    doc = frontmatter.read(b"\xef\xbb\xbf" + GOOD.replace(b"\n", b"\r\n"))
    assert doc.meta["title"] == "标题"
    assert doc.body == "### Body\n"
    assert doc.notes == ["removed a byte-order mark", "converted CRLF line endings to LF"]


@pytest.mark.parametrize(
    "data, message, line",
    [
        (b"", "file is empty", None),
        (b"  \n\n", "file is empty", None),
        (b"# Just markdown\n", "no front matter", 1),
        (b"---\ntitle: t\nno end\n", "not closed", 1),
        (b"---\ntitle: t\ntags: [a, b\n---\nbody", "not valid YAML", 4),
        (b"---\ntitle: t\n  bad: indent\n---\nbody", "not valid YAML", 3),
        (b"---\ntitle: a\ndate: '2025-01-01'\ntitle: b\n---\nbody", "duplicate key 'title'", 4),
        (b"---\ntitle: t\n---\nok\n\xff\xfe broken\n", "not UTF-8", 5),
        (b"---\n- a\n- b\n---\nbody", "must be a mapping", 2),
        (b"---\ntitle: t\n---\nnul\x00here", "NUL", 4),
        # #18 point 5: values YAML parses but cannot build, each on its own line
        (b"---\ntitle: t\ndate: 2025-02-29\n---\nbody", "'2025-02-29' is not a real date", 3),
        (b"---\ntitle: t\ndate: 2024-13-01\n---\nbody", "'2024-13-01' is not a real date", 3),
        (b"---\ntitle: t\nn: 1\ncount: !!int abc\n---\nbody", "'abc' cannot be read as int", 4),
        (b"---\ntitle: t\n? {a: 1}\n: x\n---\nbody", "a dict is used as a key", 3),
        (b"---\ntitle: t\ntags:\n  ? [a, b]\n  : x\n---\nbody", "a list is used as a key", 4),
        (b"---\ntitle: t\nx: " + b"[" * 5000 + b"]" * 5000 + b"\n---\nbody", "more than 64 deep", 3),
        (b"---\ntitle: t\nx: " + b"{a: " * 5000 + b"1" + b"}" * 5000 + b"\n---\nbody", "more than 64 deep", 3),
        # 30,000 opening brackets crashed the process inside libyaml's composer
        (b"---\ntitle: t\nx: " + b"[" * 300_000 + b"\n---\nbody", "more than 64 deep", 3),
        (b"---\ntitle: t\nx:\n" + b"- " * 30_000 + b"x\n---\nbody", "more than 64 deep", 4),
        (b"---\ntitle: t\na: &a [1, *a]\n---\nbody", "refers to the list or mapping that holds it", 3),
        # the first line of a duplicate is the file's own line
        (b"---\ntitle: a\ndate: '2025-01-01'\ntitle: b\n---\nbody", "(first on line 2)", 4),
    ],
)
def test_bad_files_get_a_clear_message_and_line(data, message, line):
    with pytest.raises(FileError) as caught:
        frontmatter.read(data)
    assert message in caught.value.message
    assert caught.value.line == line


def billion_laughs(levels=9, key="title"):
    """380 bytes standing for 9**levels strings (#18 point 3)."""
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghijk"[: levels - 1]:
        lines.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
        previous = name
    lines += [f"{key}: *{previous}", "---", "body"]
    return "\n".join(lines).encode()


@pytest.mark.parametrize("key", ["title", "tags", "unmodelled"])
def test_an_alias_bomb_is_refused_before_it_is_expanded(key):
    data = billion_laughs(key=key)
    assert len(data) < 400
    with pytest.raises(FileError, match=r"more than 100,000 values once its aliases are expanded") as caught:
        frontmatter.read(data)
    assert caught.value.line == 7  # f: 9**6 strings, the first anchor past the limit


def test_aliases_within_the_limit_still_work():
    doc = frontmatter.read(billion_laughs(levels=3, key="tags"))
    assert len(doc.meta["tags"]) == 9 and doc.meta["tags"][0][0] == ["lol"] * 9  # 729 values


def test_oversized_file_is_refused_before_parsing():
    with pytest.raises(FileError, match="more than the 1.0 MB limit"):
        frontmatter.read(b"---\ntitle: t\n---\n" + b"x" * 2_000_000, max_bytes=1_000_000)


def test_unquoted_dates_are_read_as_dates():
    doc = frontmatter.read(b"---\ntitle: t\ndate: 2025-10-31\n---\n")
    assert doc.meta["date"] == datetime.date(2025, 10, 31)


def test_write_uses_the_sites_format():
    text = frontmatter.write(
        {"title": "标题：副标题", "date": datetime.date(2025, 1, 2), "tags": ["b", "a"], "project": [], "guest": ""},
        "body",
    )
    assert text == ("---\ndate: '2025-01-02'\nguest: ''\nproject: []\ntags:\n- b\n- a\ntitle: 标题：副标题\n---\nbody")


def test_write_never_wraps_long_values():
    summary = "很长的摘要" * 60 + " with English words " * 10
    text = frontmatter.write({"summary": summary}, "")
    assert text.count("\n") == 3
    assert yaml.safe_load(text.split("---\n")[1])["summary"] == summary
