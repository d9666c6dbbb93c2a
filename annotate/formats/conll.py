"""CoNLL-2003-style IOB files for entities: ``token -X- _ TAG``, one token a line.

One file per annotator (``<annotator>.conll``, the name percent-encoded), documents in the order
of the documents table, each opened by ``-DOCSTART- -X- -X- O`` and a blank line, sentences
(spaCy's rule-based ``sentencizer``) separated by blank lines. Tags are IOB2 (``B-``/``I-``),
which spaCy's ``convert`` and common CoNLL readers take, made by spaCy's own
``offsets_to_biluo_tags`` and ``biluo_to_iob``; reading uses ``iob_to_biluo`` and
``biluo_tags_to_offsets``.

CoNLL holds entities only, one per token: overlapping entities keep the longest (the others
are reported), spans inside a token widen to the whole token, whitespace tokens are left out.
The file loses document ids (the manifest lists them in order), exact whitespace, the
annotator (the file name has it), other layers, relations and attributes. :func:`read_conll`
given the original texts puts entities back on exact character offsets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.scheme import Scheme
from .annotator_files import AnnotatorFiles
from .batch import ImportBatch
from .builder import BatchBuilder, Unknown
from .docs import AnnotatedDoc, annotated_docs
from .jsonio import lines, read_text
from .manifest import WriteReport
from .naming import from_file_name
from .tokens import blank_nlp, choose_ents, place_spans

FORMAT = "conll"
DOCSTART = "-DOCSTART- -X- -X- O"
_TAG = re.compile(r"^(?:O|[BIESLU]-\S+)$")
_BILUO = {"S-": "U-", "E-": "L-"}  # BIOES prefixes as spaCy's BILUO names them


def _lines(parsed: Any, unit: AnnotatedDoc, report: WriteReport) -> list[str]:
    from spacy.training import biluo_to_iob, offsets_to_biluo_tags

    placed, notes = place_spans(parsed, unit, unit.layer("entity"), fmt=FORMAT)
    ents, ent_notes = choose_ents(
        placed, unit, fmt=FORMAT, fallback="left out (one entity a token)"
    )
    report.notes.extend(notes + ent_notes)
    entities = []
    for ent in ents:
        # Whitespace tokens are not written, so an entity never starts or ends on one.
        inside = [token for token in ent if not token.is_space]
        if inside:
            end = inside[-1].idx + len(inside[-1])
            entities.append((inside[0].idx, end, ent.label_))
    tags = biluo_to_iob(offsets_to_biluo_tags(parsed, entities))
    lines = [DOCSTART, ""]
    open_sentence = False
    for token, tag in zip(parsed, tags, strict=True):
        if token.is_space:
            continue
        # Never break a sentence inside an entity: readers would end it there.
        if token.is_sent_start and open_sentence and not tag.startswith("I-"):
            lines.append("")
        lines.append(f"{_clean(token.text)} -X- _ {tag}")
        open_sentence = True
    if open_sentence:
        lines.append("")
    return lines


def _clean(token: str) -> str:
    # A column format cannot hold whitespace inside a token (rare: e.g. a no-break space).
    return re.sub(r"\s", "_", token)


class ConllFiles(AnnotatorFiles):
    """``<annotator>.conll`` files, each chunk's units appended (see :class:`AnnotatorFiles`)."""

    def __init__(self, out_dir: Path) -> None:
        super().__init__(out_dir, suffix=".conll")

    def add(self, units: Sequence[AnnotatedDoc]) -> None:
        nlp = blank_nlp(sentences=True)
        parsed: Any = None
        parsed_text: str | None = None  # Doc.text is rebuilt from the tokens on every call
        with self.appending() as write:
            # Units come grouped by document: each text is parsed once for its annotators,
            # and only one parse is held.
            for unit in units:
                if parsed_text != unit.text:
                    parsed, parsed_text = nlp(unit.text), unit.text
                write(unit, "\n".join(_lines(parsed, unit, self.report)) + "\n")


def write_units(units: Sequence[AnnotatedDoc], out_dir: Path) -> WriteReport:
    files = ConllFiles(out_dir)
    files.add(units)
    return files.close()


def write_conll(tables: Mapping[str, pd.DataFrame], out_dir: str | Path) -> WriteReport:
    """Write one ``<annotator>.conll`` file per annotator into ``out_dir``."""
    units, notes = annotated_docs(tables, fmt=FORMAT)
    report = write_units(units, Path(out_dir))
    report.notes[:0] = notes
    return report


# --- import ------------------------------------------------------------------------------------


