"""News-like articles with known gold, to test and time training without a hand-made corpus.

Each article is a few paragraphs of sentences built from templates: reported speech in the
forms news uses (a direct quote before or after its speaker, inverted "said Ortiz", a colon
lead-in, indirect speech with and without "that", "according to"), check-worthy claims
(figures, changes, comparisons, predictions), and plain sentences with named entities. Every
span is placed by construction, so its offsets are exact; quotes are linked to their source
and cue, sources that name a person to that entity, and claims inside a quote to its source.

The sentences are far more regular than real news: a model trained on them proves that the
training machinery learns, not how well it would do on real articles.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FIRST = (
    "Maria", "James", "Aiko", "Olga", "Pedro", "Fatima", "Chen", "Nadia", "Tomas", "Grace",
    "Ibrahim", "Lena", "Rahul", "Sofia", "Daniel", "Amara", "Viktor", "Hana", "Lucas", "Zainab",
)  # fmt: skip
LAST = (
    "Ortiz", "Keller", "Tanaka", "Petrova", "Alvarez", "Haddad", "Wei", "Kowalski", "Novak",
    "Mensah", "Okafor", "Lindqvist", "Sharma", "Rossi", "Brennan", "Diallo", "Ivanov", "Sato",
    "Moreau", "Yusuf",
)  # fmt: skip
ORGS = (
    "Finance Ministry", "Northwind Bank", "World Health Organization", "Helix Energy",
    "Central Statistics Office", "Apex Motors", "United Nations", "Meridian Airlines",
    "Supreme Court", "Bluewater Holdings",
)  # fmt: skip
PLACES = (
    "France", "Kenya", "Brazil", "Japan", "Poland", "Canada", "Egypt", "Vietnam", "Chile",
    "Norway", "Ghana", "Peru",
)  # fmt: skip
DATES = ("Monday", "Tuesday", "last week", "on Friday", "in March", "last year", "this month")
ROLES = ("the minister", "a spokesperson", "the chief executive", "an official", "the mayor")
CUES_PAST = ("said", "told reporters", "warned", "added", "insisted", "claimed", "stressed")
CUES_INDIRECT = ("said", "warned", "argued", "claimed", "suggested", "announced")
CONTENTS = (
    "we will not accept these terms",
    "the talks are going well",
    "nobody expected the decision",
    "our priority is the safety of passengers",
    "there is no plan to raise taxes",
    "the project is on schedule",
    "we have done nothing wrong",
    "the agreement protects workers",
)  # fmt: skip
TOPICS = ("unemployment", "inflation", "exports", "rents", "fuel prices", "hospital waiting times")
NOUNS = ("the port", "a new factory", "the railway line", "the school programme", "the bridge")

LAYERS = ("entity", "quote", "source", "cue", "claim")


@dataclass(slots=True)
class Article:
    """One generated article: its text and gold spans and relations (by span key)."""

    doc_id: str
    text: str = ""
    spans: list[dict[str, Any]] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # type, head, tail


class _Writer:
    """Appends text to an article and records spans at the offsets it was written at."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str, layer: str | None = None, label: str = "") -> str | None:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        if layer is None:
            return None
        return self.mark(layer, label, start, self.length)

    def mark(self, layer: str, label: str, start: int, end: int, **attrs: Any) -> str:
        key = f"{layer[0]}{len(self.article.spans)}"
        self.article.spans.append(
            {"key": key, "layer": layer, "label": label, "start": start, "end": end, "attrs": attrs}
        )
        return key

    def link(self, type_: str, head: str | None, tail: str | None) -> None:
        if head is not None and tail is not None:
            self.article.relations.append((type_, head, tail))

    def finish(self) -> Article:
        self.article.text = "".join(self.parts)
        return self.article


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


