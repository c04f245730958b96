from django import template

from .. import kinds

register = template.Library()


@register.simple_tag
def all_kinds():
    """The kinds of item, in the table's order (kinds.py)."""
    return kinds.KINDS
