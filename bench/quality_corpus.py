"""The quote-quality corpus under ``bench/data/quality/``: reading its mark-up, and scoring.

Each file holds articles, each starting with a header line ``### id | outlet | patterns``.
Annotations are inline (``bench/data/quality/README.md`` gives the guidelines)::

    ⟦D1 "We will win,"⟧ ⟦S1{Anna Berg} she⟧ ⟦C1 said⟧.

``D``, ``I``, ``M`` and ``T`` mark the content of quote ``1`` (DIRECT, INDIRECT, MIXED,
THOUGHT); a quote interrupted by its attribution has several content parts with the same
number. ``S`` marks the source and ``C`` the cue of the quotes listed (``S2,3`` speaks quotes
2 and 3); ``{...}`` after a source names the speaker it resolves to. Tags nest.

Scoring pairs each suggested quote part with at most one gold part of the same article: the
two must overlap by at least half of the longer one (so each covers at least half of the
other); pairs are taken by largest overlap first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "quality"
SPLITS = ("tune", "heldout")
LABELS = {"D": "DIRECT", "I": "INDIRECT", "M": "MIXED", "T": "THOUGHT"}
_HEADER = re.compile(r"^### (\S+) \| ([^|]+) \| (.*)$", re.MULTILINE)
_TAG = re.compile(r"⟦([DIMTSC])([0-9]+(?:,[0-9]+)*)(?:\{([^}]*)\})? ")

Range = tuple[int, int]


@dataclass(slots=True)
class Part:
    """One quote span: a whole quote, or one part of a quote interrupted by its cue."""

    doc: str
    start: int
    end: int
    label: str
    source: Range | None = None
    cue: Range | None = None
    speaker: str | None = None


@dataclass(slots=True)
class Article:
    doc: str
    outlet: str
    patterns: str
    text: str
    parts: list[Part] = field(default_factory=list)


class CorpusError(ValueError):
    pass


def read_split(split: str, *, root: Path = DATA) -> list[Article]:
    """The articles of ``tune`` or ``heldout``, with their gold quote parts."""
    raw = (root / f"{split}.txt").read_text(encoding="utf-8")
    headers = list(_HEADER.finditer(raw))
    articles = []
    for k, m in enumerate(headers):
        end = headers[k + 1].start() if k + 1 < len(headers) else len(raw)
        body = raw[m.end() : end].strip("\n")
        articles.append(parse_article(m.group(1), m.group(2).strip(), m.group(3), body))
    return articles


def parse_article(doc: str, outlet: str, patterns: str, marked: str) -> Article:
    """Strip the tags from ``marked`` and turn them into gold parts (CorpusError if malformed)."""
    out: list[str] = []
    stack: list[tuple[str, list[int], str | None, int]] = []
    tags: list[tuple[str, list[int], str | None, int, int]] = []
    i = 0
    length = 0
    while i < len(marked):
        ch = marked[i]
        if ch == "⟦":
            m = _TAG.match(marked, i)
            if m is None:
                raise CorpusError(f"{doc}: bad tag at {marked[i : i + 20]!r}")
            ids = [int(n) for n in m.group(2).split(",")]
            stack.append((m.group(1), ids, m.group(3), length))
            i = m.end()
        elif ch == "⟧":
            if not stack:
                raise CorpusError(f"{doc}: a closing bracket without its tag near {length}")
            kind, ids, speaker, start = stack.pop()
            tags.append((kind, ids, speaker, start, length))
            i += 1
        else:
            out.append(ch)
            length += 1
            i += 1
    if stack:
        raise CorpusError(f"{doc}: {len(stack)} tag(s) never closed")
    text = "".join(out)
    article = Article(doc, outlet, patterns, text)
    contents: dict[int, list[tuple[str, int, int]]] = {}
    sources: dict[int, tuple[Range, str | None]] = {}
    cues: dict[int, Range] = {}
    for kind, ids, speaker, start, end in tags:
        if start >= end or text[start:end] != text[start:end].strip():
            raise CorpusError(f"{doc}: tag {kind}{ids} is empty or has outer spaces")
        for n in ids:
            if kind in LABELS:
                if len(ids) != 1:
                    raise CorpusError(f"{doc}: a content tag names one quote, not {ids}")
                contents.setdefault(n, []).append((LABELS[kind], start, end))
            elif kind == "S":
                if n in sources:
                    raise CorpusError(f"{doc}: quote {n} has two sources")
                sources[n] = ((start, end), speaker)
            elif n in cues:
                raise CorpusError(f"{doc}: quote {n} has two cues")
            else:
                cues[n] = (start, end)
    for n in sorted(set(sources) | set(cues)):
        if n not in contents:
            raise CorpusError(f"{doc}: source or cue of quote {n}, which has no content")
    for n, parts in sorted(contents.items()):
        if len({label for label, _, _ in parts}) != 1:
            raise CorpusError(f"{doc}: the parts of quote {n} have different labels")
        source, speaker = sources.get(n, (None, None))
        name = speaker or (text[source[0] : source[1]] if source else None)
        for label, start, end in parts:
            article.parts.append(Part(doc, start, end, label, source, cues.get(n), name))
    article.parts.sort(key=lambda p: (p.start, p.end))
    return article


# --- predictions -------------------------------------------------------------------------------


def predicted_parts(doc: str, text: str, suggestions: Any) -> list[Part]:
    """The quote spans of one document's suggestions, each with its source, cue and speaker."""
    spans = suggestions.by_key()
    parts: dict[str, Part] = {}
    for span in suggestions.spans:
        if span.layer == "quote":
            parts[span.key] = Part(doc, span.start, span.end, span.label)
    for relation in suggestions.relations:
        part = parts.get(relation.head)
        if part is None:
            continue
        tail = spans[relation.tail]
        if relation.type == "said_by":
            part.source = (tail.start, tail.end)
            part.speaker = tail.attrs.get("speaker") or text[tail.start : tail.end]
        elif relation.type == "cue":
            part.cue = (tail.start, tail.end)
    return sorted(parts.values(), key=lambda p: (p.start, p.end))


