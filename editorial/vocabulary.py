"""Areas and categories offered from the vocabulary (models/vocabulary.py), and its audit."""

from django.db.models import Count
from django.utils.translation import gettext as _

from .models import Post, VocabularyTerm

FIELDS = tuple(VocabularyTerm.Field.values)


def terms(field, *, offered_only=True):
    found = VocabularyTerm.objects.filter(field=field)
    return found.filter(retired=False) if offered_only else found


def choices(field, current=""):
    """(value, label) choices for a post's ``field``: the offered terms, and the item's current value
    even when the vocabulary lacks it or has retired it (so opening and saving changes nothing).
    None when the vocabulary has no term for that field yet: the field stays free text."""
    all_terms = list(terms(field, offered_only=False))
    if not all_terms:
        return None
    offered = [(t.value, _label(t)) for t in all_terms if not t.retired]
    known = {t.value for t in all_terms}
    if current and current not in {value for value, _ in offered}:
        note = _("retired") if current in known else _("not in the vocabulary")
        offered.insert(0, (current, f"{current} ({note})"))
    return [("", "—"), *offered]


def allowed(field, value, current=""):
    """Whether an editor may set ``field`` to ``value``: an offered term, empty, or unchanged."""
    if not value or value == current or not terms(field, offered_only=False).exists():
        return True
    return terms(field).filter(value=value).exists()


def unknown_values(field):
    """[(value, items)] that items have in ``field`` but the vocabulary lacks, most used first."""
    known = terms(field, offered_only=False).values("value")
    return list(
        Post.objects.exclude(**{field: ""})
        .exclude(**{f"{field}__in": known})
        .values_list(field)
        .annotate(n=Count("pk"))
        .order_by("-n", field)
    )


def adopt(field, values):
    """Add ``values`` to the vocabulary of ``field`` (after the terms it has). Returns how many."""
    last = terms(field, offered_only=False).order_by("-position").values_list("position", flat=True).first() or 0
    created = VocabularyTerm.objects.bulk_create(
        [VocabularyTerm(field=field, value=value, position=last + 10 * (i + 1)) for i, value in enumerate(values)],
        ignore_conflicts=True,
    )
    return len(created)


def _label(term):
    return f"{term.label} ({term.value})" if term.label else term.value
