"""The body's editor in the admin: its passages (passages.py) beside the raw Markdown.

The textarea stays the form's field: the passage editor (static/js/passage-editor.js) writes
every change into it, so a save, a failed save, the Markdown tab and autosave all see one text.
Without JavaScript the textarea is all there is, as before.
"""

from django import forms
from django.urls import reverse

from . import passages, translation_state


class PassageEditor(forms.Textarea):
    template_name = "admin/editorial/widgets/passage_editor.html"

    class Media:
        css = {"all": ["css/editor-desk.css"]}
        js = ["js/passage-editor.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # A form shown again after a refused save holds the text as the browser sent it (CRLF).
        context["passages"] = passages.split((self.format_value(value) or "").replace("\r\n", "\n"))
        stale = getattr(self, "stale", None)
        if stale:
            for passage in context["passages"]["passages"]:
                chinese = (passage["label"] + passage["text"]).strip()
                passage["stale"] = bool(chinese) and translation_state.digest(chinese) in stale
        context["split_url"] = reverse("admin:editorial_post_passages")
        context["passages_id"] = f"{context['widget']['attrs'].get('id', name)}-passages"
        return context
