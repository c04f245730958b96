import contextlib
import logging

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from reversion.admin import VersionAdmin
from taggit.models import Tag

from . import admin_glossary, admin_jobs, admin_vocabulary, caching, content, jobs, rendering, search, sources, workflow  # noqa: F401 (admin_glossary, admin_jobs, admin_vocabulary register themselves)
from .admin_desk import EditorDeskMixin
from .admin_languages import LanguageLabelsMixin
from .admin_workflow import MineFilter, WorkflowAdminMixin
from .forms import BulkEditForm, ImportUploadForm, PostAdminForm, RenameSourceForm
from .models import Entity, Post, PostEntity, Status
from .uploads import start_import

logger = logging.getLogger(__name__)

LIST_DEFERRED = ["body", "body_zh_hans", "body_en", "body_html", "body_html_zh_hans", "body_html_en", "front_matter"]
LIST_DEFERRED += ["toc", "summary", "summary_zh_hans", "summary_en", "insight", "insight_zh_hans", "insight_en"]
LIST_DEFERRED += ["translation_state__passages", "translation_state__stale"]


class PostEntityInline(admin.TabularInline):
    model = PostEntity
    autocomplete_fields = ["entity"]
    ordering = ["position"]
    extra = 0
    verbose_name = _("mention")
    verbose_name_plural = _("people, organisations, products, media and projects mentioned")


