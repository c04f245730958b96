"""Readable ASCII slugs, including for names written only in Chinese (via pinyin)."""

from django.utils.text import slugify


def pinyin_slug(text, max_length=200):
    """ "大型语言模型 LLM" → "da-xing-yu-yan-mo-xing-llm"."""
    from pypinyin import lazy_pinyin  # its dictionaries load on first use, not at start-up

    return slugify(" ".join(lazy_pinyin(text or "")))[:max_length].strip("-")


def free_slug(base, is_taken, max_length=200):
    """``base``, or ``base-2``, ``base-3``… : the first that ``is_taken`` says is free."""
    candidate, n = base[:max_length], 1
    while is_taken(candidate):
        n += 1
        candidate = f"{base[: max_length - len(str(n)) - 1]}-{n}"
    return candidate


def unique_slug(model, text, *, fallback, scope=None, field="slug", max_length=200):
    """A pinyin slug for ``text`` not yet used by ``model`` (within ``scope``), with -2, -3… on collision."""
    manager = model._default_manager.filter(**(scope or {}))
    base = pinyin_slug(text, max_length) or fallback
    return free_slug(base, lambda candidate: manager.filter(**{field: candidate}).exists(), max_length)


def give_tag_a_slug(sender, instance, **kwargs):
    """A pre_save receiver for taggit's Tag: a name of symbols only (">", "…") slugifies to
    nothing, and a tag without a slug has no page to link to. Such a tag gets tag, tag-2…"""
    if not instance.slug:
        instance.slug = free_slug("tag", lambda candidate: sender.objects.filter(slug=candidate).exists())
