import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from .. import kinds, rendering
from ..slugs import unique_slug
from . import source_files
from .packed import PackedText, PackedTextField


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    EVERGREEN = "evergreen", _("Evergreen")
    ARCHIVED = "archived", _("Archived")

    @classmethod
    def public(cls):
        """The states in which readers may see a post (once its time has come)."""
        return (cls.PUBLISHED, cls.EVERGREEN)


CARD_FIELDS = [
    "kind",
    "slug",
    "title_zh_hans",
    "title_en",
    "summary_zh_hans",
    "summary_en",
    "date",
    "published_at",
    "speaker",
    "english_originals",
]


class TranslatedTextField(models.TextField):
    """A text field translated by modeltranslation whose own column stays empty.

    modeltranslation keeps the original column beside ``_zh_hans`` and ``_en`` and writes the
    active language's value into it on every save: for a post's body and HTML, a second copy
    of the largest columns of the database. Every read goes through the language columns, so
    the original one is written empty (the translation fields, subclasses of this one, are not).
    """

    def pre_save(self, model_instance, add):
        if getattr(self, "translated_field", None) is None:
            return ""
        return super().pre_save(model_instance, add)


class PackedTranslatedTextField(PackedText, TranslatedTextField):
    """A translated text column kept compressed on SQLite (models/packed.py): the bodies and their
    HTML, read whole and never searched or ordered by in SQL."""


class PostQuerySet(models.QuerySet):
    def public(self):
        """Posts a reader may see: published or evergreen, and not scheduled for later.

        The one definition every public surface uses. Unlisted posts are included:
        they are reachable at their URL; listings use ``listed()``.
        """
        return self.filter(status__in=Status.public(), published_at__lte=timezone.now())

    def listed(self):
        """Public posts that appear in listings, feeds and search (not unlisted)."""
        return self.public().filter(unlisted=False)

    def cards(self):
        """What a list of posts shows (includes/post_cards.html), newest first, never the bodies."""
        return self.only(*CARD_FIELDS).order_by("-published_at", "slug", "pk")

    def in_review(self):
        return self.filter(status=Status.REVIEW)

    def scheduled(self):
        return self.filter(status__in=Status.public(), published_at__gt=timezone.now())