class EnglishFilter(admin.SimpleListFilter):
    title = _("English version")
    parameter_name = "english"

    def lookups(self, request, model_admin):
        return [("yes", _("Has an English title")), ("no", _("Chinese only"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(title_en__isnull=True).exclude(title_en="")
        if self.value() == "no":
            return queryset.filter(title_en__isnull=True) | queryset.filter(title_en="")
        return queryset


class TranslationFilter(admin.SimpleListFilter):
    """Items by translation state (models/translation_state.py)."""

    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("stale", _("Originals changed since their Chinese")),
            ("missing", _("Originals without Chinese")),
            ("no-title", _("No English title")),
            ("no-summary", _("No English summary")),
            ("complete", _("Complete")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "stale":
            return queryset.filter(translation_state__stale_count__gt=0)
        if value == "missing":
            return queryset.filter(translation_state__missing__gt=0)
        if value == "no-title":
            return queryset.filter(translation_state__english_title=False)
        if value == "no-summary":
            return queryset.filter(translation_state__english_summary=False)
        if value == "complete":
            return queryset.filter(
                translation_state__stale_count=0,
                translation_state__missing=0,
                translation_state__english_title=True,
                translation_state__english_summary=True,
            )
        return queryset


DATE_PARTS = {"year": 9999, "month": 12, "day": 31}


def _bad_date_part(name, value):
    part = name.rsplit("__", 1)[-1]
    if part not in DATE_PARTS:
        return False
    return not (value.isdigit() and 1 <= int(value) <= DATE_PARTS[part])


class TagFilter(admin.SimpleListFilter):
    """The most used tags, and any other by its slug (a tag's "posts" link in the tag list):
    Django's own filter listed all 14,728 tags of the real site, 1.2 MB on every page of the list."""

    title = _("tag")
    parameter_name = "tag"
    SHOWN = 30

    def lookups(self, request, model_admin):
        choices = list(caching.per_generation("admin-top-tags", self._top))  # a count over every tagging
        if self.value() and all(slug != self.value() for slug, _label in choices):
            chosen = Tag.objects.filter(slug=self.value()).first()
            if chosen is not None:
                choices.insert(0, (chosen.slug, chosen.name))
        return choices

    def queryset(self, request, queryset):
        return queryset.filter(tags__slug=self.value()) if self.value() else queryset

    @classmethod
    def _top(cls):
        top = Tag.objects.annotate(n=Count("editorial_taggedpost_items")).order_by("-n", "name")[: cls.SHOWN]
        return [(tag.slug, f"{tag.name} ({tag.n})") for tag in top]


@admin.register(Post)
class PostAdmin(EditorDeskMixin, WorkflowAdminMixin, LanguageLabelsMixin, VersionAdmin, TabbedTranslationAdmin):
    form = PostAdminForm
    change_list_template = "admin/editorial/post/change_list.html"
    change_form_template = "admin/editorial/post/change_form.html"
    object_history_template = "admin/editorial/post/object_history.html"
    list_display = ["title", "kind", "status", "is_public", "date", "category", "has_english", "translation"]
    list_display += ["author", "updated_at"]
    list_display_links = ["title"]
    list_filter = [
        "kind",
        "status",
        MineFilter,
        EnglishFilter,
        TranslationFilter,
        "unlisted",
        "area",
        "category",
        TagFilter,
    ]
    list_select_related = ["author", "translation_state"]
    search_fields = ["title_zh_hans", "title_en", "summary_zh_hans", "summary_en", "slug", "speaker", "guest"]
    date_hierarchy = "date"
    list_per_page = 50
    show_full_result_count = False
    inlines = [PostEntityInline]
    actions = [*WorkflowAdminMixin.actions, "edit_fields"]
    readonly_fields = ["status", "created_at", "updated_at", "imported_at", "other_front_matter"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "summary", "insight"]}),
        (_("Body"), {"fields": ["body"]}),
        (_("Source"), {"fields": ["date", "source_url", "speaker", "guest"]}),
        (_("Classification"), {"fields": ["area", "category", "tags", "series", "series_order"]}),
        (
            _("Publishing"),
            {
                "fields": ["status", "published_at", "unlisted", "author"],
                "description": _(
                    "Readers see a post that is published or evergreen once its publication time has come. "
                    "Unlisted posts are reachable at their address but appear in no list. The status changes "
                    "only through the workflow buttons above: an author submits a draft for review; an editor "
                    "publishes it, requests changes, marks it evergreen or archives it."
                ),
            },
        ),
        (
            _("History"),
            {"classes": ["collapse"], "fields": ["created_at", "updated_at", "imported_at", "other_front_matter"]},
        ),
    ]

    @admin.display(boolean=True, description=_("public"))
    def is_public(self, obj):
        return obj.is_public

    def get_search_results(self, request, queryset, search_term):
        """Titles, summaries, slugs and people by substring, and bodies through the search index
        the reading site uses (Chinese phrases, English words; every status): 美联储 found 18
        posts here against 32 in public search when bodies were skipped, and a substring search
        over the bodies would read every one of them."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        query = search.Query.parse(search_term)
        if query.terms:
            found = found | queryset.filter(pk__in=search.matching(query))
        return found, duplicates

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if (
            request.method == "GET"
            and request.resolver_match
            and request.resolver_match.url_name.endswith("changelist")
        ):
            # The list shows none of the bodies; at 10,000 posts, loading them is most of its time.
            queryset = queryset.defer(*LIST_DEFERRED)
        return queryset

    @admin.display(description=_("translation"))
    def translation(self, obj):
        state = getattr(obj, "translation_state", None)
        if state is None or not state.originals:
            return "—"
        parts = []
        if state.missing:
            parts.append(_("%(n)d without Chinese") % {"n": state.missing})
        if state.stale_count:
            parts.append(_("%(n)d changed originals") % {"n": state.stale_count})
        return " · ".join(parts) or _("%(n)d passages, all translated") % {"n": state.originals}

    @admin.display(boolean=True, description=_("English"), ordering="title_en")
    def has_english(self, obj):
        return obj.has_english

    @admin.display(description=_("other front matter"))
    def other_front_matter(self, obj):
        extra = (obj.front_matter or {}).get("extra") or {}
        return ", ".join(f"{key}: {value!r}" for key, value in sorted(extra.items())) or "—"

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        request._editorial_before = content.Before.of(obj.pk) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        content.saved(
            form.instance,
            before=getattr(request, "_editorial_before", None),
            created=not change,
            by=request.user,
            restored=getattr(request, "_editorial_restoring", False),
        )
        self.forget_autosave(request, form.instance, created=not change)

    def delete_model(self, request, obj):
        with transaction.atomic():
            content.deleting([obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            content.deleting(list(queryset.only("kind", "slug")))
            super().delete_queryset(request, queryset)

    def add_view(self, request, form_url="", extra_context=None):
        with self._rendered_ahead(request):
            return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        with self._rendered_ahead(request):
            return super().change_view(request, object_id, form_url, extra_context)

    @contextlib.contextmanager
    def _rendered_ahead(self, request):
        """Render the posted bodies as the form will clean them (LF line ends, stripped) before
        the save's transaction (reversion's, opened around the whole view): on SQLite that holds
        the write lock from its start, and a long body's render kept every other editor waiting."""
        if request.method == "POST":
            for code in rendering.LANGUAGE_SUFFIXES:
                text = request.POST.get(f"body_{code}")
                if text:
                    rendering.prerender(PostAdminForm.as_cleaned(text), code)
        try:
            yield
        finally:
            rendering.forget_prerendered()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        post = self.get_object(request, object_id) if object_id else None
        extra_context = {**(extra_context or {}), **self.desk_context(request, post)}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (PermissionDenied, Http404):
            raise
        except Exception:
            if request.method != "POST" or getattr(request, "_editorial_save_failed", False):
                raise
            # Nothing was saved (the transaction rolled back). Show the form again with every
            # character the editor typed, and say so, instead of a 500 page that loses it all.
            logger.exception("saving post %s failed", object_id)
            request._editorial_save_failed = True
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not getattr(request, "_editorial_save_failed", False):
            return form

        class SaveFailed(form):
            def clean(self):
                cleaned = super().clean()
                raise ValidationError(
                    _(
                        "The post could not be saved because of an error on the server; nothing was "
                        "changed. Your text is still in the form: try again, or copy it somewhere safe."
                    ),
                    code="save_failed",
                )
                return cleaned

        return SaveFailed

    def revision_view(self, request, object_id, version_id, extra_context=None):
        request._editorial_restoring = True  # revisions hold no HTML: render everything on save
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        request._editorial_restoring = True
        return super().recover_view(request, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if not str(object_id).isdigit():  # an address typed by hand: no such post, not a 500
            raise Http404(_("No post with that id."))
        return super().history_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        """A date filter outside the years 1–9999 (``?date__year=99999999999``) overflowed into
        a 500: drop it and say so."""
        bad = [name for name, value in request.GET.items() if _bad_date_part(name, value)]
        if bad:
            query = request.GET.copy()
            for name in bad:
                del query[name]
            messages.warning(request, _("That date is not one the list can show; the filter was removed."))
            return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
        return super().changelist_view(request, extra_context)

    def view_on_site(self, obj):
        return (
            obj.get_absolute_url()
            if obj.is_public
            else reverse("editorial:post-preview", kwargs={"kind": obj.kind, "slug": obj.slug})
        )

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="editorial_post_import"),
            path(
                "rename-source/",
                self.admin_site.admin_view(self.rename_source_view),
                name="editorial_post_rename_source",
            ),
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        """Upload .md files (or a .zip of them): they are saved for the worker, and the editor
        follows the import on its job's page (the same per-file report as the command)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        may_publish = request.user.has_perm("editorial.publish_post")
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                # Only someone who may publish may bring posts in as public.
                hold = form.cleaned_data["hold"] or (None if may_publish else Status.DRAFT)
                job = start_import(
                    form.cleaned_data["files"],
                    by=request.user,
                    hold=hold,
                    overwrite=form.cleaned_data["overwrite"],
                    dry_run=form.cleaned_data["dry_run"],
                )
                return redirect("admin:editorial_job_change", job.pk)
        else:
            form = ImportUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import Markdown"),
            "form": form,
            "may_publish": may_publish,
        }
        return TemplateResponse(request, "admin/editorial/post/import.html", context)

    PREVIEW_ROWS = 200

    @admin.action(description=_("Edit fields of the selected posts"))
    def edit_fields(self, request, queryset):
        """Area, category, series and tags on a whole selection (all of a filtered list too): a
        form first, then one job with a revision per changed item."""
        mine = [
            post
            for post in queryset.select_related(None).only("pk", "author_id", "status")
            if workflow.may_edit(request.user, post)
        ]
        refused = queryset.count() - len(mine)
        form = BulkEditForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            changes = form.cleaned_data["changes"]
            title = _("Edit fields of %(n)d posts") % {"n": len(mine)}
            job = jobs.start(
                "bulk_edit", title, params={"posts": [p.pk for p in mine], "changes": changes}, by=request.user
            )
            return redirect("admin:editorial_job_change", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Edit fields of the selected posts"),
            "form": form,
            "count": len(mine),
            "refused": refused,
            "select_across": request.POST.get("select_across", "0"),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "sample": list(queryset.select_related(None).only("pk", "kind", "slug", "title_zh_hans", "title_en")[:20]),
        }
        return TemplateResponse(request, "admin/editorial/post/bulk_edit.html", context)

    def rename_source_view(self, request):
        """Rename a speaker or guest on every item: first a preview of each item's change, then
        one job (a revision per item) on confirmation."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else (request.GET if "old" in request.GET else None)
        form = RenameSourceForm(data)
        rows = None
        if form.is_valid():
            old, new = form.cleaned_data["old"], form.cleaned_data["new"]
            candidates = sources.posts_naming(old).only("kind", "slug", "title_zh_hans", "title_en", "speaker", "guest")
            rows = [
                (post, after) for post in candidates if (after := sources.renamed(post.speaker, post.guest, old, new))
            ]
            if request.method == "POST" and rows:
                title = _("Rename the source “%(old)s” to “%(new)s”") % {"old": old, "new": new}
                job = jobs.start("source_rename", title, params={"old": old, "new": new}, by=request.user)
                return redirect("admin:editorial_job_change", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Rename a source"),
            "form": form,
            "rows": rows[: self.PREVIEW_ROWS] if rows is not None else None,
            "count": len(rows or ()),
            "more": max(0, len(rows or ()) - self.PREVIEW_ROWS),
        }
        return TemplateResponse(request, "admin/editorial/post/rename_source.html", context)


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "post_count"]
    list_filter = ["kind"]
    search_fields = ["name"]
    ordering = ["name", "kind"]
    readonly_fields = ["slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("post_links__post", distinct=True))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        content.entities_changed([obj.pk])

    def delete_model(self, request, obj):
        with transaction.atomic():
            content.entities_changed([obj.pk])  # before: afterwards no post names it
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            content.entities_changed(list(queryset.values_list("pk", flat=True)))
            super().delete_queryset(request, queryset)

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count


class TagUsageFilter(admin.SimpleListFilter):
    """The single-use audit: most of the real site's tags name one post and get no page."""

    title = _("used by")
    parameter_name = "used"

    def lookups(self, request, model_admin):
        pages = settings.EDITORIAL_TAG_PAGE_MIN_POSTS
        return [
            ("0", _("no post")),
            ("1", _("one post")),
            ("few", _("2 to %(n)s posts (no page)") % {"n": pages - 1}),
            ("page", _("%(n)s posts or more (a page)") % {"n": pages}),
        ]

    def queryset(self, request, queryset):
        pages = settings.EDITORIAL_TAG_PAGE_MIN_POSTS
        match self.value():
            case "0" | "1":
                return queryset.filter(post_count=int(self.value()))
            case "few":
                return queryset.filter(post_count__gte=2, post_count__lt=pages)
            case "page":
                return queryset.filter(post_count__gte=pages)
        return queryset


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Tags, renamed or deleted through the content service (their posts' pages change).

    Not taggit's own admin: its inline and its "merge" action work on taggit's generic
    TaggedItem, which our posts do not use (TaggedPost), so they showed nothing and merged nothing.
    """

    list_display = ["name", "slug", "post_count", "has_page"]
    list_filter = [TagUsageFilter]
    ordering = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("editorial_taggedpost_items"))

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, tag):
        url = reverse("admin:editorial_post_changelist") + "?" + urlencode({"tag": tag.slug})
        return format_html('<a href="{}">{}</a>', url, tag.post_count)

    @admin.display(boolean=True, description=_("has a page"))
    def has_page(self, tag):
        """The reading site gives a tag its page from this many posts (as the old site did)."""
        return tag.post_count >= settings.EDITORIAL_TAG_PAGE_MIN_POSTS

    actions = ["merge_tags"]

    @admin.action(description=_("Merge the selected tags into the most used one"))
    def merge_tags(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        if len(ids) < 2:
            self.message_user(request, _("Select two or more tags to merge."), messages.WARNING)
            return None
        title = _("Merge %(n)d tags into the most used one") % {"n": len(ids)}
        job = jobs.start("tag_merge", title, params={"tags": ids}, by=request.user)
        return redirect("admin:editorial_job_change", job.pk)

    def save_model(self, request, obj, form, change):
        old_slug = Tag.objects.filter(pk=obj.pk).values_list("slug", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        content.tag_renamed(obj, old_slug)

    def delete_model(self, request, obj):
        with transaction.atomic():
            content.tags_changed([obj.pk])  # before: afterwards no post has it
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            content.tags_changed(list(queryset.values_list("pk", flat=True)))
            super().delete_queryset(request, queryset)
