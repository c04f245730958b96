"""The editor's desk on a post's form in the admin: the body's passages, a live preview of the
unsaved text in the reader's own page, and autosave. The form itself, its checks and its save
are the post admin's; these views only read what the editor has typed.

* ``passages/``: a body (typed into the Markdown tab, or restored) cut into passages.
* ``live-preview/``, ``<pk>/live-preview/``: the form as it stands, rendered by the post page's
  template in the language and reading mode asked for, framed beside the form. Nothing is saved.
* ``autosave/``, ``<pk>/autosave/``: the form's fields kept for this editor (models/drafts.py),
  or forgotten (``discard``).
"""

import contextlib
import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from taggit.utils import parse_tags

from . import passages, rendering, slugs, translation_state, views, workflow
from .models import Autosave, Post, TranslationState

# What the live preview takes from the form: the texts of each language, and plain fields.
TRANSLATED = ("title", "summary", "insight", "body")
PLAIN = ("kind", "slug", "speaker", "guest", "source_url", "area", "category", "series")
NOT_KEPT = {"csrfmiddlewaretoken", "loaded_version", "_save", "_continue", "_addanother"}


_post_only = method_decorator(require_POST)


class EditorDeskMixin:
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("passages/", view(self.passages_view), name="editorial_post_passages"),
            path("live-preview/", view(self.live_preview_view), name="editorial_post_live_preview"),
            path("<int:pk>/live-preview/", view(self.live_preview_view), name="editorial_post_live_preview"),
            path("<int:pk>/translation-checked/", view(self.translation_checked_view), name="editorial_post_checked"),
            path("autosave/", view(self.autosave_view), name="editorial_post_autosave"),
            path("<int:pk>/autosave/", view(self.autosave_view), name="editorial_post_autosave"),
            *super().get_urls(),
        ]

    def desk_context(self, request, post):
        """What the form's page needs for the desk: its addresses and this editor's autosave."""
        args = [post.pk] if post is not None else []
        kept = Autosave.objects.filter(user=request.user, post=post).first()
        autosave = None
        if kept is not None:
            autosave = {
                "fields": kept.fields,
                "saved_at": timezone.localtime(kept.saved_at).strftime("%Y-%m-%d %H:%M"),
                "base_version": kept.base_version,
                "stale": post is not None and kept.base_version != post.version,
            }
        state = TranslationState.objects.filter(post=post).first() if post is not None else None
        stale = [
            {**entry, "diff": translation_state.word_diff(entry.get("old"), entry.get("new"))}
            for entry in (state.stale if state else [])
        ]
        return {
            "translation": state,
            "stale": stale,
            "desk": {
                "preview": reverse("admin:editorial_post_live_preview", args=args),
                "autosave": reverse("admin:editorial_post_autosave", args=args),
                "passages": reverse("admin:editorial_post_passages"),
                "kept": autosave,
                "language": translation.get_language(),
                "labels": desk_labels(),
            },
        }

    def _editable(self, request, pk):
        """The post at ``pk`` if this editor may change it (None for a new post)."""
        if pk is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        post = get_object_or_404(Post, pk=pk)
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        return post

    def _viewable(self, request, pk):
        """The post at ``pk`` if this editor may see it (None for a new post)."""
        if pk is None:
            return self._editable(request, None)
        post = get_object_or_404(Post, pk=pk)
        if not (self.has_view_or_change_permission(request, post) and workflow.may_view(request.user, post)):
            raise PermissionDenied
        return post

    @_post_only
    def translation_checked_view(self, request, pk):
        """The Chinese of a stale passage (or of all) is right for its changed original."""
        post = self._editable(request, pk)
        translation_state.checked(post, request.POST.get("chinese") or None)
        messages.success(request, _("Marked as checked."))
        return redirect("admin:editorial_post_change", pk)

    @_post_only
    def passages_view(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        # A browser sends form text with CRLF line ends.
        return JsonResponse(passages.split(request.POST.get("body", "").replace("\r\n", "\n")))

    @_post_only
    def autosave_view(self, request, pk=None):
        post = self._editable(request, pk)
        if request.POST.get("discard"):
            Autosave.objects.filter(user=request.user, post=post).delete()
            return JsonResponse({"discarded": True})
        fields = {name: request.POST.getlist(name) for name in request.POST if name not in NOT_KEPT}
        loaded = request.POST.get("loaded_version", "")
        kept, _created = Autosave.objects.update_or_create(
            user=request.user,
            post=post,
            defaults={"fields": fields, "base_version": int(loaded) if loaded.isdigit() else None},
        )
        when = timezone.localtime(kept.saved_at).strftime("%H:%M:%S")
        answer = {"saved_at": when, "message": _("Autosaved at %(when)s (not published).") % {"when": when}}
        if post is not None and kept.base_version is not None and kept.base_version != post.version:
            answer["conflict"] = _conflict(post)
        return JsonResponse(answer)

    def forget_autosave(self, request, post, *, created=False):
        """A save keeps what was typed: the autosave of it (and, for a new post, the one kept
        before it had an address) is done with."""
        Autosave.objects.filter(user=request.user, post=post).delete()
        if created:
            Autosave.objects.filter(user=request.user, post=None).delete()

    @_post_only
    def live_preview_view(self, request, pk=None):
        post = self._viewable(request, pk)
        post = _typed_post(request, post)
        language = "en" if request.POST.get("preview_language") == "en" else "zh-hans"
        tags = parse_tags(request.POST.get("tags", ""))
        with translation.override(language):
            context = {
                "post": post,
                "object": post,
                "preview": True,
                "live": True,
                **views.reading_context(request, post, tags=tags, mode=request.POST.get("preview_mode")),
            }
            response = views.preview_response(render(request, "editorial/post_detail.html", context))
        # Framed by the desk's panel, and only by our own pages.
        response["X-Frame-Options"] = "SAMEORIGIN"
        response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}
        return response


