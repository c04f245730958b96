from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from taggit.utils import parse_tags

from . import revisions, vocabulary
from .models import Post, Status, TranslationState
from .widgets import PassageEditor


class PostAdminForm(forms.ModelForm):
    """The post form, refusing to save over changes made since it was opened."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
            state = TranslationState.objects.filter(post=self.instance).only("stale").first()
            if state is not None and state.stale and "body_zh_hans" in self.fields:
                self.fields["body_zh_hans"].widget.stale = {entry["chinese"] for entry in state.stale}
        for name in vocabulary.FIELDS:
            options = vocabulary.choices(name, getattr(self.instance, name, "") or "") if name in self.fields else None
            if options is not None:
                self.fields[name].widget = forms.Select(choices=options)

    def _vocabulary_value(self, name):
        value = self.cleaned_data.get(name) or ""
        if not vocabulary.allowed(name, value, getattr(self.instance, name, "") or ""):
            raise ValidationError(
                _("“%(value)s” is not in the vocabulary. An editor can add it under Vocabulary."),
                params={"value": value},
                code="not_in_vocabulary",
            )
        return value

    def clean_area(self):
        return self._vocabulary_value("area")

    def clean_category(self):
        return self._vocabulary_value("category")

    def clean_tags(self):
        """taggit checks no length: a tag over its column's limit saved on SQLite and failed on
        PostgreSQL (and in any restore there)."""
        names = self.cleaned_data.get("tags") or []
        limit = Tag._meta.get_field("name").max_length
        too_long = [name for name in names if len(name) > limit]
        if too_long:
            raise ValidationError(
                _("A tag is at most %(limit)d characters: “%(tag)s…” is longer."),
                params={"limit": limit, "tag": too_long[0][:30]},
                code="tag_too_long",
            )
        return names

    def clean(self):
        cleaned = super().clean()
        self._keep_unchanged_text(cleaned)
        public = self.instance.status in Status.public()
        if public and "published_at" in self.fields and cleaned.get("published_at") is None:
            self.add_error(
                "published_at",
                _("A published post needs a publication time. To take it down, use the Unpublish or Archive button."),
            )
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            current = Post.objects.select_for_update().get(pk=self.instance.pk)
            if current.version != loaded:
                raise ValidationError(self._stale_message(current, loaded), code="stale")
        return cleaned

    @staticmethod
    def as_cleaned(text):
        """A posted text as this form cleans it: stripped (by its CharField), LF line ends."""
        return text.strip().replace("\r\n", "\n")

    def _keep_unchanged_text(self, cleaned):
        """A browser sends a textarea back with CRLF line ends and the form strips its ends: text
        that differs from the stored one only so is the stored text (no invented changes)."""
        if not self.instance.pk:
            return
        for name, value in cleaned.items():
            if not isinstance(value, str):
                continue
            value = self.as_cleaned(value)
            stored = getattr(self.instance, name, None)
            if isinstance(stored, str) and stored.strip() == value.strip():
                value = stored
            cleaned[name] = value

    @staticmethod
    def _stale_message(current, loaded):
        changed = []
        opened = next((v for v in revisions.versions_of(current) if v.field_dict.get("version") == loaded), None)
        if opened is not None:
            changed = [d.label for d in revisions.diff_against_current(opened, current)]
        latest = revisions.versions_of(current).first()
        who = getattr(latest.revision.user, "username", None) if latest else None
        message = _(
            "Someone else saved this post after you opened it, so your changes were not saved. "
            "Your text is still in the form below: copy what you need, reload the page to see the "
            "current version, and apply your changes to it."
        )
        if who:
            message += " " + _("Last saved by %(who)s.") % {"who": who}
        if changed:
            message += " " + _("Changed since you opened it: %(fields)s.") % {"fields": ", ".join(changed)}
        return message

    class Meta:
        model = Post
        fields = [
            "title", "slug", "summary", "insight", "body", "date", "source_url", "speaker", "guest",
            "area", "category", "tags", "series", "series_order", "status", "published_at", "unlisted", "author",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "insight": forms.Textarea(attrs={"rows": 3}),
            "body": PassageEditor(attrs={"rows": 30, "class": "vLargeTextField body-editor"}),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ImportUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Markdown files or a .zip of them"),
        help_text=_("The file name (without .md) becomes the post's address; importing it again updates the post."),
    )
    hold = forms.ChoiceField(
        label=_("New posts"),
        choices=[
            ("", _("public, as on the old site (exclude: true → unlisted)")),
            ("review", _("into the review queue")),
            ("draft", _("as drafts")),
        ],
        required=False,
    )
    overwrite = forms.BooleanField(label=_("Replace posts changed in the CMS since their last import"), required=False)
    dry_run = forms.BooleanField(label=_("Dry run: report only, change nothing"), required=False)


class RenameSourceForm(forms.Form):
    """A source (speaker or guest) to call by another name on every item naming it."""

    old = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("The name as items give it (any case): a whole name, not part of one."),
    )
    new = forms.CharField(label=_("New name"), max_length=300)

    def clean(self):
        data = super().clean()
        old, new = data.get("old", "").strip(), data.get("new", "").strip()
        if "," in new:
            self.add_error("new", _("A name holds no comma: commas separate sources."))
        elif old and old == new:
            self.add_error("new", _("The new name is the same as the old one."))
        data["old"], data["new"] = old, new
        return data


UNCHANGED = "__unchanged__"  # no vocabulary value looks like this


class BulkEditForm(forms.Form):
    """What to change on every selected post; a field left at “no change” is not touched."""

    area = forms.CharField(label=_("Area"), required=False, max_length=100)
    category = forms.CharField(label=_("Category"), required=False, max_length=100)
    series = forms.CharField(label=_("Series"), required=False, max_length=200)
    add_tags = forms.CharField(label=_("Add tags"), required=False, help_text=_("Comma-separated."))
    remove_tags = forms.CharField(label=_("Remove tags"), required=False, help_text=_("Comma-separated."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep = [(UNCHANGED, _("(no change)")), ("", _("(empty)"))]
        for name in vocabulary.FIELDS:
            options = vocabulary.choices(name)
            self.fields[name].widget = forms.Select(choices=keep + (options[1:] if options else []))
            self.fields[name].initial = UNCHANGED
            if options is None:  # no vocabulary yet: free text, empty meaning no change
                self.fields[name].widget = forms.TextInput(attrs={"placeholder": _("(no change)")})
                self.fields[name].initial = ""
        self.fields["series"].widget = forms.TextInput(attrs={"placeholder": _("(no change)")})

    def clean(self):
        data = super().clean()
        changes = {}
        for name in vocabulary.FIELDS:
            value = data.get(name, "")
            free = isinstance(self.fields[name].widget, forms.TextInput)
            if value == UNCHANGED or (free and not value):
                continue
            if not vocabulary.allowed(name, value):
                self.add_error(name, _("“%(value)s” is not in the vocabulary.") % {"value": value})
            changes[name] = value
        if data.get("series"):
            changes["series"] = data["series"].strip()
        for name in ("add_tags", "remove_tags"):
            tags = parse_tags(data.get(name) or "")
            if tags:
                changes[name] = tags
        if not changes and not self.errors:
            raise ValidationError(_("Say what to change: every field is at “no change”."), code="nothing")
        data["changes"] = changes
        return data
