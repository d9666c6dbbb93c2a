"""What a trained pipeline needs beyond spaCy itself: the clause suggester of its span categorisers.

A span categoriser labels candidate spans; it cannot find a span its suggester never offers.
Sources and cues are short, so spaCy's n-gram suggester offers them all. Quotes and claims run
to dozens of words, and every n-gram up to that length is more than a CPU can score in a few
minutes. They do begin and end at clause edges, though: after a full stop, comma, colon or
line break, at an opening quotation mark or after a word such as "that"; before a punctuation
mark or at a closing quotation mark. :func:`clause_suggester` offers the spans between such
edges, up to ``max_length`` tokens, which is a few per token instead of one per length.

The words after which a span may begin (``after``) are counted from the training gold, so the
suggester follows a team's own conventions (a scheme whose indirect quotes start after
"said" offers those); the trainer records how many gold spans the candidates cover.

The function is registered with spaCy as ``annotate.clause_suggester.v1``, so the pipeline's
``config.cfg`` names it: through the package's ``spacy_misc`` entry point wherever annotate is
installed, and by importing this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from spacy.util import registry

SUGGESTER = "annotate.clause_suggester.v1"

OPENING = frozenset("“‘«\"'„‚(")
CLOSING = frozenset("”’»\"')")
FINAL = frozenset(".!?…")
# Punctuation that may end a clause (spans end before it) and after which one may begin.
EDGES = frozenset(".!?…,;:—–-()[]“”‘’«»\"'„‚")


def _starts(doc: Any, after: frozenset[str]) -> list[int]:
    found = []
    for token in doc:
        if token.is_space:
            continue
        i = token.i
        if i == 0 or token.text in OPENING:
            found.append(i)
            continue
        before = doc[i - 1]
        if (
            before.is_space
            or "\n" in before.whitespace_
            or before.text in EDGES
            or before.lower_ in after
        ):
            found.append(i)
    return found


def _ends(doc: Any) -> set[int]:
    """Tokens a span may end with (inclusive)."""
    found: set[int] = set()
    last = len(doc) - 1
    for token in doc:
        if token.is_space:
            continue
        i = token.i
        if token.text in CLOSING or token.text in FINAL or i == last:
            found.add(i)
            continue
        following = doc[i + 1]
        if following.is_space or "\n" in token.whitespace_ or following.text in EDGES:
            found.add(i)
    return found


def clause_spans(doc: Any, *, max_length: int, after: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) token offsets, ``end`` exclusive, of every candidate span in ``doc``."""
    ends = _ends(doc)
    spans: list[tuple[int, int]] = []
    for start in _starts(doc, after):
        stop = min(len(doc), start + max_length)
        spans.extend((start, end + 1) for end in range(start, stop) if end in ends)
    return spans


def clause_suggester(
    docs: Iterable[Any], *, max_length: int, after: frozenset[str], ops: Any = None
) -> Any:
    """The candidates of each doc as the ragged array spaCy's span categoriser reads."""
    from thinc.api import get_current_ops
    from thinc.types import Ragged

    if ops is None:
        ops = get_current_ops()
    spans: list[tuple[int, int]] = []
    lengths: list[int] = []
    for doc in docs:
        found = clause_spans(doc, max_length=max_length, after=after)
        spans.extend(found)
        lengths.append(len(found))
    lengths_array = ops.asarray(lengths, dtype="i")
    if spans:
        return Ragged(ops.asarray(spans, dtype="i"), lengths_array)
    return Ragged(ops.xp.zeros((0, 0), dtype="i"), lengths_array)


def build_clause_suggester(max_length: int, after: Sequence[str] = ()) -> Callable[..., Any]:
    """spaCy's factory for :func:`clause_suggester` (``[components.*.suggester]``)."""
    words = frozenset(word.lower() for word in after)

    def suggest(docs: Iterable[Any], *, ops: Any = None) -> Any:
        return clause_suggester(docs, max_length=max_length, after=words, ops=ops)

    return suggest


registry.misc.register(SUGGESTER, func=build_clause_suggester)