def _conflict(post):
    """What an editor is told while typing when someone else has saved the post since the form
    was opened: the save will be refused (the stale-edit check), so they know before they try."""
    from . import revisions

    latest = revisions.versions_of(post).first()
    who = getattr(latest.revision.user, "username", None) if latest else None
    when = timezone.localtime(post.updated_at).strftime("%H:%M")
    if who:
        message = _("%(who)s saved this post at %(when)s, after you opened it.") % {"who": who, "when": when}
    else:
        message = _("This post was saved at %(when)s, after you opened it.") % {"when": when}
    return (
        message
        + " "
        + _(
            "Saving will be refused and show what changed; your text stays here and in the autosave. "
            "Open the post in another tab to see the newer version."
        )
    )


def desk_labels():
    return {
        "saving": _("Saving…"),
        "autosave_failed": _("Autosave failed: your text is still here. Save when you can."),
        "kept": _("You have changes from %(when)s that were never saved."),
        "kept_stale": _(
            "Someone saved this post after you typed them: if you restore them, saving will be refused "
            "and show what changed, so nothing newer is overwritten."
        ),
        "restore": _("Restore them"),
        "discard": _("Discard them"),
        "restored": _("Your unsaved changes are back in the form. Save to keep them."),
        "preview": _("Live preview"),
        "close": _("Close the preview"),
        "chinese": _("Chinese page"),
        "english": _("English page"),
        "mode_default": _("Default mode"),
        "mode_zh": _("Chinese"),
        "mode_both": _("Side by side"),
        "mode_original": _("Original"),
    }


def _typed_post(request, stored):
    """A post holding what the form holds, never saved: the stored post's copy (or a new one)
    with the typed texts, rendered as a save would render them."""
    post = Post() if stored is None else Post.objects.get(pk=stored.pk)
    data = request.POST
    for field in TRANSLATED:
        for code in rendering.LANGUAGE_SUFFIXES:
            name = f"{field}_{code}"
            if name in data:
                setattr(post, name, data[name].replace("\r\n", "\n").strip())
    for field in PLAIN:
        if field in data:
            setattr(post, field, data[field].strip())
    if data.get("date"):
        with contextlib.suppress(ValueError):  # a half-typed date: the stored one stays
            post.date = datetime.date.fromisoformat(data["date"].strip())
    if not post.slug:  # a new post gets its address when saved; the preview needs one now
        post.slug = slugs.pinyin_slug(post.title_zh_hans or "") or "preview"
    post.render_bodies(force=True)
    return post
