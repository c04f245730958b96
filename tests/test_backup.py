"""Backup and restore: ``manage.py backup`` into an emptied database reproduces everything."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from reversion.models import Version

from editorial import content, importers, search, workflow
from editorial.models import Entity, GlossaryEntry, Post, PreviewLink, StatusChange

from .factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

POST = """---
title: 令牌与上下文
summary: 一段摘要。
insight: 一条洞见。
date: '2025-01-02'
speaker: Lex Fridman
guest: Andrej Karpathy
tags:
- llm
- 中文标签
people:
- Andrej Karpathy
companies_orgs:
- OpenAI
---
### 开场

**Lex:** 我们说**令牌**（Token: 文本的最小单位）。
<details>
<summary>View/Hide Original English</summary>
<p class="english-text">We say tokens.</p>
</details>
"""


def everything():
    """What a restore must bring back, as plain values."""
    posts = [
        (
            p.slug, p.status, p.published_at, p.version,
            p.title_zh_hans, p.title_en, p.summary_zh_hans, p.summary_en, p.insight_zh_hans,
            p.body_zh_hans, p.body_en, p.body_html_zh_hans, p.body_html_en, p.front_matter,
            sorted(p.tags.names()), [(e.entity.kind, e.entity.name, e.position) for e in p.entity_links.all()],
        )
        for p in Post.objects.order_by("slug")
    ]  # fmt: skip
    glossary = [
        (e.term, e.english, e.definition_zh_hans, e.definition_en, sorted(a.text for a in e.aliases.all()),
         sorted(u.post.slug for u in e.uses.all()))
        for e in GlossaryEntry.objects.order_by("term")
    ]  # fmt: skip
    history = [
        (c.post.slug, c.from_status, c.to_status, c.by.username if c.by else None, c.comment, c.at)
        for c in StatusChange.objects.order_by("pk")
    ]
    revisions = [
        # Users are restored by username (natural keys), so their ids may change.
        (v.object_id, v.content_type.model, v.serialized_data, getattr(v.revision.user, "username", None))
        for v in Version.objects.order_by("pk")
    ]
    return {
        "posts": posts,
        "glossary": glossary,
        "history": history,
        "revisions": revisions,
        "entities": sorted(Entity.objects.values_list("kind", "name", "slug")),
        "links": sorted(PreviewLink.objects.values_list("key", "post__slug", "expires_at")),
        "groups": sorted(Group.objects.values_list("name", "user__username")),
        "search": [pk for pk, _ in search.ranked_ids(search.Query.parse("令牌"))],
    }


def test_backup_then_restore_into_an_empty_database_reproduces_everything(tmp_path, client):
    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    importers.import_bytes("tokens.md", POST.encode(), hold="draft")
    post = Post.objects.get()
    post.title_en, post.body_en = "Tokens and context", "We talk about **tokens**."
    post.save()
    workflow.submit(post, by=editor, comment="请审阅")
    workflow.publish(post, by=editor, comment="好")
    entry = GlossaryEntry.objects.get(term="令牌")
    entry.aliases.create(text="词元")
    entry.definition_en = "The smallest unit of text."
    entry.save()
    content.saved(post)
    PreviewLink.objects.create(post=post, created_by=editor, expires_at=timezone.now() + timedelta(days=7))
    before = everything()
    assert before["revisions"] and before["history"] and before["search"] == [post.pk]

    backup = tmp_path / "cms-backup.yaml.gz"
    call_command("backup", str(backup))
    call_command("flush", interactive=False, verbosity=0)  # an empty, migrated database
    assert not Post.objects.exists()
    call_command("restore", str(backup))

    after = everything()
    for part in before:
        for was, now in zip(before[part], after[part], strict=True):
            assert now == was, part
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200 and "Token" in page.content.decode()


def test_restore_refuses_a_database_that_already_has_posts(tmp_path):
    importers.import_bytes("tokens.md", POST.encode())
    backup = tmp_path / "backup.yaml"
    call_command("backup", str(backup))
    with pytest.raises(CommandError, match="empty"):
        call_command("restore", str(backup))
    assert Post.objects.count() == 1
