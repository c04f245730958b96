import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from editorial.models import Entity, Post, Status


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title_zh_hans = factory.Sequence(lambda n: f"测试文章{n}")
    summary_zh_hans = "一段摘要。"
    body_zh_hans = "### 开场\n\n**主持人:** 大家好。\n"
    date = datetime.date(2025, 1, 1)
    status = Status.DRAFT

    class Params:
        published = factory.Trait(status=Status.PUBLISHED, published_at=factory.LazyFunction(timezone.now))
        evergreen = factory.Trait(status=Status.EVERGREEN, published_at=factory.LazyFunction(timezone.now))
        in_review = factory.Trait(status=Status.REVIEW)
        archived = factory.Trait(status=Status.ARCHIVED, published_at=factory.LazyFunction(timezone.now))
        scheduled = factory.Trait(
            status=Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1)),
        )


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    kind = Entity.Kind.PERSON
    name = factory.Sequence(lambda n: f"Person {n}")


def member(group, username, client=None):
    """A staff user in ``group`` (Authors, Editors, Reviewers), signed in on ``client`` if given."""
    from django.contrib.auth.models import Group

    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    if client is not None:
        client.force_login(user)
    return user


def post_form_data(post, **changes):
    """What the admin's post form submits for ``post`` unchanged, with ``changes`` applied."""
    when = timezone.localtime(post.published_at) if post.published_at else None
    data = {
        "kind": post.kind,
        "title_zh_hans": post.title_zh_hans,
        "title_en": post.title_en or "",
        "slug": post.slug,
        "summary_zh_hans": post.summary_zh_hans,
        "body_zh_hans": post.body_zh_hans,
        "date": post.date.isoformat() if post.date else "",
        "tags": "",
        "entity_links-TOTAL_FORMS": "0",
        "entity_links-INITIAL_FORMS": "0",
        "loaded_version": post.version,
        "published_at_0": when.strftime("%Y-%m-%d") if when else "",
        "published_at_1": when.strftime("%H:%M:%S") if when else "",
    }
    return data | changes
