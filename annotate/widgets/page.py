"""What both widgets send the page about a document, and the short texts they show."""

from __future__ import annotations

from typing import Any

from ..core.records import Document
from .tokens import Tokens


def document_json(document: Document, *, index: int, count: int, tokens: Tokens) -> dict[str, Any]:
    """A document as both widgets draw it: text, metadata, word boundaries, place in the list."""
    return {
        "doc_id": document.doc_id,
        "index": index,
        "count": count,
        "title": document.title,
        # What an untitled article is shown as: its first words, never "(no title)".
        "lede": None if document.title else short_title(document.text),
        "published": document.published,
        "source": document.source,
        "byline": document.byline,
        "text": document.text,
        "sha256": document.text_sha256,
        "tokens": tokens.flat(),
    }


def short_title(title_or_text: str) -> str:
    return clip(" ".join(title_or_text.split()[:14]), 80)


def clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
