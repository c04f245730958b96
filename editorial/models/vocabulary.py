"""The fixed vocabulary of areas and categories, as data editors keep in the admin.

Items keep the value itself in ``Post.area`` / ``Post.category`` (what their files say, so an
import and an export stay byte for byte); the vocabulary says which values exist, what readers
call them in each language, and the order they are offered in. A value an item has but the
vocabulary lacks (an old one, or a typo a pipeline wrote) stays on the item and is listed by
the vocabulary's audit until an editor adds it or changes those items.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VocabularyTerm(models.Model):
    class Field(models.TextChoices):
        AREA = "area", _("area")
        CATEGORY = "category", _("category")

    field = models.CharField(_("field"), max_length=20, choices=Field)
    value = models.CharField(_("value"), max_length=100, help_text=_("As items and their files have it."))
    label = models.CharField(_("Chinese name"), max_length=100, blank=True)
    label_en = models.CharField(_("English name"), max_length=100, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower comes first."))
    retired = models.BooleanField(
        _("retired"), default=False, help_text=_("Items keep it, but it is no longer offered for new ones.")
    )

    class Meta:
        verbose_name = _("vocabulary term")
        verbose_name_plural = _("vocabulary (areas and categories)")
        ordering = ["field", "position", "value"]
        constraints = [models.UniqueConstraint(fields=["field", "value"], name="vocabularyterm_field_value")]

    def __str__(self):
        return f"{self.label} ({self.value})" if self.label else self.value
