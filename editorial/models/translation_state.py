"""How far each item's translation has got, kept in step with its body by the content service.

``passages`` holds a fingerprint of each passage of the body (editorial/passages.py): a digest
of its Chinese text and of its original. When a save (an import, an editor, a bulk job) changes
an original but leaves the Chinese beside it as it was, that passage is *stale*: its Chinese was
made from another original. ``stale`` keeps, for each, the original as it was and as it is and
the Chinese (so the admin shows a word diff), until the Chinese is edited or an editor marks it
checked. The counts are columns so the admin can list items by state.
"""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .posts import Post


class TranslationState(models.Model):
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="translation_state")
    passages = models.JSONField(default=list, editable=False)  # [[chinese digest, original digest or None]]
    stale = models.JSONField(default=list, editable=False)  # [{"chinese", "old", "new", "text"}]
    originals = models.PositiveIntegerField(gettext_lazy("passages with an original"), default=0)
    missing = models.PositiveIntegerField(gettext_lazy("originals without Chinese"), default=0, db_index=True)
    stale_count = models.PositiveIntegerField(
        gettext_lazy("originals changed since their Chinese"), default=0, db_index=True
    )
    english_title = models.BooleanField(gettext_lazy("English title"), default=False)
    english_summary = models.BooleanField(gettext_lazy("English summary"), default=False)
    updated_at = models.DateTimeField(gettext_lazy("checked"), auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("translation state")
        verbose_name_plural = gettext_lazy("translation states")

    def __str__(self):
        return _("%(post)s: %(missing)d without Chinese, %(stale)d changed originals") % {
            "post": self.post_id,
            "missing": self.missing,
            "stale": self.stale_count,
        }

    @property
    def complete(self):
        return not self.missing and not self.stale_count and self.english_title and self.english_summary