class _Sentences:
    """The sentence templates; each writes one sentence (and its spans) to the writer."""

    def __init__(self, rng: random.Random, w: _Writer) -> None:
        self.rng = rng
        self.w = w

    def source(self, *, initial: bool = False) -> str | None:
        """A speaker mention: a person's name (also an entity), a pronoun or a role;
        capitalised when it opens the sentence."""
        rng, w = self.rng, self.w
        kind = rng.random()
        if kind < 0.55:
            start = w.length
            w.add(_person(rng))
            entity = w.mark("entity", "PERSON", start, w.length)
            source = w.mark("source", "SOURCE", start, w.length)
            w.link("refers_to", source, entity)
            return source
        if kind < 0.75:
            pronoun = rng.choice(("he", "she"))
            return w.add(pronoun.capitalize() if initial else pronoun, "source", "SOURCE")
        start = w.length
        role = rng.choice(ROLES)
        w.add(role[0].upper() + role[1:] if initial else role)
        if role == "a spokesperson":
            w.add(" for the ")
            w.add(rng.choice(ORGS), "entity", "ORG")
        return w.mark("source", "SOURCE", start, w.length)

    def claim(self, *, initial: bool = True) -> str:
        """Write a check-worthy statement (its figures, places and dates marked as entities)
        and mark it as a claim of its type; returns the claim's key."""
        w, rng = self.w, self.rng
        topic, place = rng.choice(TOPICS), rng.choice(PLACES)
        verb = "is" if topic in ("unemployment", "inflation") else "are"
        n = rng.randint(2, 19)
        form = rng.randrange(5)
        start = w.length
        subject = topic[0].upper() + topic[1:] if initial else topic
        if form == 0:
            label = "CHANGE"
            w.add(f"{subject} in ")
            w.add(place, "entity", "GPE")
            w.add(" rose by ")
            w.add(f"{n}%", "entity", "PERCENT")
            w.add(" ")
            w.add(rng.choice(DATES), "entity", "DATE")
        elif form == 1:
            label = "CHANGE"
            w.add(f"{subject} fell to a ")
            w.add(f"{rng.randint(3, 30)}-year", "entity", "DATE")
            w.add(" low")
        elif form == 2:
            label = "QUANTITY"
            w.add("The " if initial else "the ")
            w.add(rng.choice(ORGS), "entity", "ORG")
            w.add(" spent ")
            w.add(f"${n} billion", "entity", "MONEY")
            w.add(f" on {rng.choice(NOUNS)}")
        elif form == 3:
            label = "COMPARISON"
            w.add(f"{subject} {verb} higher in ")
            w.add(place, "entity", "GPE")
            w.add(" than anywhere in the region")
        else:
            label = "PREDICTION"
            w.add(f"{subject} will double by ")
            w.add(str(rng.randint(2027, 2040)), "entity", "DATE")
        return w.mark("claim", label, start, w.length)

    def quote_after(self) -> None:
        """“Content,” Source cue.  /  “Content,” said Source."""
        w, rng = self.w, self.rng
        claim = rng.random() < 0.3
        start = w.length
        w.add("“")
        if claim:
            claim_key: str | None = self.claim()
        else:
            claim_key = None
            w.add(rng.choice(CONTENTS).capitalize())
        w.add(",”")
        quote = w.mark("quote", "DIRECT", start, w.length)
        w.add(" ")
        if rng.random() < 0.3:
            cue = w.add("said", "cue", "CUE")
            w.add(" ")
            source = self.source()
        else:
            source = self.source()
            w.add(" ")
            cue = w.add(rng.choice(CUES_PAST).split()[0], "cue", "CUE")
        w.add(".")
        w.link("said_by", quote, source)
        w.link("cue", quote, cue)
        w.link("claimed_by", claim_key, source)

    def quote_colon(self) -> None:
        """Source cue: “Content.”"""
        w, rng = self.w, self.rng
        source = self.source(initial=True)
        w.add(" ")
        cue = w.add(rng.choice(("said", "warned", "added")), "cue", "CUE")
        w.add(": ")
        start = w.length
        w.add("“" + rng.choice(CONTENTS).capitalize() + ".”")
        quote = w.mark("quote", "DIRECT", start, w.length)
        w.link("said_by", quote, source)
        w.link("cue", quote, cue)

    def quote_indirect(self) -> None:
        """Source cue (that) content."""
        w, rng = self.w, self.rng
        source = self.source(initial=True)
        w.add(" ")
        cue = w.add(rng.choice(CUES_INDIRECT), "cue", "CUE")
        w.add(" that " if rng.random() < 0.6 else " ")
        start = w.length
        if rng.random() < 0.4:
            w.link("claimed_by", self.claim(initial=False), source)
        else:
            w.add(rng.choice(CONTENTS))
        quote = w.mark("quote", "INDIRECT", start, w.length)
        w.add(".")
        w.link("said_by", quote, source)
        w.link("cue", quote, cue)

    def according_to(self) -> None:
        """According to Source, content."""
        w, rng = self.w, self.rng
        cue = w.add("According to", "cue", "CUE")
        w.add(" ")
        source = self.source()
        w.add(", ")
        start = w.length
        w.add(rng.choice(CONTENTS))
        quote = w.mark("quote", "INDIRECT", start, w.length)
        w.add(".")
        w.link("said_by", quote, source)
        w.link("cue", quote, cue)

    def writer_claim(self) -> None:
        """A claim the outlet makes itself: no source."""
        self.claim()
        self.w.add(".")

    def plain(self) -> None:
        """A sentence with entities and nothing said or claimed."""
        w, rng = self.w, self.rng
        form = rng.randrange(3)
        if form == 0:
            w.add("The ")
            w.add(rng.choice(ORGS), "entity", "ORG")
            w.add(" opened an office in ")
            w.add(rng.choice(PLACES), "entity", "GPE")
            w.add(" ")
            w.add(rng.choice(DATES), "entity", "DATE")
        elif form == 1:
            w.add(_person(rng), "entity", "PERSON")
            w.add(" travelled to ")
            w.add(rng.choice(PLACES), "entity", "GPE")
            w.add(" to meet officials")
        else:
            w.add("Crowds gathered outside ")
            w.add(rng.choice(NOUNS))
            w.add(" as the weather turned")
        w.add(".")


