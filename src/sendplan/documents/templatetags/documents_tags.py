from django import template

from sendplan.documents.checks import max_bytes, size_words
from sendplan.documents.models import Document

register = template.Library()


@register.simple_tag
def document_kinds() -> list[tuple[str, str]]:
    return [("", "Select a kind of document"), *Document.Kind.choices]


@register.simple_tag
def document_max_size() -> str:
    return size_words(max_bytes())
