from django import forms

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
