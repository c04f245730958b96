from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Post


class PostAdminForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = [
            "title", "slug", "summary", "insight", "body", "date", "source_url", "speaker", "guest",
            "area", "category", "tags", "series", "series_order", "status", "published_at", "unlisted", "author",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "insight": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 30, "class": "vLargeTextField body-editor"}),
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