# --- scoring -----------------------------------------------------------------------------------


def overlap(a: Part, b: Part) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def match(gold: Sequence[Part], pred: Sequence[Part]) -> list[tuple[Part, Part]]:
    """One-to-one pairs of one document's parts overlapping by half the longer part or more."""
    candidates = []
    for g in gold:
        for p in pred:
            shared = overlap(g, p)
            if shared and 2 * shared >= max(g.end - g.start, p.end - p.start):
                candidates.append((-shared, g.start, p.start, id(g), id(p), g, p))
    candidates.sort(key=lambda c: c[:3])
    taken_g: set[int] = set()
    taken_p: set[int] = set()
    pairs = []
    for *_, g, p in candidates:
        if id(g) in taken_g or id(p) in taken_p:
            continue
        taken_g.add(id(g))
        taken_p.add(id(p))
        pairs.append((g, p))
    return pairs


@dataclass(slots=True)
class Count:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    def add(self, other: Count) -> None:
        self.tp += other.tp
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold

    @property
    def p(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def r(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


ELEMENTS = (
    ("content", "content, overlap >= 50% of the longer span"),
    ("content_exact", "content, same offsets"),
    ("source", "source, same offsets, on matched quotes"),
    ("cue", "cue, same offsets, on matched quotes"),
    ("joint", "content + source + cue"),
    ("speaker", "resolved speaker, on matched quotes"),
)


def score_doc(gold: Sequence[Part], pred: Sequence[Part]) -> dict[str, Count]:
    """Counts of one document. ``source``/``cue``: a hit is a matched pair whose source (cue)
    offsets are equal; predicted and gold parts with a source (cue) are the denominators.
    ``joint``: a matched pair whose source and cue are both equal (both absent counts as
    equal), over all parts. ``speaker``: a matched pair with a source on both sides whose
    resolved names agree (:func:`annotate.scoring.attribution.same_speaker`)."""
    from annotate.scoring.attribution import same_speaker

    pairs = match(gold, pred)
    exact = {(p.start, p.end) for p in pred} & {(g.start, g.end) for g in gold}
    with_source = [g for g in gold if g.source], [p for p in pred if p.source]
    with_cue = [g for g in gold if g.cue], [p for p in pred if p.cue]
    return {
        "content": Count(len(pairs), len(pred), len(gold)),
        "content_exact": Count(len(exact), len(pred), len(gold)),
        "source": Count(
            sum(1 for g, p in pairs if g.source and g.source == p.source),
            len(with_source[1]),
            len(with_source[0]),
        ),
        "cue": Count(
            sum(1 for g, p in pairs if g.cue and g.cue == p.cue), len(with_cue[1]), len(with_cue[0])
        ),
        "joint": Count(
            sum(1 for g, p in pairs if g.source == p.source and g.cue == p.cue),
            len(pred),
            len(gold),
        ),
        "speaker": Count(
            sum(
                1 for g, p in pairs if g.source and p.source and same_speaker(g.speaker, p.speaker)
            ),
            len(with_source[1]),
            len(with_source[0]),
        ),
    }


def total(counts: Iterable[dict[str, Count]]) -> dict[str, Count]:
    result = {name: Count() for name, _ in ELEMENTS}
    for doc in counts:
        for name, count in doc.items():
            result[name].add(count)
    return result


def errors(article: Article, pred: Sequence[Part]) -> Iterator[str]:
    """Lines describing every miss, spurious part and wrong source or cue of one article."""
    from annotate.scoring.attribution import same_speaker

    text = article.text

    def show(r: Range | None) -> str:
        return "-" if r is None else repr(text[r[0] : r[1]])

    pairs = match(article.parts, pred)
    matched_g = {id(g) for g, _ in pairs}
    matched_p = {id(p) for _, p in pairs}
    for g in article.parts:
        if id(g) not in matched_g:
            yield f"{article.doc} MISSED {g.label} {text[g.start : g.end]!r}"
    for p in pred:
        if id(p) not in matched_p:
            yield f"{article.doc} SPURIOUS {p.label} {text[p.start : p.end]!r} src={show(p.source)}"
    for g, p in pairs:
        where = f"{article.doc} {text[g.start : g.end][:50]!r}"
        if (g.start, g.end) != (p.start, p.end):
            yield f"{where} BOUNDS pred={text[p.start : p.end]!r}"
        if g.source != p.source:
            yield f"{where} SOURCE gold={show(g.source)} pred={show(p.source)}"
        if g.cue != p.cue:
            yield f"{where} CUE gold={show(g.cue)} pred={show(p.cue)}"
        if g.source and p.source and not same_speaker(g.speaker, p.speaker):
            yield f"{where} SPEAKER gold={g.speaker!r} pred={p.speaker!r}"