def generate(
    n_docs: int, *, seed: int = 0, sentences: tuple[int, int] = (8, 16)
) -> Iterator[Article]:
    """``n_docs`` articles, the same for the same seed (each from its own seeded generator)."""
    for number in range(n_docs):
        rng = random.Random(seed * 1_000_003 + number)
        article = Article(doc_id=f"news-{seed}-{number:05d}")
        w = _Writer(article)
        make = _Sentences(rng, w)
        forms = (
            (make.quote_after, 3), (make.quote_indirect, 3), (make.quote_colon, 1),
            (make.according_to, 1), (make.writer_claim, 2), (make.plain, 3),
        )  # fmt: skip
        choices = [f for f, weight in forms for _ in range(weight)]
        count = rng.randint(*sentences)
        for index in range(count):
            if index and index % 3 == 0:
                w.add("\n\n")
            elif index:
                w.add(" ")
            rng.choice(choices)()
        yield w.finish()


def tables(articles: list[Article], *, annotator: str = "gold") -> dict[str, Any]:
    """The articles as contract tables (documents, spans, relations, doc_status ``done``)."""

    from ..core.records import text_sha256

    documents: list[dict[str, Any]] = []
    spans: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    status: list[dict[str, Any]] = []
    for article in articles:
        documents.append({
            "doc_id": article.doc_id, "title": None, "source": None, "published": None,
            "text": article.text, "text_sha256": text_sha256(article.text),
            "n_chars": len(article.text), "meta": {},
        })  # fmt: skip
        ids = {s["key"]: f"{article.doc_id}:{s['key']}" for s in article.spans}
        for span in article.spans:
            spans.append({
                "doc_id": article.doc_id, "annotator": annotator, "span_id": ids[span["key"]],
                "layer": span["layer"], "label": span["label"], "start": span["start"],
                "end": span["end"], "text": article.text[span["start"] : span["end"]],
                "origin": "manual", "attrs": span["attrs"], "created_at": None,
                "updated_at": None,
            })  # fmt: skip
        for number, (type_, head, tail) in enumerate(article.relations):
            relations.append({
                "doc_id": article.doc_id, "annotator": annotator,
                "relation_id": f"{article.doc_id}:r{number}", "type": type_,
                "head_span_id": ids[head], "tail_span_id": ids[tail],
            })  # fmt: skip
        status.append({"doc_id": article.doc_id, "annotator": annotator, "status": "done",
                       "comment": None, "seconds_spent": 0.0})  # fmt: skip
    return {
        "documents": _frame("documents", documents),
        "spans": _frame("spans", spans),
        "relations": _frame("relations", relations),
        "doc_status": _frame("doc_status", status),
    }


def _frame(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A contract table from rows; an empty one still has every column."""
    import pandas as pd

    from ..formats.tables import coerce, empty_table

    return coerce(name, pd.DataFrame(rows, columns=list(empty_table(name).columns)))
