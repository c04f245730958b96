"""The glossary in the admin: usage counts, a review filter, variants to adopt, merge and split."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin

from . import content, glossary, glossary_curation, jobs
from .admin_languages import LanguageLabelsMixin
from .models import GlossaryAlias, GlossaryEntry, GlossaryUse, GlossaryVariant
from .slugs import unique_slug


class NeedsReviewFilter(admin.SimpleListFilter):
    """The review queue: entries whose posts disagree on what the term is, the ones whose
    decision reaches the most public posts first."""

    title = gettext_lazy("review")
    parameter_name = "needs_review"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Needs review")), ("no", gettext_lazy("Reviewed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.needs_review()
        if self.value() == "no":
            return queryset.filter(conflict=False)
        return queryset


class IndexFilter(admin.SimpleListFilter):
    title = gettext_lazy("readers")
    parameter_name = "readers"

    def lookups(self, request, model_admin):
        return [
            ("index", gettext_lazy("In the public index")),
            ("page", gettext_lazy("A page, not in the index")),
            ("hidden", gettext_lazy("No public post uses it")),
        ]

    def queryset(self, request, queryset):
        indexed = GlossaryEntry.objects.in_index().values("pk")
        if self.value() == "index":
            return queryset.filter(pk__in=indexed)
        if self.value() == "page":
            return queryset.public().exclude(pk__in=indexed)
        if self.value() == "hidden":
            return queryset.filter(public_posts=0)
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

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("post")

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
    fields = ["post_link", "english", "definition", "count", "pinned", "split"]
    readonly_fields = ["post_link", "english", "definition", "count", "split"]
    verbose_name_plural = gettext_lazy("posts that define it (delete a row to detach the post)")

    @admin.display(description="")
    def split(self, use):
        url = reverse("admin:editorial_glossaryentry_split", args=[use.entry_id, use.pk])
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post">{}</button>',
            url,
            _("Split into its own entry"),
        )


@admin.register(GlossaryEntry)
class GlossaryEntryAdmin(LanguageLabelsMixin, TabbedTranslationAdmin):
    list_display = ["term", "english", "abbreviation", "public_posts", "posts", "in_index", "needs_review",
                    "conflict_summary", "definition_source"]  # fmt: skip
    list_filter = [NeedsReviewFilter, IndexFilter, "definition_source", "named_by_editor", "featured"]
    search_fields = ["term", "english", "abbreviation"]
    readonly_fields = ["slug", "posts", "public_posts", "conflict_summary"]
    fields = ["term", "english", "abbreviation", "named_by_editor", "featured", "definition", "definition_source",
              "slug", "posts", "public_posts", "conflict_summary"]  # fmt: skip
    inlines = [AliasInline, VariantInline, UseInline]
    actions = ["adopt_most_used", "dismiss_review", "merge_entries"]
    # The counts are stored (glossary_curation.refresh): sorting 56,617 entries by them is an index scan.
    ordering = ["-public_posts", "-posts", "pk"]
    list_per_page = 100
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        """Names by substring; other spellings by their matching key (an index look-up: a
        substring search joined to 115,000 aliases took 0.9 s on the whole site)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        key = glossary.normalize(search_term)
        if key:
            found = found | queryset.filter(pk__in=GlossaryAlias.objects.filter(key=key).values("entry"))
        return found, duplicates

    @admin.display(boolean=True, description=gettext_lazy("in the index"))
    def in_index(self, entry):
        return entry.is_indexed

    @admin.display(boolean=True, description=gettext_lazy("needs review"), ordering="conflict")
    def needs_review(self, entry):
        return entry.conflict

    def save_model(self, request, obj, form, change):
        if change and ({"definition_zh_hans", "definition_en"} & set(form.changed_data)):
            obj.definition_source = GlossaryEntry.Source.EDITOR  # never overwritten by extraction again
        if change and {"term", "english", "abbreviation"} & set(form.changed_data):
            obj.named_by_editor = True  # the editor's name stands (untick it to derive it again)
        super().save_model(request, obj, form, change)
        content.glossary_touched([obj.pk])  # an unticked "name chosen by an editor" is derived again
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
            glossary_curation.dismiss([entry])  # the editor has decided what the term is
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
            content.glossary_touched([entry.pk, new.pk])
            content.glossary_changed([entry.pk, new.pk], by=request.user)
        messages.success(request, _("“%(post)s” now uses its own entry.") % {"post": link.post})
        return redirect("admin:editorial_glossaryentry_change", new.pk)

    def _decide(self, request, queryset, decision, title):
        ids = list(queryset.values_list("pk", flat=True))
        if decision == "merge" and len(ids) < 2:
            self.message_user(request, _("Select two or more entries to merge."), messages.WARNING)
            return None
        job = jobs.start("glossary_decision", title % {"n": len(ids)}, params={"decision": decision, "entries": ids},
                         by=request.user)  # fmt: skip
        return redirect("admin:editorial_job_change", job.pk)

    @admin.action(description=gettext_lazy("Adopt the most used definition for the selected entries"))
    def adopt_most_used(self, request, queryset):
        return self._decide(request, queryset, "adopt", _("Adopt the most used definition for %(n)d entries"))

    @admin.action(description=gettext_lazy("Dismiss the review of the selected entries"))
    def dismiss_review(self, request, queryset):
        return self._decide(request, queryset, "dismiss", _("Dismiss the review of %(n)d entries"))

    @admin.action(description=gettext_lazy("Merge the selected entries into one"))
    def merge_entries(self, request, queryset):
        return self._decide(request, queryset, "merge", _("Merge %(n)d glossary entries into one"))


def _posts_using(entry_ids):
    return sorted(set(GlossaryUse.objects.filter(entry_id__in=entry_ids).values_list("post_id", flat=True)))
