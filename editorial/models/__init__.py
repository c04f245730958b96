from .glossary import GlossaryAlias, GlossaryEntry, GlossaryUse, GlossaryVariant
from .posts import Entity, Post, PostEntity, PostQuerySet, SearchDocument, Status, TaggedPost, validate_slug_text
from .workflow import PREVIEW_SALT, PreviewLink, StatusChange

__all__ = [
    "PREVIEW_SALT",
    "Entity",
    "GlossaryAlias",
    "GlossaryEntry",
    "GlossaryUse",
    "GlossaryVariant",
    "Post",
    "PostEntity",
    "PostQuerySet",
    "PreviewLink",
    "SearchDocument",
    "Status",
    "StatusChange",
    "TaggedPost",
    "validate_slug_text",
]
