"""A project for the review tests: two (or three) annotators who agree and disagree on the
first seed article, and a registered reviewer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotate.store import Store
from tests.support.seed import XSS_ID, seed_project

FIRST = "384a15b6b5dbf696"
SECOND = "6e2f5a79d01a0de2"
LEAD = "lead"
QUOTE = "“Either we liberate these territories by force, or Ukrainian troops will leave these territories,”"  # noqa: E501
TRUMP_QUOTE = "“would like to end the war”"


def find(text: str, needle: str, within: str = "") -> tuple[int, int]:
    start = text.index(needle, text.index(within) if within else 0)
    return start, start + len(needle)


def mark(
    store: Store, who: str, doc_id: str, layer: str, label: str, needle: str, **kw: Any
) -> str:
    within = kw.pop("within", "")
    text = store.document(doc_id).text
    start, end = find(text, needle, within)
    record = store.add_span(
        annotator=who,
        doc_id=doc_id,
        layer=layer,
        label=label,
        start=start,
        end=end,
        attrs=kw or None,
    )
    return record.span_id


def seed_review(path: Path, *, third: bool = False) -> Store:
    """The seed project with ana and ben (and cy) on the first article and the hostile one, ana
    alone on the second, and ``lead`` registered as the reviewer.

    On the first article they agree on "Vladimir Putin", on the first quote, its source "he"
    and the link between them, and on Trump's quote; they differ on the label of "Donbas", the
    extent of "Donald Trump", whether "India Today" is an entity at all, the claim's
    check-worthiness, and the extent of the second quote's source (each linked to their own).
    """
    store = seed_project(path)
    store.add_annotator(LEAD, role="reviewer")
    people = ["ana", "ben", "cy"] if third else ["ana", "ben"]
    for who in people:
        mark(store, who, FIRST, "entity", "PERSON", "Vladimir Putin")
        quote = mark(store, who, FIRST, "quote", "DIRECT", QUOTE)
        source = mark(store, who, FIRST, "source", "SOURCE", "he", within=" he told")
        store.add_relation("said_by", quote, source, annotator=who)
        said = mark(store, who, FIRST, "quote", "DIRECT", TRUMP_QUOTE)
        speaker = "President Donald Trump" if who == "ana" else "Donald Trump"
        other = mark(store, who, FIRST, "source", "SOURCE", speaker, within="after President")
        store.add_relation("said_by", said, other, annotator=who)
    mark(store, "ana", FIRST, "entity", "GPE", "Donbas")
    mark(store, "ben", FIRST, "entity", "LOC", "Donbas")
    mark(store, "ana", FIRST, "entity", "PERSON", "Donald Trump")
    mark(store, "ben", FIRST, "entity", "PERSON", "Trump", within="Donald Trump")
    mark(store, "ana", FIRST, "entity", "ORG", "India Today")
    claim = "Moscow controls around 85% of Donbas"
    mark(store, "ana", FIRST, "claim", "QUANTITY", claim, checkworthy="yes")
    mark(store, "ben", FIRST, "claim", "QUANTITY", claim, checkworthy="no")
    if third:
        mark(store, "cy", FIRST, "entity", "LOC", "Donbas")
        mark(store, "cy", FIRST, "entity", "PERSON", "Donald Trump")
        mark(store, "cy", FIRST, "claim", "QUANTITY", claim, checkworthy="no")
    mark(store, "ana", SECOND, "entity", "PERSON", "Vladimir Putin")
    mark(store, "ana", XSS_ID, "entity", "ORG", "Reuters staff")
    mark(store, "ben", XSS_ID, "entity", "ORG", "Reuters")
    return store
