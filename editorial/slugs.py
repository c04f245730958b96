"""Readable ASCII slugs, including for names written only in Chinese (via pinyin)."""

from django.utils.text import slugify


def pinyin_slug(text, max_length=200):
    """ "大型语言模型 LLM" → "da-xing-yu-yan-mo-xing-llm"."""
    from pypinyin import lazy_pinyin  # its dictionaries load on first use, not at start-up

    return slugify(" ".join(lazy_pinyin(text or "")))[:max_length].strip("-")


def unique_slug(model, text, *, fallback, scope=None, field="slug", max_length=200):
    """A pinyin slug for ``text`` not yet used by ``model`` (within ``scope``), with -2, -3… on collision."""
    base = pinyin_slug(text, max_length) or fallback
    candidate, n = base, 1
    manager = model._default_manager.filter(**(scope or {}))
    while manager.filter(**{field: candidate}).exists():
        n += 1
        candidate = f"{base[: max_length - len(str(n)) - 1]}-{n}"
    return candidate