def read_conll(
    path: str | Path,
    *,
    annotator: str | None = None,
    doc_ids: Sequence[str] | None = None,
    texts: Mapping[str, str] | None = None,
    layer: str = "entity",
    label_map: Mapping[str, str] | None = None,
    scheme: Scheme | None = None,
    unknown: Unknown = "keep",
) -> ImportBatch:
    """Read a CoNLL/IOB file (IOB1, IOB2, BIOES or BILUO tags in the last column).

    Documents split at ``-DOCSTART-`` lines (a file without them is one document). Without
    ``texts`` each document's text is its tokens joined by spaces, sentences by newlines. With
    ``doc_ids`` (the order the export manifest records) and ``texts`` (``doc_id -> text``), the
    tokens are found in the original texts and entities land on exact offsets. The annotator
    is ``annotator``, else the file name (as :func:`write_conll` names files).
    """
    path = Path(path)
    builder = BatchBuilder(
        path, FORMAT, scheme=scheme, layer=layer, label_map=label_map, unknown=unknown
    )
    documents = _parse(read_text(path), builder)
    name = annotator or from_file_name(path.stem)
    ids: Sequence[str | None] = [None] * len(documents)
    if doc_ids is not None:
        if len(doc_ids) == len(documents):
            ids = doc_ids
        else:
            builder.problem(
                "doc-ids",
                f"doc_ids lists {len(doc_ids)} documents but the file has {len(documents)}; "
                "ids not used",
                line=None,
            )
    for doc_id, (first_line, sentences) in zip(ids, documents, strict=True):
        if not sentences:
            builder.problem("empty-document", "a document without tokens; skipped", line=first_line)
            continue
        original = texts.get(doc_id) if texts is not None and doc_id is not None else None
        text, offsets = _place_tokens(sentences, original, builder, first_line)
        key = builder.document(text, doc_id=doc_id, line=first_line)
        if key is None or not builder.claim_unit(key, name, line=first_line):
            continue
        for label, start, end, line in _entities(sentences, offsets, builder):
            builder.span(key, annotator=name, label=label, start=start, end=end, line=line)
    return builder.build(len(documents))


Token = tuple[str, str, int]  # text, tag, line


def _parse(text: str, builder: BatchBuilder) -> list[tuple[int, list[list[Token]]]]:
    """Documents as ``(first line, sentences of tokens)``; a bad line raises FormatError."""
    documents: list[tuple[int, list[list[Token]]]] = []
    current: tuple[int, list[list[Token]]] | None = None
    sentence: list[Token] = []
    for number, raw in enumerate(lines(text), start=1):
        columns = raw.split()
        if not columns or columns[0] == "-DOCSTART-":
            if sentence and current is not None:
                current[1].append(sentence)
            sentence = []
            if columns:
                if current is not None:
                    documents.append(current)
                current = (number, [])
            continue
        if len(columns) < 2 or not _TAG.match(columns[-1]):
            raise builder.malformed(
                number, f"expected 'TOKEN ... TAG' with an IOB tag last, got {raw.strip()!r}"
            )
        if current is None:
            current = (number, [])
        sentence.append((columns[0], columns[-1], number))
    if current is not None:
        if sentence:
            current[1].append(sentence)
        documents.append(current)
    return documents


def _place_tokens(
    sentences: list[list[Token]], original: str | None, builder: BatchBuilder, line: int
) -> tuple[str, list[list[tuple[int, int]]]]:
    """The document text and each token's character offsets in it."""
    if original is not None:
        offsets: list[list[tuple[int, int]]] = []
        position = 0
        for sentence in sentences:
            row = []
            for token, _, number in sentence:
                found = original.find(token, position)
                if found < 0 or original[position:found].strip():
                    builder.problem(
                        "text-mismatch",
                        f"token {token!r} is not next in the document's text; the document "
                        "is rebuilt from its tokens instead",
                        line=number,
                    )
                    return _place_tokens(sentences, None, builder, line)
                row.append((found, found + len(token)))
                position = found + len(token)
            offsets.append(row)
        return original, offsets
    parts: list[str] = []
    offsets = []
    position = 0
    for n, sentence in enumerate(sentences):
        if n:
            parts.append("\n")
            position += 1
        row = []
        for i, (token, _, _) in enumerate(sentence):
            if i:
                parts.append(" ")
                position += 1
            row.append((position, position + len(token)))
            parts.append(token)
            position += len(token)
        offsets.append(row)
    return "".join(parts), offsets


def _entities(
    sentences: list[list[Token]], offsets: list[list[tuple[int, int]]], builder: BatchBuilder
) -> list[tuple[str, int, int, int]]:
    """``(label, start, end, line)`` for each entity, by spaCy's own tag conversions.

    A sentence in IOB (IOB1 or IOB2) goes through ``iob_to_biluo``; one with BIOES or BILUO
    tags (S-/E- read as U-/L-) is taken as it is. ``biluo_tags_to_offsets`` then finds the
    entities; a sentence whose tags make no valid sequence (an E- without its B-, tag schemes
    mixed) is reported, and none of its entities is guessed.
    """
    from spacy.tokens import Doc
    from spacy.training import biluo_tags_to_offsets, iob_to_biluo

    vocab = blank_nlp().vocab
    found: list[tuple[str, int, int, int]] = []
    for sentence, places in zip(sentences, offsets, strict=True):
        tags = [tag for _, tag, _ in sentence]
        if any(tag[:2] in ("S-", "E-", "U-", "L-") for tag in tags):
            biluo = [_BILUO.get(tag[:2], tag[:2]) + tag[2:] if tag != "O" else tag for tag in tags]
        else:
            biluo = iob_to_biluo(tags)
        words = Doc(vocab, words=[token for token, _, _ in sentence])
        try:
            spans = biluo_tags_to_offsets(words, biluo)
        except ValueError:
            builder.problem(
                "malformed-record",
                f"the tags {' '.join(tags)} are no valid IOB, BIOES or BILUO sequence; the "
                "sentence's entities were not read",
                line=sentence[0][2],
            )
            continue
        for start, end, label in spans:
            span = words.char_span(start, end)
            assert span is not None  # the offsets are this Doc's own token edges
            first, last = span.start, span.end - 1
            found.append((str(label), places[first][0], places[last][1], sentence[first][2]))
    return found
