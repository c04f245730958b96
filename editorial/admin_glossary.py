"""The glossary in the admin: usage counts, a review filter, variants to adopt, merge and split."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin

from . import content, glossary
from .models import GlossaryAlias, GlossaryEntry, GlossaryUse, GlossaryVariant
from .slugs import unique_slug


class NeedsReviewFilter(admin.SimpleListFilter):
    title = gettext_lazy("review")
    parameter_name = "needs_review"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Needs review")), ("no", gettext_lazy("Reviewed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.needs_review()
        if self.value() == "no":
            return queryset.exclude(pk__in=GlossaryEntry.objects.needs_review().values("pk"))
        return queryset


def _post_link(post_id, post):
    return format_html('<a href="{}">{}</a>', reverse("admin:editorial_post_change", args=[post_id]), post)


def _inline_button(url, label):
    # A button inside the entry's change form posting to its own view (the CSRF token travels with it).
    return format_html('<button type="submit" class="button" formaction="{}" formmethod="post">{}</button>', url, label)


class AliasInline(admin.TabularInline):
    model = GlossaryAlias
    extra = 1
    fields = ["text"]


class PostRowsInline(admin.TabularInline):
    """Rows that belong to a post (variants, uses): shown with a link to the post, never added here."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("post"))
    def post_link(self, row):
        return _post_link(row.post_id, row.post) if row.post_id else "—"


class VariantInline(PostRowsInline):
    model = GlossaryVariant
    fields = ["raw", "post_link", "reviewed", "adopt"]
    readonly_fields = ["raw", "post_link", "adopt"]
    verbose_name_plural = gettext_lazy("definitions seen in posts")

    @admin.display(description="")
    def adopt(self, variant):
        url = reverse("admin:editorial_glossaryentry_adopt", args=[variant.entry_id, variant.pk])
        return _inline_button(url, _("Use this definition"))


class UseInline(PostRowsInline):
    model = GlossaryUse
    fields = ["post_link", "count", "pinned", "split"]
    readonly_fields = ["post_link", "count", "split"]
    verbose_name_plural = gettext_lazy("posts that define it (delete a row to detach the post)")

    @admin.display(description="")
    def split(self, use):
        url = reverse("admin:editorial_glossaryentry_split", args=[use.entry_id, use.pk])
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post">{}</button>',
            url,
            _("Split into its own entry"),
        )


def _count(rows):
    per_entry = rows.filter(entry=OuterRef("pk")).order_by().values("entry").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(per_entry), 0)


