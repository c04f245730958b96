"""What an editor typed into a post's form and has not saved yet, kept by autosave.

An autosave is no revision and no publish: it belongs to one editor and one post (or to the
editor's new, never saved post), holds the form's fields as they were typed, and remembers
the version of the post the form was opened on, so restoring it over a newer version meets
the same stale-edit refusal as any other save. Saving the post forgets it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .posts import Post


class Autosave(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves")
    fields = models.JSONField(_("typed fields"), default=dict)
    base_version = models.PositiveIntegerField(_("version opened"), null=True, blank=True)
    saved_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="autosave_user_post")]

    def __str__(self):
        return f"{self.user_id}: {self.post_id or 'new'} ({self.saved_at:%Y-%m-%d %H:%M})"
