"""Who may open each admin page and use each admin action, for every role.

Roles: a reader who is not logged in, a staff account with no role, an author, an editor
and a superuser. The workflow's own transitions have their full matrix in
test_workflow.py; this walks every other page and action the admin has.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from editorial import content
from editorial.models import Entity, GlossaryEntry, GlossaryUse, GlossaryVariant, PreviewLink

from .factories import EntityFactory, PostFactory, UserFactory, post_form_data

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff", "author", "editor", "superuser"]
OK, DENIED, LOGIN = 200, 403, "login"


@pytest.fixture
def world():
    author = UserFactory(username="author", is_staff=True)
    author.groups.add(Group.objects.get(name="Authors"))
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    users = {
        "staff": UserFactory(username="staff", is_staff=True),
        "author": author,
        "editor": editor,
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    own = PostFactory(author=author, slug="own", body_zh_hans="**令牌**（Token: 最小单位）")
    theirs = PostFactory(author=editor, slug="theirs", body_zh_hans="**令牌**（Token: 另一种说法）")
    public = PostFactory(author=author, slug="public", published=True)
    for post in (own, theirs):
        content.saved(post)
    post_revision = own
    entry = GlossaryEntry.objects.get(term="令牌")
    link = PreviewLink.objects.create(post=theirs, created_by=editor, expires_at=timezone.now() + timedelta(days=7))
    return {
        "users": users,
        "own": own,
        "theirs": theirs,
        "public": public,
        "revision": post_revision,
        "entity": EntityFactory(kind=Entity.Kind.PERSON, name="Someone"),
        "tag": Tag.objects.create(name="llm"),
        "entry": entry,
        "variant": GlossaryVariant.objects.filter(entry=entry).first(),
        "use": GlossaryUse.objects.filter(entry=entry).first(),
        "link": link,
    }


def url(name, *args):
    return reverse(f"admin:{name}", args=args)


# (what, method, url from the world) → expected answer for anonymous, staff, author, editor, superuser.
PAGES = {
    "index": ("GET", lambda w: url("index"), [LOGIN, OK, OK, OK, OK]),
    "post list": ("GET", lambda w: url("editorial_post_changelist"), [LOGIN, DENIED, OK, OK, OK]),
    "post add": ("GET", lambda w: url("editorial_post_add"), [LOGIN, DENIED, OK, OK, OK]),
    "own draft": ("GET", lambda w: url("editorial_post_change", w["own"].pk), [LOGIN, DENIED, OK, OK, OK]),
    "own draft history": ("GET", lambda w: url("editorial_post_history", w["own"].pk), [LOGIN, DENIED, OK, OK, OK]),
    # #18 point 11: an author opened other authors' drafts' history, form and revisions
    "their draft": ("GET", lambda w: url("editorial_post_change", w["theirs"].pk), [LOGIN, DENIED, DENIED, OK, OK]),
    "their draft history": (
        "GET", lambda w: url("editorial_post_history", w["theirs"].pk), [LOGIN, DENIED, DENIED, OK, OK],
    ),
    "their draft compared": (
        "GET", lambda w: url("editorial_post_compare", w["theirs"].pk), [LOGIN, DENIED, DENIED, 302, 302],  # no ?a=&b=: to history
    ),
    "a published post's history": (
        "GET", lambda w: url("editorial_post_history", w["public"].pk), [LOGIN, DENIED, OK, OK, OK],
    ),
    "their draft's preview": (
        "GET", lambda w: reverse("editorial:post-preview", kwargs={"kind": w["theirs"].kind, "slug": "theirs"}),
        [LOGIN, DENIED, 404, OK, OK],
    ),
    "own draft's preview": (
        "GET", lambda w: reverse("editorial:post-preview", kwargs={"kind": w["own"].kind, "slug": "own"}),
        [LOGIN, DENIED, OK, OK, OK],
    ),
    "delete own draft": ("GET", lambda w: url("editorial_post_delete", w["own"].pk), [LOGIN, DENIED, DENIED, OK, OK]),
    "delete a published post": (
        "GET", lambda w: url("editorial_post_delete", w["public"].pk), [LOGIN, DENIED, DENIED, OK, OK],
    ),
    "import page": ("GET", lambda w: url("editorial_post_import"), [LOGIN, DENIED, OK, OK, OK]),
    "review queue": ("GET", lambda w: url("editorial_post_review_queue"), [LOGIN, DENIED, OK, OK, OK]),
    "create a share link": ("POST", lambda w: url("editorial_post_share", w["theirs"].pk), [LOGIN, DENIED, DENIED, 302, 302]),
    "revoke a share link": (
        "POST", lambda w: url("editorial_post_revoke", w["theirs"].pk, w["link"].pk), [LOGIN, DENIED, DENIED, 302, 302],
    ),
    "assign a reviewer": ("POST", lambda w: url("editorial_post_assign", w["theirs"].pk), [LOGIN, DENIED, DENIED, 302, 302]),
    "live preview of own draft": ("POST", lambda w: url("editorial_post_live_preview", w["own"].pk), [LOGIN, DENIED, OK, OK, OK]),
    "live preview of their draft": (
        "POST", lambda w: url("editorial_post_live_preview", w["theirs"].pk), [LOGIN, DENIED, DENIED, OK, OK],
    ),
    "live preview of a new post": ("POST", lambda w: url("editorial_post_live_preview"), [LOGIN, DENIED, OK, OK, OK]),
    "autosave own draft": ("POST", lambda w: url("editorial_post_autosave", w["own"].pk), [LOGIN, DENIED, OK, OK, OK]),
    "autosave their draft": ("POST", lambda w: url("editorial_post_autosave", w["theirs"].pk), [LOGIN, DENIED, DENIED, OK, OK]),
    "passages of a body": ("POST", lambda w: url("editorial_post_passages"), [LOGIN, DENIED, OK, OK, OK]),
    "entity list": ("GET", lambda w: url("editorial_entity_changelist"), [LOGIN, DENIED, OK, OK, OK]),
    "entity add": ("GET", lambda w: url("editorial_entity_add"), [LOGIN, DENIED, OK, OK, OK]),
    "entity delete": ("GET", lambda w: url("editorial_entity_delete", w["entity"].pk), [LOGIN, DENIED, DENIED, OK, OK]),
    "glossary list": ("GET", lambda w: url("editorial_glossaryentry_changelist"), [LOGIN, DENIED, OK, OK, OK]),
    "glossary entry": ("GET", lambda w: url("editorial_glossaryentry_change", w["entry"].pk), [LOGIN, DENIED, OK, OK, OK]),
    "glossary add": ("GET", lambda w: url("editorial_glossaryentry_add"), [LOGIN, DENIED, DENIED, OK, OK]),
    "glossary delete": (
        "GET", lambda w: url("editorial_glossaryentry_delete", w["entry"].pk), [LOGIN, DENIED, DENIED, OK, OK],
    ),
    "adopt a definition": (
        "POST", lambda w: url("editorial_glossaryentry_adopt", w["entry"].pk, w["variant"].pk),
        [LOGIN, DENIED, DENIED, 302, 302],
    ),
    "split a use": (
        "POST", lambda w: url("editorial_glossaryentry_split", w["entry"].pk, w["use"].pk), [LOGIN, DENIED, DENIED, 302, 302],
    ),
    "tag list": ("GET", lambda w: url("taggit_tag_changelist"), [LOGIN, DENIED, OK, OK, OK]),
    "tag delete": ("GET", lambda w: url("taggit_tag_delete", w["tag"].pk), [LOGIN, DENIED, DENIED, OK, OK]),
    "user list": ("GET", lambda w: url("auth_user_changelist"), [LOGIN, DENIED, DENIED, DENIED, OK]),
    "groups": ("GET", lambda w: url("auth_group_changelist"), [LOGIN, DENIED, DENIED, DENIED, OK]),
}  # fmt: skip

CASES = [(page, role) for page in PAGES for role in ROLES]


@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{page}-{role}" for page, role in CASES])
def test_who_may_open_each_admin_page(client, world, page, role):
    method, make_url, expected = PAGES[page]
    want = expected[ROLES.index(role)]
    if role != "anonymous":
        client.force_login(world["users"][role])
    target = make_url(world)
    response = client.post(target) if method == "POST" else client.get(target)
    if want == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == want


@pytest.mark.parametrize(
    ("role", "which", "saved"),
    [
        ("author", "own", True),
        ("author", "theirs", False),  # someone else's draft: read-only
        ("author", "public", False),  # their own, but published: an editor's job now
        ("editor", "theirs", True),
        ("editor", "public", True),
        ("staff", "own", False),
    ],
)
def test_who_may_save_a_post(client, world, role, which, saved):
    post = world[which]
    client.force_login(world["users"][role])
    response = client.post(url("editorial_post_change", post.pk), post_form_data(post, title_zh_hans="改过的标题"))
    post.refresh_from_db()
    assert (post.title_zh_hans == "改过的标题") is saved
    assert response.status_code == (302 if saved else 403)


@pytest.mark.parametrize(("role", "saved"), [("author", False), ("editor", True)])
def test_who_may_curate_a_glossary_entry(client, world, role, saved):
    entry = world["entry"]
    client.force_login(world["users"][role])
    change = url("editorial_glossaryentry_change", entry.pk)
    data = {
        "term": entry.term,
        "english": entry.english,
        "abbreviation": "",
        "definition_zh_hans": "编辑写的定义",
        "definition_en": "",
        "definition_source": entry.definition_source,
    }
    for inline in client.get(change).context["inline_admin_formsets"]:
        data |= {f"{inline.formset.prefix}-TOTAL_FORMS": "0", f"{inline.formset.prefix}-INITIAL_FORMS": "0"}
    response = client.post(change, data)
    entry.refresh_from_db()
    assert (entry.definition_zh_hans == "编辑写的定义") is saved
    assert response.status_code == (302 if saved else 403)


def test_clearing_a_published_posts_time_is_a_form_error_not_a_crash(client, world):
    post = world["public"]
    client.force_login(world["users"]["editor"])
    data = post_form_data(post, published_at_0="", published_at_1="")
    response = client.post(url("editorial_post_change", post.pk), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["published_at"]
    post.refresh_from_db()
    assert post.published_at is not None
