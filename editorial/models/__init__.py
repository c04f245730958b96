from .drafts import Autosave
from .glossary import GlossaryAlias, GlossaryEntry, GlossaryUse, GlossaryVariant
from .jobs import Job
from .posts import (
    Entity,
    Post,
    PostEntity,
    PostQuerySet,
    SearchDocument,
    SlugRedirect,
    Status,
    TaggedPost,
    TagRedirect,
    validate_slug_text,
)
from .translation_state import TranslationState
from .vocabulary import VocabularyTerm
from .workflow import PREVIEW_SALT, PreviewLink, ReviewAssignment, StatusChange

__all__ = [
    "PREVIEW_SALT",
    "Autosave",
    "Entity",
    "GlossaryAlias",
    "GlossaryEntry",
    "GlossaryUse",
    "GlossaryVariant",
    "Job",
    "Post",
    "PostEntity",
    "PostQuerySet",
    "PreviewLink",
    "ReviewAssignment",
    "SearchDocument",
    "SlugRedirect",
    "TagRedirect",
    "Status",
    "StatusChange",
    "TaggedPost",
    "TranslationState",
    "VocabularyTerm",
    "validate_slug_text",
]
