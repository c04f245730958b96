import uuid

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .posts import Post, Status


class StatusChange(models.Model):
    """One workflow transition: who moved which post from what to what, when, and why."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="status_changes")
    transition = models.CharField(_("transition"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Status)
    to_status = models.CharField(_("to"), max_length=20, choices=Status)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["post", "-at"], name="statuschange_post_at")]

    def __str__(self):
        return f"{self.post_id}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class PreviewLink(models.Model):
    """A shareable, expiring, revocable link that lets someone without an account read one post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="preview_links")
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.post} ({self.expires_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("editorial:post-share", kwargs={"token": self.token})

    @property
    def token(self):
        # Deterministic (no timestamp): the expiry and revocation live in this row.
        return signing.Signer(salt=PREVIEW_SALT).sign(str(self.key))

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def from_token(cls, token):
        """The active link a token names, or None (bad signature, unknown, expired, revoked)."""
        try:
            key = uuid.UUID(signing.Signer(salt=PREVIEW_SALT).unsign(token))
        except (signing.BadSignature, ValueError, TypeError, AttributeError):
            return None
        link = cls.objects.select_related("post").filter(key=key).first()
        return link if link is not None and link.is_active else None


PREVIEW_SALT = "editorial.preview-link"


class ReviewAssignment(models.Model):
    """Who is to review a post, and by when: set by an editor, shown in the review queue ("assigned
    to me") and on the post. Workflow bookkeeping, not the post's content: no revision, no export."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="review_assignment")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="+"
    )
    due = models.DateField(_("due"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        indexes = [models.Index(fields=["reviewer", "due"], name="reviewassignment_reviewer_due")]

    def __str__(self):
        return f"{self.post_id} → {self.reviewer_id}"

    @property
    def overdue(self):
        return self.due is not None and self.due < timezone.localdate()