SLUG_MAX_BYTES = 250  # a file name holds 255 bytes: the slug names a folder and "<slug>.md"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def validate_slug_text(value):
    """The one rule for an item's address, for the admin and every import. Imported slugs are
    file stems: any character but "/", control characters and surrounding blanks; never "." or
    ".." (they named the static copy's own folders); at most SLUG_MAX_BYTES bytes of UTF-8."""
    if "/" in value or value != value.strip() or not value:
        raise ValidationError(_("A slug cannot be empty, contain “/”, or start or end with a space."), code="shape")
    if value in (".", "..") or _CONTROL.search(value):
        raise ValidationError(_("A slug cannot be “.” or “..” or hold control characters."), code="special")
    size = len(value.encode())
    if size > SLUG_MAX_BYTES:
        raise ValidationError(
            _("A slug is at most %(max)d bytes (about %(cjk)d Chinese characters); this one is %(size)d."),
            params={"max": SLUG_MAX_BYTES, "cjk": SLUG_MAX_BYTES // 3, "size": size},
            code="long",
        )


class Post(models.Model):
    # Translated through modeltranslation (editorial/translation.py): title, summary,
    # insight, body and the derived body_html get _zh_hans and _en columns.
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    insight = models.TextField(_("insight"), blank=True)
    body = PackedTranslatedTextField(
        _("body"),
        blank=True,
        help_text=_(
            "Edited as passages, each paragraph beside its original; the Markdown tab shows the text itself, "
            "each original in the folding block after its paragraph, as in the imported files."
        ),
    )
    body_html = PackedTranslatedTextField(_("rendered body"), blank=True, editable=False)
    # Derived from the Chinese body when it is rendered: chapters for the outline, reading time.
    toc = models.JSONField(_("chapters"), default=list, blank=True, editable=False)
    reading_minutes = models.PositiveIntegerField(_("reading time (minutes)"), default=0, editable=False)
    # Whether the Chinese body keeps English originals: its English edition reads them as the main text.
    english_originals = models.BooleanField(_("keeps the English originals"), default=False, editable=False)

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=kinds.CHOICES,
        default=kinds.WRITTEN_HERE,
        help_text=_("Note, post, clipping or book note: each has its own addresses and list."),
    )
    slug = models.CharField(
        _("slug"),
        max_length=255,
        blank=True,
        validators=[validate_slug_text],
        help_text=_("The item's address within its kind. Left empty, it is made from the title."),
    )
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("The date of the talk or article."))
    source_url = models.CharField(_("source URL"), max_length=500, blank=True)
    speaker = models.CharField(_("speaker"), max_length=300, blank=True, help_text=_("Usually the channel."))
    guest = models.CharField(_("guest"), max_length=300, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True, db_index=True)
    category = models.CharField(_("category"), max_length=100, blank=True, db_index=True)
    series = models.CharField(_("series"), max_length=300, blank=True, db_index=True)
    series_order = models.PositiveIntegerField(_("order in series"), null=True, blank=True)
    tags = TaggableManager(_("tags"), through="TaggedPost", blank=True)
    entities = models.ManyToManyField("Entity", through="PostEntity", related_name="posts", blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("Readers see the post from this time on. A time in the future schedules it."),
    )
    unlisted = models.BooleanField(
        _("unlisted"),
        default=False,
        help_text=_("Reachable at its address but left out of listings, feeds and search (the old “exclude”)."),
    )

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Provenance of an imported post: what the file said that we do not model, and
    # the fingerprint of the file last imported (an unchanged file is skipped).
    # Bumped by every save; a form holding an older number is refused (no silent overwrite).
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    front_matter = models.JSONField(_("other front matter"), default=dict, blank=True, editable=False)
    import_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    # The file as it was last imported, byte for byte (compressed; while the item's body is the one
    # the file ends with, without that body: source_files.py). Read it with imported_file(): an item
    # nobody edited exports as these bytes, an edited one as the smallest change to them (exporters.py).
    source_file = models.BinaryField(_("imported file"), null=True, blank=True, editable=False)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "slug"]
        permissions = [
            ("submit_post", _("Can submit posts for review")),
            ("review_post", _("Can review posts and request changes")),
            ("publish_post", _("Can publish, archive and mark posts evergreen")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="post_kind_slug_unique"),
            models.CheckConstraint(
                condition=~Q(status__in=Status.public()) | Q(published_at__isnull=False),
                name="post_public_needs_published_at",
                violation_error_message=_("A published post needs a publication time."),
            ),
        ]
        indexes = [
            # Covers listed()/public() id lookups: SQLite then never reads a post's row, whose
            # later columns sit behind the body's overflow pages.
            models.Index(fields=["status", "published_at", "unlisted"], name="post_visibility"),
            # Lists (cards()): newest first, read in index order and stopped after a page.
            models.Index(fields=["-published_at", "slug"], name="post_listing"),
            models.Index(fields=["-date", "slug"], name="post_date_slug"),
        ]

    def __str__(self):
        return self.title or self.slug

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                Post, self.title_zh_hans or self.title_en or self.title, fallback=self.kind, scope={"kind": self.kind}
            )
        changed = self.render_bodies() + self._keep_source_file(kwargs.get("update_fields"))
        self.version = (self.version or 0) + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | set(changed) | {"version", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("editorial:post-detail", kwargs={"kind": self.kind, "slug": self.slug})

    def _keep_source_file(self, update_fields):
        """Keep ``source_file`` short while the body is the one it was imported with (source_files.py)."""
        if not self.source_file or (update_fields is not None and "body_zh_hans" not in update_fields):
            return []
        body = self.body_zh_hans or ""
        if source_files.is_short(self.source_file):
            rows = list(Post.objects.filter(pk=self.pk).values_list("body_zh_hans", flat=True)) if self.pk else []
            if not rows or (rows[0] or "") == body:
                return []  # nothing stored yet (it is the file's body), or the body is unchanged
            self.source_file = source_files.made_whole(self.source_file, rows[0])
            return ["source_file"]
        short = source_files.shortened(self.source_file, body)
        if short is None:
            return []
        self.source_file = short
        return ["source_file"]

    def imported_file(self):
        """The file this item was last imported from, byte for byte; None for an item never imported."""
        if not self.source_file:
            return None
        return source_files.whole(self.source_file, self.body_zh_hans)

    @property
    def kind_info(self):
        return kinds.get(self.kind)

    @property
    def details(self):
        """What the item's kind shows of its front matter: [(label, value)] (a book's author…)."""
        extra = (self.front_matter or {}).get("extra") or {}
        return [(label, extra[key]) for key, label in self.kind_info.details if extra.get(key) not in (None, "")]

    @property
    def cover_link(self):
        extra = (self.front_matter or {}).get("extra") or {}
        url = next((str(extra[k]) for k in kinds.COVER_KEYS if extra.get(k)), "")
        return url if url.lower().startswith(("https://", "http://")) else ""

    @property
    def is_public(self):
        return self.status in Status.public() and self.published_at is not None and self.published_at <= timezone.now()

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._rendered_bodies = {
            name: value
            for name, value in zip(field_names, values, strict=True)
            if name.startswith("body_") and "html" not in name
        }
        return instance

    def use_rendered(self, code, rendered):
        """Take a rendering (rendering.Rendered) already made from this post's current body."""
        self._apply_rendered(code, rendered)
        done = getattr(self, "_rendered_bodies", None) or {}
        done[f"body_{code}"] = getattr(self, f"body_{code}") or ""
        self._rendered_bodies = done

    def _apply_rendered(self, code, rendered):
        setattr(self, f"body_html_{code}", rendered.html)
        if code == rendering.LANGUAGE_SUFFIXES[0]:
            self.toc, self.reading_minutes = rendered.toc, rendered.minutes
            self.english_originals = rendering.ENGLISH_ORIGINAL_MARK in rendered.html
            return [f"body_html_{code}", "toc", "reading_minutes", "english_originals"]
        return [f"body_html_{code}"]

    def render_bodies(self, *, force=False):
        """Store the sanitised HTML of each language's body (only what changed)."""
        changed = []
        for code in rendering.LANGUAGE_SUFFIXES:
            source = getattr(self, f"body_{code}") or ""
            rendered = getattr(self, "_rendered_bodies", None)
            if force or rendered is None or (rendered.get(f"body_{code}") or "") != source:
                changed.extend(self._apply_rendered(code, rendering.render(source, code)))
        self._rendered_bodies = {f"body_{c}": getattr(self, f"body_{c}") or "" for c in rendering.LANGUAGE_SUFFIXES}
        return changed

    def ordered_tag_names(self):
        """Tag names in the order they were given (taggit itself keeps no order)."""
        return [item.tag.name for item in sorted(self.tagged_items.all(), key=lambda i: i.pk)]

    def entity_names(self, kind):
        return [link.entity.name for link in self.entity_links.all() if link.entity.kind == kind]

    @property
    def source_link(self):
        """The source URL if it is a web address a reader may follow (never javascript: or data:)."""
        url = (self.source_url or "").strip()
        return url if url.lower().startswith(("https://", "http://")) else ""

    @property
    def has_english(self):
        return bool(self.title_en)

    @property
    def english_edition(self):
        """What the English page of this item reads: "translated" (editors wrote an English body),
        "originals" (the English originals kept in the Chinese body) or "none" (Chinese only)."""
        if getattr(self, "body_en", None):
            return "translated"
        return "originals" if self.english_originals else "none"

    def language_of(self, field):
        """The language (a BCP 47 tag for ``lang``) of ``field`` as the current page shows it:
        modeltranslation falls back to the other language's text where one is empty."""
        if get_language() == "en":
            return "en" if getattr(self, f"{field}_en", "") else "zh-Hans"
        return "zh-Hans" if getattr(self, f"{field}_zh_hans", "") or not getattr(self, f"{field}_en", "") else "en"


class TaggedPost(TaggedItemBase):
    """Post ↔ tag, kept in the order the tags were given (by primary key)."""

    content_object = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("tagged post")
        verbose_name_plural = _("tagged posts")

    def __str__(self):
        return f"{self.content_object_id} – {self.tag_id}"


class EntityQuerySet(models.QuerySet):
    def public(self):
        """Entities a public post mentions: the others' names appear nowhere readers can go.

        Asked per entity (EXISTS): one entity's page checks its own links instead of listing
        every entity that public posts mention (200,000 links on the real site)."""
        mentioned = PostEntity.objects.filter(entity=models.OuterRef("pk"), post__in=Post.objects.public())
        return self.filter(models.Exists(mentioned))


class Entity(models.Model):
    """A person, organisation, product, work or project that posts mention."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Company or organisation")
        PRODUCT = "product", _("Product or model")
        MEDIA = "media", _("Media or book")
        PROJECT = "project", _("Project")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    name = models.CharField(_("name"), max_length=300)
    slug = models.CharField(_("slug"), max_length=320)

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="entity_kind_name_unique"),
            models.UniqueConstraint(fields=["kind", "slug"], name="entity_kind_slug_unique"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Entity, self.name, fallback=self.kind, scope={"kind": self.kind})
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("editorial:entity-detail", kwargs={"kind": self.kind, "slug": self.slug})


class PostEntity(models.Model):
    """A post's mention of an entity, in the order of the post's list (repeats allowed)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="entity_links", verbose_name=_("post"))
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="post_links", verbose_name=_("entity"))
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        ordering = ["post", "position"]
        constraints = [models.UniqueConstraint(fields=["post", "position"], name="postentity_post_position_unique")]

    def __str__(self):
        return f"{self.post_id} → {self.entity}"


