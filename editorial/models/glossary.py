from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ..slugs import pinyin_slug
from .posts import Post


class GlossaryEntryQuerySet(models.QuerySet):
    def public(self):
        """Entries with a page: used by at least one post readers can find (listed and public).

        ``public_posts`` is kept by ``glossary_curation.refresh`` whenever a post using the
        entry is saved, changes state, comes due or goes."""
        return self.filter(public_posts__gte=1)

    def in_index(self):
        """Public entries a reader benefits from browsing: used by at least
        ``EDITORIAL_GLOSSARY_MIN_POSTS`` public posts, or featured by an editor. The others
        keep a page (not indexed by search engines) and are explained in their posts."""
        return self.public().filter(
            models.Q(public_posts__gte=settings.EDITORIAL_GLOSSARY_MIN_POSTS) | models.Q(featured=True)
        )

    def needs_review(self):
        """Entries whose posts disagree on what the term is (not merely on wording), and no
        editor has settled it; ``conflict_rank`` orders them by how many readers it affects."""
        return self.filter(conflict=True)


class GlossaryEntry(models.Model):
    """One concept, shared by every post that defines it. Its definition is translated."""

    class Source(models.TextChoices):
        EXTRACTED = "extracted", _("Taken from a post")
        EDITOR = "editor", _("Written or chosen by an editor")

    term = models.CharField(_("term"), max_length=200, help_text=_("Usually the Chinese term."))
    english = models.CharField(_("English term"), max_length=300, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=60, blank=True)
    definition = models.TextField(_("definition"), blank=True)  # _zh_hans / _en via modeltranslation
    definition_source = models.CharField(
        _("definition from"),
        max_length=20,
        choices=Source,
        default=Source.EXTRACTED,
        help_text=_("An editor's definition is never replaced by one found in a post."),
    )
    slug = models.CharField(_("slug"), max_length=220)
    named_by_editor = models.BooleanField(
        _("name chosen by an editor"),
        default=False,
        help_text=_(
            "Otherwise the term is the Chinese form most public posts use, and the English term the "
            "English name they give most."
        ),
    )
    featured = models.BooleanField(
        _("in the public index"),
        default=False,
        help_text=_("List it in the public glossary however few posts use it."),
    )
    # Derived by glossary_curation.refresh from the posts' own definitions.
    posts = models.PositiveIntegerField(_("posts"), default=0, editable=False)
    public_posts = models.PositiveIntegerField(_("public posts"), default=0, editable=False, db_index=True)
    conflict = models.BooleanField(_("needs review"), default=False, editable=False, db_index=True)
    conflict_summary = models.CharField(_("disagreement"), max_length=500, blank=True, editable=False)
    dismissed = models.CharField(
        max_length=64, blank=True, editable=False, help_text="The disagreement an editor dismissed (its fingerprint)."
    )
    # Sorting and grouping in the public index: pinyin for Chinese, letters for English.
    sort_zh = models.CharField(max_length=300, editable=False, default="")
    initial_zh = models.CharField(max_length=1, editable=False, default="#", db_index=True)
    sort_en = models.CharField(max_length=300, editable=False, default="")
    initial_en = models.CharField(max_length=1, editable=False, default="#", db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GlossaryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("glossary entry")
        verbose_name_plural = _("glossary entries")
        ordering = ["sort_zh", "pk"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="glossaryentry_slug_unique")]
        indexes = [  # the public index pages through entries in each language's order, by initial
            models.Index(fields=["sort_zh", "id"], name="glossaryentry_sort_zh"),
            models.Index(fields=["sort_en", "id"], name="glossaryentry_sort_en"),
            models.Index(fields=["initial_zh", "sort_zh", "id"], name="glossaryentry_initial_zh"),
            models.Index(fields=["initial_en", "sort_en", "id"], name="glossaryentry_initial_en"),
        ]

    def __str__(self):
        return f"{self.term} ({self.english})" if self.english and self.english != self.term else self.term

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("editorial:glossary-detail", kwargs={"slug": self.slug})

    @property
    def is_indexed(self):
        """In the public index: ``GlossaryEntryQuerySet.in_index`` for one entry in hand."""
        return self.featured or self.public_posts >= settings.EDITORIAL_GLOSSARY_MIN_POSTS

    def fill_derived(self):
        """Slug, sort keys and index initials (also called before bulk_create)."""
        from pypinyin import lazy_pinyin

        pinyin = " ".join(lazy_pinyin(self.term)).lower() if not self.term.isascii() else self.term.lower()
        self.sort_zh = pinyin[:300]
        self.initial_zh = _initial(pinyin)
        english = (self.english or self.abbreviation or self.term).lower()
        self.sort_en = english[:300]
        self.initial_en = _initial(english if english.isascii() else pinyin)
        if not self.slug:
            source = self.english if self.english.isascii() and self.english else pinyin
            self.slug = slugify(source)[:200].strip("-") or pinyin_slug(self.term) or "term"


def _initial(text):
    first = text.strip()[:1].upper()
    return first if "A" <= first <= "Z" else "#"


class GlossaryAlias(models.Model):
    """Another spelling or rendering of an entry; ``key`` is what matching compares."""

    entry = models.ForeignKey(GlossaryEntry, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(_("alias"), max_length=300)
    key = models.CharField(_("matching key"), max_length=300, editable=False)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        ordering = ["text"]
        constraints = [models.UniqueConstraint(fields=["key"], name="glossaryalias_key_unique")]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        from ..glossary import normalize

        self.key = normalize(self.text)
        super().save(*args, **kwargs)


class GlossaryUse(models.Model):
    """A post that defines an entry, and how often. ``pinned``: an editor fixed this link."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="glossary_uses")
    entry = models.ForeignKey(GlossaryEntry, on_delete=models.CASCADE, related_name="uses")
    count = models.PositiveIntegerField(_("times defined"), default=1)
    term_key = models.CharField(max_length=300, editable=False, default="", db_index=True)
    # What this post itself says (its first definition of the entry): the entry's public
    # name and definition are derived from these, from public posts only.
    term = models.CharField(_("term"), max_length=200, blank=True, default="")
    chinese = models.CharField(_("Chinese name"), max_length=200, blank=True, default="")
    english = models.CharField(_("English term"), max_length=300, blank=True, default="")
    abbreviation = models.CharField(_("abbreviation"), max_length=60, blank=True, default="")
    definition = models.TextField(_("definition"), blank=True, default="")
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("Set when an editor split or moved this post's term.")
    )

    class Meta:
        verbose_name = _("use in a post")
        verbose_name_plural = _("uses in posts")
        ordering = ["-count", "post"]
        constraints = [models.UniqueConstraint(fields=["post", "entry"], name="glossaryuse_post_entry_unique")]

    def __str__(self):
        return f"{self.entry} ← {self.post}"


class GlossaryVariant(models.Model):
    """A definition found in a post that differs from its entry's, waiting for an editor."""

    entry = models.ForeignKey(GlossaryEntry, on_delete=models.CASCADE, related_name="variants")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    term = models.CharField(_("term"), max_length=200)
    english = models.CharField(_("English term"), max_length=300, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=60, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    raw = models.TextField(_("as written"), blank=True)
    fingerprint = models.CharField(max_length=64, editable=False)
    reviewed = models.BooleanField(_("reviewed"), default=False)
    created_at = models.DateTimeField(_("seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("definition variant")
        verbose_name_plural = _("definition variants")
        ordering = ["reviewed", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["entry", "post", "fingerprint"], name="glossaryvariant_unique")]

    def __str__(self):
        return self.raw or self.definition
