from modeltranslation.translator import TranslationOptions, register

from .models import GlossaryEntry, Post


@register(Post)
class PostTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "insight", "body", "body_html")
    # An English page shows the Chinese title, summary and body until they are translated.
    fallback_languages = {"default": ("zh-hans",)}
    required_languages = ("zh-hans",)


@register(GlossaryEntry)
class GlossaryEntryTranslationOptions(TranslationOptions):
    fields = ("definition",)
    fallback_languages = {"default": ("zh-hans",)}
