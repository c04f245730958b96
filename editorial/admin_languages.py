"""Labels of the paired language fields in the admin: modeltranslation names them "标题 [zh-hans]";
our editors read "标题（中文）" and "标题（英文）"."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

LANGUAGE_NAMES = {"zh_hans": _("Chinese"), "en": _("English")}


class LanguageLabelsMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        original = getattr(db_field, "translated_field", None)
        language = getattr(db_field, "language", "").replace("-", "_")
        if field is not None and original is not None and language in LANGUAGE_NAMES:
            field.label = _("%(field)s (%(language)s)") % {
                "field": capfirst(original.verbose_name),
                "language": LANGUAGE_NAMES[language],
            }
        return field
