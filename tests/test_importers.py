"""Importing our users' Markdown files, and giving them back out."""

import datetime
import io
import re
from contextlib import redirect_stderr, redirect_stdout

import pytest
import yaml
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.utils import timezone

from editorial import exporters, importers, originals
from editorial.models import Entity, Post, Status

from .conftest import SAMPLES

pytestmark = pytest.mark.django_db

POST = """---
area: "finance-wealth"
category: finance
companies_orgs:
- Federal Reserve
- OpenAI
- Federal Reserve
date: '2025-01-02'
draft: true
guest: ''
insight: ''
layout: post.njk
people:
- Jerome Powell
project: []
series: ''
source: https://www.youtube.com/watch?v=abc
speaker: Money & Macro
status: {status}
summary: 摘要。
tags:
- zeta
- alpha
title: {title}
---
### 开场

**Host:** 你好。
<details>
<summary>View/Hide Original English</summary>
<p class="english-text">Hello.</p>
</details>"""


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args):
    """Run import_markdown as a user would; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            call_command("import_markdown", *args, stdout=out, stderr=err)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_import_maps_every_key_onto_the_post(tmp_path):
    write(tmp_path, "-abc_123.md", POST.format(status="evergreen", title="标题"))
    code, out, _ = run(str(tmp_path))
    assert code == 0
    assert "created: " in out and "1 created" in out
    post = Post.objects.get(slug="-abc_123")
    assert (post.title_zh_hans, post.summary_zh_hans, post.date) == ("标题", "摘要。", datetime.date(2025, 1, 2))
    assert (post.area, post.category, post.speaker, post.source_url) == (
        "finance-wealth",
        "finance",
        "Money & Macro",
        "https://www.youtube.com/watch?v=abc",
    )
    assert post.ordered_tag_names() == ["zeta", "alpha"]
    assert post.entity_names(Entity.Kind.ORGANISATION) == ["Federal Reserve", "OpenAI", "Federal Reserve"]
    assert post.entity_names(Entity.Kind.PERSON) == ["Jerome Powell"]
    assert post.front_matter["extra"] == {"draft": True, "layout": "post.njk", "status": "evergreen"}
    assert post.status == Status.EVERGREEN and post.is_public
    assert '<details class="original" data-original="en" lang="en">' in post.body_html_zh_hans
    # Entities are shared rows, not copies.
    write(tmp_path, "other.md", POST.format(status="evergreen", title="另一篇"))
    run(str(tmp_path / "other.md"))
    assert Entity.objects.filter(name="Federal Reserve").count() == 1


def test_reimport_is_unchanged_then_updated(tmp_path):
    path = write(tmp_path, "a.md", POST.format(status="evergreen", title="一"))
    run(str(path))
    code, out, _ = run(str(path), "-v", "2")
    assert code == 0 and "0 created, 0 updated, 1 unchanged" in out
    path.write_text(POST.format(status="evergreen", title="二"), encoding="utf-8")
    code, out, _ = run(str(path))
    assert "0 created, 1 updated" in out
    assert Post.objects.get(slug="a").title_zh_hans == "二"
    assert Post.objects.count() == 1


def test_dry_run_reports_and_writes_nothing(tmp_path):
    write(tmp_path, "a.md", POST.format(status="evergreen", title="一"))
    code, out, _ = run(str(tmp_path), "--dry-run")
    assert code == 0
    assert "Dry run, nothing written. 1 files: 1 created" in out
    assert not Post.objects.exists()
    assert not Entity.objects.exists()


@pytest.mark.parametrize(
    "status_line, exclude, hold, expected_status, unlisted, reported",
    [
        ("evergreen", False, None, Status.EVERGREEN, False, False),
        ("evengreen", False, None, Status.EVERGREEN, False, False),
        ("inbox", False, None, Status.PUBLISHED, False, False),
        ("''", False, None, Status.PUBLISHED, False, False),
        ("draft", False, None, Status.DRAFT, False, True),
        ("archived", False, None, Status.ARCHIVED, False, True),
        ("evergreen", True, None, Status.EVERGREEN, True, False),
        ("evergreen", False, "review", Status.REVIEW, False, True),
        ("evergreen", False, "draft", Status.DRAFT, False, True),
    ],
)
def test_visibility_follows_the_live_site_unless_told(
    tmp_path, status_line, exclude, hold, expected_status, unlisted, reported
):
    text = POST.format(status=status_line, title="t")
    if exclude:
        text = text.replace("layout:", "exclude: true\nlayout:")
    write(tmp_path, "p.md", text)
    code, out, _ = run(str(tmp_path), *(["--hold", hold] if hold else []))
    assert code == 0
    post = Post.objects.get(slug="p")
    assert (post.status, post.unlisted) == (expected_status, unlisted)
    assert ("Visibility differs from the live site for 1 posts" in out) == reported
    assert post.is_public == (expected_status in Status.public())
    assert Post.objects.listed().filter(pk=post.pk).exists() == (post.is_public and not unlisted)


def test_odd_shapes_are_accepted(tmp_path):
    text = (
        "---\ntitle: 标题\ndate: 2025-10-31\npeople: '[]'\nmedia_books: The Daily\n"
        "companies:\n- Old Co\nauthor: ''\n---\n正文"
    )
    write(tmp_path, "odd.md", text)
    code, out, _ = run(str(tmp_path))
    assert code == 0, out
    post = Post.objects.get(slug="odd")
    assert post.date == datetime.date(2025, 10, 31)
    assert post.entity_names(Entity.Kind.PERSON) == []
    assert post.entity_names(Entity.Kind.MEDIA) == ["The Daily"]
    assert "media_books was the text 'The Daily'" in out
    assert post.front_matter["extra"] == {"companies": ["Old Co"], "author": ""}
    assert exporters.post_markdown(post) == text  # nobody edited it: the file comes back as it was


def test_a_broken_file_is_reported_by_name_and_line_and_the_rest_goes_on(tmp_path):
    write(tmp_path, "good.md", POST.format(status="evergreen", title="好"))
    write(tmp_path, "bad.md", "---\ntitle: t\ntags: [a\n---\nbody")
    write(tmp_path, "notitle.md", "---\ndate: '2025-01-01'\n---\nbody")
    (tmp_path / "latin1.md").write_bytes("---\ntitle: café\n---\n".encode("latin-1"))
    code, out, err = run(str(tmp_path))
    assert code == 1
    assert "1 created" in out and "3 failed" in out
    assert re.search(r"failed: .*bad\.md \(line 4\): front matter is not valid YAML", err)
    assert re.search(r"failed: .*notitle\.md: missing title", err)
    assert re.search(r"failed: .*latin1\.md \(line 2\): not UTF-8", err)
    assert "Traceback" not in out + err
    assert list(Post.objects.values_list("slug", flat=True)) == ["good"]


HOSTILE = {
    # #18 point 5: each of these stopped the whole import; point 3: an alias bomb
    "bad-date.md": ("---\ntitle: t\ndate: 2025-02-29\n---\nbody", 3, "'2025-02-29' is not a real date"),
    "bad-month.md": ("---\ntitle: t\ndate: 2024-13-01\n---\nbody", 3, "'2024-13-01' is not a real date"),
    "bad-int.md": ("---\ntitle: t\nn: !!int abc\n---\nbody", 3, "'abc' cannot be read as int"),
    "map-key.md": ("---\ntitle: t\n? {a: 1}\n: x\n---\nbody", 3, "a dict is used as a key"),
    "deep.md": ("---\ntitle: t\nx: " + "[" * 5000 + "]" * 5000 + "\n---\nbody", 3, "more than 64 deep"),
    "laughs.md": (
        "---\na: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
        + "".join(f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))
        + "title: *i\n---\nbody",
        7,
        "more than 100,000 values",
    ),
}


@pytest.mark.parametrize("inline", [True, False], ids=["inline", "worker"])
def test_hostile_front_matter_is_reported_per_file_and_the_rest_is_imported(tmp_path, monkeypatch, inline):
    if inline:
        monkeypatch.setenv("EDITORIAL_IMPORT_INLINE", "1")
    for name, (text, _line, _message) in HOSTILE.items():
        write(tmp_path, name, text)
    good = 45 if not inline else 3  # from 40 files a worker process prepares them
    for number in range(good):
        write(tmp_path, f"z-good-{number}.md", POST.format(status="evergreen", title=f"好{number}"))
    code, out, err = run(str(tmp_path))
    assert code == 1
    assert f"{good} created" in out and f"{len(HOSTILE)} failed" in out
    for name, (_text, line, message) in HOSTILE.items():
        assert re.search(rf"failed: .*{re.escape(name)} \(line {line}\): .*{re.escape(message)}", err), name
    assert "Traceback" not in out + err
    assert Post.objects.count() == good


def test_two_files_for_one_address_keep_the_first_and_report_the_second(tmp_path):
    (tmp_path / "notes" / "sub").mkdir(parents=True)
    (tmp_path / "posts").mkdir()
    write(tmp_path / "notes", "same.md", POST.format(status="evergreen", title="第一"))
    write(tmp_path / "notes" / "sub", "same.md", POST.format(status="evergreen", title="第二"))
    write(tmp_path / "posts", "same.md", POST.format(status="evergreen", title="文章"))  # another kind: its own
    code, out, err = run(str(tmp_path))
    assert code == 1 and "2 created" in out and "1 failed" in out
    assert re.search(
        r"failed: .*notes/sub/same\.md: another file in this import has the same address .*notes/same\.md", err
    )
    assert dict(Post.objects.values_list("kind", "title_zh_hans")) == {"note": "第一", "post": "文章"}
    code, out, err = run(str(tmp_path))  # again: the first is unchanged, the second still refused
    assert "1 failed" in out and "2 unchanged" in out
    assert Post.objects.get(kind="note").title_zh_hans == "第一"


def test_a_failed_save_leaves_the_old_post_intact(tmp_path, monkeypatch):
    path = write(tmp_path, "a.md", POST.format(status="evergreen", title="旧标题"))
    run(str(path))
    path.write_text(POST.format(status="evergreen", title="新标题").replace("- alpha", "- beta"), encoding="utf-8")

    def explode(post, lists, cache, created):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importers, "_set_entities", explode)
    code, out, err = run(str(path))
    assert code == 1 and "could not be saved: disk full" in err
    post = Post.objects.get(slug="a")
    assert post.title_zh_hans == "旧标题"
    assert post.ordered_tag_names() == ["zeta", "alpha"]


def test_a_post_edited_in_the_cms_is_not_overwritten_by_a_stale_file(tmp_path):
    path = write(tmp_path, "a.md", POST.format(status="evergreen", title="文件标题"))
    run(str(path))
    Post.objects.filter(slug="a").update(imported_at=timezone.now() - datetime.timedelta(hours=1))
    post = Post.objects.get(slug="a")
    post.title_zh_hans = "编辑改过的标题"
    post.save()
    path.write_text(POST.format(status="evergreen", title="文件里的新标题"), encoding="utf-8")
    code, out, err = run(str(path))
    assert code == 1 and "conflict: " in err and "--overwrite" in err
    assert Post.objects.get(slug="a").title_zh_hans == "编辑改过的标题"
    code, out, err = run(str(path), "--overwrite")
    assert code == 0 and Post.objects.get(slug="a").title_zh_hans == "文件里的新标题"


def test_file_names_starting_with_a_dash_are_files_not_options(tmp_path, monkeypatch):
    write(tmp_path, "-0zpuizDulg.md", POST.format(status="evergreen", title="t"))
    monkeypatch.chdir(tmp_path)
    # run_from_argv closes every connection when it ends, which would end the test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with redirect_stdout(io.StringIO()) as out:
        ManagementUtility(["manage.py", "import_markdown", "-0zpuizDulg.md"]).execute()
    assert "1 created" in out.getvalue()
    assert Post.objects.filter(slug="-0zpuizDulg").exists()


def test_a_folder_without_markdown_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(CommandError, match="no .md files found"):
        call_command("import_markdown", str(tmp_path))


def test_export_command_writes_one_file_per_post(tmp_path):
    (tmp_path / "in").mkdir()
    write(tmp_path / "in", "a.md", POST.format(status="evergreen", title="一"))
    run(str(tmp_path / "in"))
    out = io.StringIO()
    call_command("export_markdown", str(tmp_path / "out"), stdout=out)
    assert "Exported 1 posts" in out.getvalue()
    # the folder layout the site reads (a file outside a kind's folder is a note), the bytes it had
    assert (tmp_path / "out" / "notes" / "a.md").read_bytes() == (tmp_path / "in" / "a.md").read_bytes()


def test_export_reflects_workflow_changes(tmp_path):
    write(tmp_path, "a.md", POST.format(status="evergreen", title="一"))
    run(str(tmp_path))
    post = Post.objects.get(slug="a")
    meta = exporters.post_meta(post)
    assert (meta["status"], meta["draft"]) == ("evergreen", True)  # as imported
    post.status = Status.ARCHIVED
    post.unlisted = True
    post.save()
    meta = exporters.post_meta(post)
    assert (meta["status"], meta["draft"], meta["exclude"]) == ("archived", True, True)


def test_a_post_made_in_the_cms_exports_with_every_standard_key():
    post = Post.objects.create(title_zh_hans="新文章", body_zh_hans="正文", status=Status.DRAFT)
    meta = exporters.post_meta(post)
    assert set(importers.STANDARD_KEYS) - {"title_en", "summary_en", "insight_en"} <= set(meta)
    assert (meta["layout"], meta["status"], meta["draft"]) == ("post.njk", "draft", True)


# --- the round trip: import then export gives the same data and the same text ---------------


def semantic(meta):
    """Front matter as data, with the odd shapes the importer accepts made plain."""
    out = {}
    for key, value in meta.items():
        if isinstance(value, datetime.date):
            value = value.isoformat()
        if key in importers.LIST_KEYS:
            if value in (None, "", "[]"):
                value = []
            elif isinstance(value, str):
                value = [value]
        elif key in importers.TEXT_FIELDS and value is None:
            value = ""
        out[key] = value
    return out


def assert_round_trip(source_dir, out_dir):
    sources = sorted(source_dir.glob("*.md"))
    for source in sources:
        assert (out_dir / source.name).read_bytes() == source.read_bytes(), source.name  # byte for byte
        exported = (out_dir / source.name).read_text(encoding="utf-8")
        original = source.read_text(encoding="utf-8")
        meta_in, body_in = original[4:].split("\n---\n", 1)
        meta_out, body_out = exported[4:].split("\n---\n", 1)
        assert semantic(yaml.safe_load(meta_out)) == semantic(yaml.safe_load(meta_in)), source.name
        parsed_in, parsed_out = originals.parse(body_in), originals.parse(body_out)
        assert [o.text for o in parsed_out.originals] == [o.text for o in parsed_in.originals], source.name
        assert parsed_out.chinese.split() == parsed_in.chinese.split(), source.name
        if not parsed_in.repairs:
            assert body_out == body_in, source.name  # canonical bodies come back byte for byte
    return len(sources)


def test_round_trip_of_our_sample_posts(tmp_path):
    call_command("import_markdown", str(SAMPLES), stdout=io.StringIO())
    call_command("export_markdown", str(tmp_path), stdout=io.StringIO())
    assert assert_round_trip(SAMPLES, tmp_path / "notes") == 6


def test_round_trip_of_the_real_corpus(corpus, tmp_path):
    for folder in ("notes", "newer"):
        code, out, err = run(str(corpus / folder), "-v", "0")
        assert code == 0, err
    call_command("export_markdown", str(tmp_path), stdout=io.StringIO())
    assert assert_round_trip(corpus / "notes", tmp_path / "notes") == 240
    assert assert_round_trip(corpus / "newer", tmp_path / "notes") == 7


def test_a_large_batch_is_prepared_in_a_worker_with_the_same_results(tmp_path):
    from editorial import preparing

    count = preparing.PARALLEL_FROM + 5
    for i in range(count - 1):
        write(tmp_path, f"post-{i:03d}.md", POST.format(status="evergreen", title=f"标题{i}"))
    write(tmp_path, "post-bad.md", "---\ntitle: [\n---\n")
    code, out, err = run(str(tmp_path))
    assert code == 1
    assert f"{count - 1} created" in out and "1 failed" in out
    assert re.search(r"failed: .*post-bad\.md \(line 3\): front matter is not valid YAML", err)
    post = Post.objects.get(slug="post-007")
    assert post.title_zh_hans == "标题7"
    assert '<details class="original" data-original="en" lang="en">' in post.body_html_zh_hans
    assert post.ordered_tag_names() == ["zeta", "alpha"]


def test_a_big_import_refreshes_the_planners_statistics(tmp_path, monkeypatch):
    """On the freshly imported whole site PostgreSQL took over 60 s for the tag-page query until
    its statistics were refreshed (0.2 s after ANALYZE); SQLite gets PRAGMA optimize."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setenv("EDITORIAL_IMPORT_INLINE", "1")
    for number in range(40):
        write(tmp_path, f"p{number}.md", POST.format(status="evergreen", title=f"标题{number}"))
    with CaptureQueriesContext(connection) as queries:
        result = importers.import_files([tmp_path])
    assert result.count("created") == 40
    wanted = "ANALYZE" if connection.vendor == "postgresql" else "PRAGMA optimize"
    assert any(q["sql"].startswith(wanted) for q in queries.captured_queries)