@admin.register(GlossaryEntry)
class GlossaryEntryAdmin(TabbedTranslationAdmin):
    list_display = ["term", "english", "abbreviation", "post_count", "needs_review", "definition_source"]
    list_filter = [NeedsReviewFilter, "definition_source", "initial_zh"]
    search_fields = ["term", "english", "abbreviation", "aliases__text"]
    readonly_fields = ["slug"]
    fields = ["term", "english", "abbreviation", "definition", "definition_source", "slug"]
    inlines = [AliasInline, VariantInline, UseInline]
    actions = ["merge_entries", "mark_reviewed"]
    list_per_page = 100
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                # Subqueries, not joins: two joined counts multiply uses by variants per entry.
                post_count=_count(GlossaryUse.objects.all()),
                open_variants=_count(GlossaryVariant.objects.filter(reviewed=False)),
            )
        )

    @admin.display(description=gettext_lazy("posts"), ordering="post_count")
    def post_count(self, entry):
        return entry.post_count

    @admin.display(boolean=True, description=gettext_lazy("needs review"), ordering="open_variants")
    def needs_review(self, entry):
        return entry.open_variants > 0

    def save_model(self, request, obj, form, change):
        if change and ({"definition_zh_hans", "definition_en"} & set(form.changed_data)):
            obj.definition_source = GlossaryEntry.Source.EDITOR  # never overwritten by extraction again
        super().save_model(request, obj, form, change)
        content.glossary_changed([obj.pk], by=request.user)

    def delete_model(self, request, obj):
        with transaction.atomic():
            posts = _posts_using([obj.pk])
            super().delete_model(request, obj)
            content.glossary_deleted(posts, by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            posts = _posts_using(list(queryset.values_list("pk", flat=True)))
            super().delete_queryset(request, queryset)
            content.glossary_deleted(posts, by=request.user)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/adopt/<int:variant>/", view(self.adopt_view), name="editorial_glossaryentry_adopt"),
            path("<int:pk>/split/<int:use>/", view(self.split_view), name="editorial_glossaryentry_split"),
            *super().get_urls(),
        ]

    def _editable(self, request, pk):
        entry = get_object_or_404(GlossaryEntry, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, entry):
            raise PermissionDenied
        return entry

    def adopt_view(self, request, pk, variant):
        """Make a definition seen in a post the entry's definition (an editor's choice)."""
        entry = self._editable(request, pk)
        chosen = get_object_or_404(GlossaryVariant, pk=variant, entry=entry)
        with transaction.atomic():
            entry.definition_zh_hans = chosen.definition
            if chosen.english:
                entry.english = chosen.english
            if chosen.abbreviation:
                entry.abbreviation = chosen.abbreviation
            entry.definition_source = GlossaryEntry.Source.EDITOR
            entry.save()
            chosen.reviewed = True
            chosen.save(update_fields=["reviewed"])
            content.glossary_changed([entry.pk], by=request.user)
        messages.success(request, _("The definition from “%(post)s” is now the entry's.") % {"post": chosen.post})
        return redirect("admin:editorial_glossaryentry_change", entry.pk)

    def split_view(self, request, pk, use):
        """Detach one post from a wrongly matched entry: its term gets an entry of its own."""
        entry = self._editable(request, pk)
        link = get_object_or_404(GlossaryUse, pk=use, entry=entry)
        with transaction.atomic():
            variant = GlossaryVariant.objects.filter(entry=entry, post=link.post).first()
            new = GlossaryEntry(
                term=variant.term if variant else entry.term,
                english=variant.english if variant else "",
                abbreviation=variant.abbreviation if variant else "",
                definition_zh_hans=variant.definition if variant else "",
                definition_source=GlossaryEntry.Source.EDITOR,
            )
            new.slug = unique_slug(GlossaryEntry, new.english or new.term, fallback="term")
            new.save()
            link.entry, link.pinned = new, True
            link.save(update_fields=["entry", "pinned"])
            GlossaryVariant.objects.filter(entry=entry, post=link.post).update(entry=new, reviewed=True)
            content.glossary_changed([entry.pk, new.pk], by=request.user)
        messages.success(request, _("“%(post)s” now uses its own entry.") % {"post": link.post})
        return redirect("admin:editorial_glossaryentry_change", new.pk)

    @admin.action(description=gettext_lazy("Mark the definitions seen in posts as reviewed"))
    def mark_reviewed(self, request, queryset):
        n = GlossaryVariant.objects.filter(entry__in=queryset, reviewed=False).update(reviewed=True)
        self.message_user(request, _("%(n)d definitions marked as reviewed.") % {"n": n}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Merge the selected entries into one"))
    def merge_entries(self, request, queryset):
        entries = list(queryset.annotate(uses_n=Count("uses")).order_by("-uses_n", "pk"))
        if len(entries) < 2:
            self.message_user(request, _("Select two or more entries to merge."), messages.WARNING)
            return
        target, others = entries[0], entries[1:]
        with transaction.atomic():
            merge(target, others)
            content.glossary_changed([target.pk], by=request.user)
        self.message_user(
            request,
            _("Merged %(n)d entries into “%(target)s”.") % {"n": len(others), "target": target},
            messages.SUCCESS,
        )


def _posts_using(entry_ids):
    return sorted(set(GlossaryUse.objects.filter(entry_id__in=entry_ids).values_list("post_id", flat=True)))


@transaction.atomic
def merge(target, others):
    """Fold ``others`` into ``target``: aliases, post uses (counts added) and variants move."""
    for other in others:
        GlossaryAlias.objects.filter(entry=other).update(entry=target)
        GlossaryAlias.objects.get_or_create(
            key=glossary.normalize(other.term), defaults={"entry": target, "text": other.term}
        )
        for use in GlossaryUse.objects.filter(entry=other):
            existing = GlossaryUse.objects.filter(entry=target, post=use.post_id).first()
            if existing:
                GlossaryUse.objects.filter(pk=existing.pk).update(count=F("count") + use.count)
                use.delete()
            else:
                GlossaryUse.objects.filter(pk=use.pk).update(entry=target)
        duplicates = GlossaryVariant.objects.filter(entry=target).values("post", "fingerprint")
        for row in duplicates:
            GlossaryVariant.objects.filter(entry=other, post=row["post"], fingerprint=row["fingerprint"]).delete()
        GlossaryVariant.objects.filter(entry=other).update(entry=target)
        if not target.definition_en and other.definition_en:
            target.definition_en = other.definition_en
        target.english = target.english or other.english
        target.abbreviation = target.abbreviation or other.abbreviation
        other.delete()
    target.save()
