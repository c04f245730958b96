"""The vocabulary of areas and categories in the admin: its terms with how many items use each,
and the audit of values items have that it lacks (added in one click, or fixed on those items
through the post list's bulk edit)."""

from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import vocabulary
from .models import Post, VocabularyTerm


def _uses(field):
    counted = (
        Post.objects.filter(**{field: OuterRef("value")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@admin.register(VocabularyTerm)
class VocabularyTermAdmin(admin.ModelAdmin):
    list_display = ["value", "label", "label_en", "field", "position", "retired", "items"]
    list_editable = ["label", "label_en", "position", "retired"]
    list_filter = ["field", "retired"]
    search_fields = ["value", "label", "label_en"]
    change_list_template = "admin/editorial/vocabularyterm/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(area_uses=_uses("area"), category_uses=_uses("category"))

    @admin.display(description=gettext_lazy("items"))
    def items(self, obj):
        n = obj.area_uses if obj.field == VocabularyTerm.Field.AREA else obj.category_uses
        url = reverse("admin:editorial_post_changelist") + "?" + urlencode({f"{obj.field}__exact": obj.value})
        return format_html('<a href="{}">{}</a>', url, n)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("adopt/", view(self.adopt_view), name="editorial_vocabularyterm_adopt"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        audit = [
            {
                "field": field,
                "label": VocabularyTerm.Field(field).label,
                "values": [
                    (value, n, reverse("admin:editorial_post_changelist") + "?" + urlencode({f"{field}__exact": value}))
                    for value, n in vocabulary.unknown_values(field)
                ],
            }
            for field in vocabulary.FIELDS
        ]
        return super().changelist_view(request, {**(extra_context or {}), "audit": audit})

    def adopt_view(self, request):
        """Add the values items have that the vocabulary lacks (those of one field, or one value)."""
        if request.method != "POST" or not self.has_add_permission(request):
            return redirect("admin:editorial_vocabularyterm_changelist")
        field = request.POST.get("field")
        if field not in vocabulary.FIELDS:
            messages.error(request, _("Choose areas or categories."))
            return redirect("admin:editorial_vocabularyterm_changelist")
        values = request.POST.getlist("value") or [value for value, _n in vocabulary.unknown_values(field)]
        n = vocabulary.adopt(field, values)
        messages.success(request, _("%(n)d values added to the vocabulary.") % {"n": n})
        return redirect("admin:editorial_vocabularyterm_changelist")