class SearchDocument(models.Model):
    """A post's search tokens (editorial/search.py); the full-text index follows in the database."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, primary_key=True, related_name="search_document")
    tokens = PackedTextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return str(self.post_id)


class SlugRedirect(models.Model):
    """An address an item had before its slug (or kind) changed: answered with a permanent
    redirect to wherever the item is now, in every language, by the legacy router too.

    Tied to the item, not to a target path, so renaming it twice needs no chain and
    deleting it takes its old addresses with it.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=kinds.CHOICES)
    slug = models.CharField(_("old slug"), max_length=255)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="old_slugs", verbose_name=_("post"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        constraints = [models.UniqueConstraint(fields=["kind", "slug"], name="slugredirect_kind_slug_unique")]

    def __str__(self):
        return f"{self.kind}/{self.slug} → {self.post_id}"


class TagRedirect(models.Model):
    """The address of a tag merged into another (``content.merge_tags``): its page and feed
    answer with a permanent redirect to the tag it became. Tied to the surviving tag, so a
    later merge of that one carries these along."""

    slug = models.CharField(_("old slug"), max_length=100, unique=True)
    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="old_slugs", verbose_name=_("tag"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("old tag address")
        verbose_name_plural = _("old tag addresses")

    def __str__(self):
        return f"{self.slug} → {self.tag_id}"
