"""Evaluation against gold: SemEval schemes end to end, spaCy-equal strict scores, quotes and
claims, the error table, texts that changed, every input format, and the suggester's record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annotate.core.records import DocSuggestions, RelationSuggestion, SpanSuggestion
from annotate.errors import AnnotateError
from annotate.formats import read_prodigy, write_docbin, write_prodigy, write_tables
from annotate.scoring.evaluate import evaluate, format_table
from annotate.scoring.evaluate_inputs import load_tables_from
from annotate.scoring.suggestion_report import suggestion_report
from annotate.store import Store
from tests.support.agreement_tables import PRODIGY, QUOTE, find, make_tables

TEXT = "Barack Obama visited Paris and met the Foreign Minister in Berlin with Angela Merkel."
GOLD = [
    ("PERSON", "Barack Obama"),  # I: correct
    ("GPE", "Paris"),  # III: missed
    ("GPE", "Berlin"),  # IV: right boundaries, wrong type
    ("PERSON", "Angela Merkel"),  # V: wrong boundaries, right type
    ("ORG", "Foreign Minister"),  # VI: wrong boundaries and type
]
PRED = [
    ("PERSON", "Barack Obama"),
    ("PERSON", "visited"),  # II: spurious
    ("ORG", "Berlin"),
    ("PERSON", "Merkel"),
    ("PERSON", "Minister"),
]


def _six_cases() -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    gold = make_tables(
        {"d1": TEXT},
        [("gold", "d1", "entity", label, *find(TEXT, s)) for label, s in GOLD],
        status=[("d1", "gold", "done")],
    )
    pred = make_tables(
        {"d1": TEXT}, [("system", "d1", "entity", label, *find(TEXT, s)) for label, s in PRED]
    )
    return gold, pred


def test_the_six_semeval_cases_end_to_end() -> None:
    gold, pred = _six_cases()
    report = evaluate(gold, pred)
    assert (report.gold_annotator, report.pred_annotator, report.doc_ids) == (
        "gold",
        "system",
        ["d1"],
    )
    table = report.table().set_index(["layer", "metric", "label"])
    expected = {
        # scheme: (correct, incorrect, partial, missed, spurious, P = R = F)
        "strict": (1, 3, 0, 1, 1, 0.2),
        "exact": (2, 2, 0, 1, 1, 0.4),
        "partial": (2, 0, 2, 1, 1, 0.6),
        "type": (2, 2, 0, 1, 1, 0.4),
    }
    for scheme, (cor, inc, par, mis, spu, score) in expected.items():
        row = table.loc[("entity", scheme, "(micro)")]
        counts = [row[c] for c in ("correct", "incorrect", "partial", "missed", "spurious")]
        assert counts == [cor, inc, par, mis, spu], scheme
        assert (row["possible"], row["actual"]) == (5, 5)
        assert row["p"] == pytest.approx(score) and row["r"] == pytest.approx(score)
        assert row["f"] == pytest.approx(score)
    person = table.loc[("entity", "strict", "PERSON")]
    assert (person["correct"], person["incorrect"], person["spurious"]) == (1, 1, 1)
    assert person["p"] == pytest.approx(1 / 3) and person["r"] == pytest.approx(1 / 2)
    assert table.loc[("entity", "strict", "(macro)"), "p"] == pytest.approx(1 / 9)
    data = report.to_json()
    assert data["layers"]["entity"]["semeval"]["partial"]["p"] == pytest.approx(0.6)
    json.dumps(data)
    # spaCy-shaped strict scores, as Scorer.score_spans gives them
    assert report.scores()["entity_p"] == pytest.approx(0.2)
    errors = report.errors
    assert sorted(errors["kind"]) == ["incorrect", "missed", "partial", "partial", "spurious"]
    missed = errors[errors["kind"] == "missed"].iloc[0]
    assert missed["text"] == "Paris" and missed["left"] == "Barack Obama visited "
    assert missed["context"] == TEXT.replace("Paris", "[[Paris]]")
    spurious = errors[errors["kind"] == "spurious"].iloc[0]
    assert spurious["pred_text"] == "visited" and pd.isna(spurious["label"])


def test_format_table_prints_the_table_numbers() -> None:
    gold, pred = _six_cases()
    report = evaluate(gold, pred)
    text = format_table(report)
    assert text.splitlines()[0] == "system against gold on 1 document(s)"
    partial = next(
        line
        for line in text.splitlines()
        if line.strip().startswith("partial") and "(micro)" in line
    )
    assert partial.split()[2:5] == ["0.600", "0.600", "0.600"]
    assert partial.split()[-5:] == ["2", "0", "2", "1", "1"]


def test_strict_scores_equal_spacy_scorer_on_the_prodigy_file() -> None:
    import spacy
    from spacy.scorer import Scorer
    from spacy.training import Example

    tables = read_prodigy(PRODIGY, review_annotator=None).to_tables()
    report = evaluate(
        tables, tables, gold_annotator="original_annotations", pred_annotator="ner_model"
    )
    assert len(report.doc_ids) == 1521 and report.problems.empty
    nlp = spacy.blank("en")
    examples = []
    for line in PRODIGY.read_text(encoding="utf-8").splitlines():
        task = json.loads(line)
        spans = {s: v.get("spans", []) for v in task["versions"] for s in v["sessions"]}
        docs = {}
        for session in ("ner_model", "original_annotations"):
            doc = nlp.make_doc(task["text"])
            doc.ents = [doc.char_span(s["start"], s["end"], s["label"]) for s in spans[session]]
            docs[session] = doc
        examples.append(Example(docs["ner_model"], docs["original_annotations"]))
    expected = Scorer.score_spans(examples, "ents")
    scores = report.scores()
    for metric in "prf":
        assert scores[f"entity_{metric}"] == pytest.approx(expected[f"ents_{metric}"], abs=1e-9)
    for label, values in expected["ents_per_type"].items():
        assert scores["entity_per_type"][label]["f"] == pytest.approx(values["f"], abs=1e-9)
    # SemEval strict is the same figure
    strict = report.layers["entity"]["semeval"]["strict"]
    assert strict["f"] == pytest.approx(expected["ents_f"], abs=1e-9)


# --- quotes and claims, in a store -------------------------------------------------------------

MODEL = "spacy:en_test@1.0/suggest@1"


def _suggest(store: Store) -> None:
    first, second = store.documents()
    text = first.text

    def span(key: str, layer: str, label: str, needle: str, **attrs: Any) -> SpanSuggestion:
        return SpanSuggestion(key, layer, label, *find(text, needle), attrs)

    suggestions = DocSuggestions(
        spans=[
            span("e1", "entity", "PERSON", "Vladimir Putin"),
            span("e2", "entity", "GPE", "Donbas"),
            span("e3", "entity", "ORG", "India Today"),
            span("e4", "entity", "PERSON", "Moscow"),
            span("q1", "quote", "DIRECT", QUOTE),
            span("s1", "source", "SOURCE", "he"),
            span("c1", "cue", "CUE", "told"),
            span(
                "k1", "claim", "QUANTITY", "Moscow controls around 85% of Donbas", checkworthy="yes"
            ),
        ],
        relations=[
            RelationSuggestion("said_by", "q1", "s1"),
            RelationSuggestion("cue", "q1", "c1"),
            RelationSuggestion("refers_to", "s1", "e1"),
        ],
    )
    other = DocSuggestions(spans=[SpanSuggestion("x", "entity", "PERSON", 0, 4)])
    store.store_suggestions(MODEL, [(first, suggestions), (second, other)])


def _gold(store: Store) -> None:
    store.add_annotator("lead", role="reviewer")
    document = store.documents()[0]
    text = document.text

    def add(layer: str, label: str, needle: str, **attrs: Any) -> str:
        start, end = find(text, needle)
        record = store.add_span(
            annotator="gold", actor="lead", doc_id=document.doc_id, layer=layer, label=label,
            start=start, end=end, attrs=attrs or None,
        )  # fmt: skip
        return record.span_id

    putin = add("entity", "PERSON", "Vladimir Putin")
    add("entity", "GPE", "Donbas")
    add("entity", "ORG", "India Today")
    add("entity", "GPE", "Moscow")  # the model says PERSON
    add("entity", "PERSON", "Donald Trump")  # the model missed it
    quote, source, cue = (
        add("quote", "DIRECT", QUOTE),
        add("source", "SOURCE", "he"),
        add("cue", "CUE", "told"),
    )
    add("claim", "QUANTITY", "Moscow controls around 85% of Donbas", checkworthy="no")
    for type_, head, tail in (
        ("said_by", quote, source),
        ("cue", quote, cue),
        ("refers_to", source, putin),
    ):
        store.add_relation(type_, head, tail, annotator="gold", actor="lead")
    store.set_status(document.doc_id, "done", annotator="gold", actor="lead")


def test_the_model_annotator_against_gold_built_in_the_store(seeded: Store) -> None:
    _suggest(seeded)
    _gold(seeded)
    report = evaluate(seeded, seeded, pred_annotator=MODEL)
    assert report.gold_annotator == "gold" and len(report.doc_ids) == 1
    table = report.table().set_index(["layer", "metric", "label"])
    strict = table.loc[("entity", "strict", "(micro)")]
    assert [strict[c] for c in ("correct", "incorrect", "partial", "missed", "spurious")] == [
        3,
        1,
        0,
        1,
        0,
    ]
    assert strict["p"] == pytest.approx(3 / 4) and strict["r"] == pytest.approx(3 / 5)
    assert table.loc[("entity", "type", "(micro)"), "correct"] == 3
    for layer in ("quote", "source", "cue", "claim"):
        assert table.loc[(layer, "strict", "(micro)"), "f"] == 1.0
    assert report.quotes is not None and report.claims is not None
    assert report.quotes["speaker"]["accuracy"] == 1.0  # both resolve "he" to Vladimir Putin
    for metric in ("content_strict", "content_token", "cue", "joint", "joint_strict"):
        assert report.quotes[metric]["f"] == 1.0, metric
    assert report.claims["overlap"]["f"] == 1.0
    assert report.claims["claim_type"]["accuracy"] == 1.0
    assert report.claims["checkworthy"]["accuracy"] == 0.0
    assert table.loc[("claim", "checkworthy", "(micro)"), "incorrect"] == 1
    # the model's document without gold is reported, not scored
    assert report.problems["kind"].tolist() == ["not-in-gold"]
    errors = report.errors.set_index("kind")
    assert errors.loc["missed", "text"] == "Donald Trump"
    assert (errors.loc["incorrect", "label"], errors.loc["incorrect", "pred_label"]) == (
        "GPE",
        "PERSON",
    )


def test_speaker_and_joint_scores_when_the_speaker_differs(seeded: Store) -> None:
    _suggest(seeded)
    _gold(seeded)
    tables = load_tables_from(seeded)
    spans, relations = tables["spans"], tables["relations"]
    # The model links "he" to India Today instead of Vladimir Putin.
    model = spans[spans["annotator"] == MODEL]
    india = model[model["text"] == "India Today"]["span_id"].iloc[0]
    refers = (relations["annotator"] == MODEL) & (relations["type"] == "refers_to")
    relations = relations.assign(tail_span_id=relations["tail_span_id"].where(~refers, india))
    report = evaluate(tables, {**tables, "relations": relations}, pred_annotator=MODEL)
    assert report.quotes is not None
    assert report.quotes["speaker"]["accuracy"] == 0.0
    assert report.quotes["joint"]["f"] == 0.0 and report.quotes["content_strict"]["f"] == 1.0


def test_suggestion_report(seeded: Store) -> None:
    _suggest(seeded)
    _gold(seeded)
    doc_id = seeded.documents()[0].doc_id
    suggestions = {s.text: s.span_id for s in seeded.spans(annotator=MODEL, doc_id=doc_id)}
    seeded.accept_suggestion(suggestions["Vladimir Putin"], annotator="ana")
    seeded.accept_suggestion(suggestions["Moscow"], annotator="ana", label="GPE")
    seeded.reject_suggestion(suggestions["India Today"], annotator="ana")
    seeded.accept_suggestion(suggestions[QUOTE], annotator="ana")
    start, end = find(seeded.documents()[0].text, "Donald Trump")
    seeded.add_span(
        annotator="ana", doc_id=doc_id, layer="entity", label="PERSON", start=start, end=end
    )
    frame = suggestion_report(seeded, suggester=MODEL, annotators=["ana", "gold"])
    rows = frame.set_index(["annotator", "layer", "label"])
    person = rows.loc[("ana", "entity", "PERSON")]
    assert [person[c] for c in ("suggested", "accepted", "edited", "human", "missed")] == [
        2,
        1,
        1,
        2,
        1,
    ]
    assert rows.loc[("ana", "entity", "ORG"), "rejected"] == 1
    assert rows.loc[("ana", "entity", "GPE"), "undecided"] == 1  # Donbas, document not done
    assert rows.loc[("ana", "entity", "GPE"), "missed"] == 0  # Moscow came from a suggestion
    assert rows.loc[("ana", "quote", "DIRECT"), "accepted"] == 1
    gold_person = rows.loc[("gold", "entity", "PERSON")]
    # Putin identical; Moscow (PERSON) overlaps gold's GPE Moscow: the model found it, mislabelled
    assert (gold_person["accepted"], gold_person["edited"], gold_person["missed"]) == (1, 1, 1)
    assert rows.loc[("gold", "claim", "QUANTITY"), "accepted"] == 1
    assert rows.loc[("gold", "entity", "PERSON"), "recall"] == pytest.approx(1 / 2)


# --- inputs --------------------------------------------------------------------------------


def test_changed_text_is_aligned_where_identical_and_reported_elsewhere() -> None:
    gold, _ = _six_cases()
    changed = TEXT.replace("Barack Obama visited", "Former president Barack Obama flew to").replace(
        "Berlin", "Bonn"
    )
    spans = [("system", "d1", "entity", "PERSON", *find(changed, "Barack Obama")),
             ("system", "d1", "entity", "GPE", *find(changed, "Paris")),
             ("system", "d1", "entity", "GPE", *find(changed, "Bonn")),
             ("system", "d9", "entity", "GPE", 0, 4)]  # fmt: skip
    texts = {"d1": changed, "d9": "Elsewhere entirely."}
    pred = make_tables(texts, spans)
    report = evaluate(gold, pred)
    strict = report.layers["entity"]["semeval"]["strict"]
    assert (strict["correct"], strict["actual"]) == (2, 2)  # Obama and Paris carried over
    problems = report.problems.set_index("kind")
    assert problems.loc["text-changed", "text"] == "Bonn"
    assert set(problems.index) == {"text-changed", "unknown-document"}
    # A bare spans table whose text disagrees with gold is reported, not scored.
    bare = pd.DataFrame(
        {"doc_id": ["d1"], "label": ["PERSON"], "start": [0], "end": [6], "text": ["Angela"]}
    )
    report = evaluate(gold, bare)
    assert report.problems["kind"].tolist() == ["text-mismatch"]
    assert report.layers["entity"]["semeval"]["strict"]["actual"] == 0


def test_predictions_matched_by_text_when_ids_differ_and_refusals() -> None:
    gold, pred = _six_cases()
    renamed = {
        "documents": pred["documents"].assign(doc_id="sha256:abc"),
        "spans": pred["spans"].assign(doc_id="sha256:abc"),
    }
    assert evaluate(gold, renamed).layers["entity"]["semeval"]["strict"]["correct"] == 1
    nothing = {
        "documents": pred["documents"].assign(doc_id="x", text="other"),
        "spans": pred["spans"].assign(doc_id="x"),
    }
    with pytest.raises(AnnotateError) as caught:
        evaluate(gold, nothing)
    assert caught.value.code == "E420"
    both = {k: pd.concat([gold[k], pred[k]], ignore_index=True) for k in ("documents", "spans")}
    both["documents"] = gold["documents"]
    with pytest.raises(AnnotateError) as caught:
        evaluate(gold, both)
    assert caught.value.code == "E418"
    with pytest.raises(AnnotateError) as caught:
        evaluate({"spans": gold["spans"]}, pred)
    assert caught.value.code == "E423"


@pytest.mark.parametrize(
    "fmt", ["parquet", "csv", "jsonl", "spans-file", "docbin", "prodigy", "pipeline"]
)
def test_every_input_format_gives_the_same_scores(fmt: str, tmp_path: Path) -> None:
    gold, pred = _six_cases()
    expected = evaluate(gold, pred).layers["entity"]["semeval"]
    source: Any
    if fmt in ("parquet", "csv", "jsonl"):
        write_tables(pred, tmp_path, fmt=fmt)  # type: ignore[arg-type]
        source = tmp_path
    elif fmt == "spans-file":
        write_tables({"spans": pred["spans"]}, tmp_path, fmt="parquet")
        source = tmp_path / "spans.parquet"
    elif fmt == "docbin":
        write_docbin(pred, tmp_path)
        source = next(tmp_path.glob("*.spacy"))
    elif fmt == "prodigy":
        write_prodigy(pred, tmp_path)
        source = tmp_path / "annotations.jsonl"
    else:
        import spacy

        source = spacy.blank("en")
        ruler = source.add_pipe("entity_ruler")
        ruler.add_patterns([{"label": label, "pattern": text} for label, text in PRED])
    report = evaluate(gold, source)
    assert report.layers["entity"]["semeval"] == expected, fmt
    assert report.problems.empty


# --- speakers like with like, sources apart, and what was not measured -------------------------

SAID = "Vladimir Putin arrived on Friday. “We will not stop,” he said."


def _quote_tables(
    annotator: str,
    source: str,
    *,
    resolve: bool,
    relations: bool = True,
) -> dict[str, pd.DataFrame]:
    """One quote of SAID with the given source mention, resolved to Putin or not."""
    quote, cue, mention = find(SAID, "“We will not stop,”"), find(SAID, "said"), find(SAID, source)
    putin = find(SAID, "Vladimir Putin")
    ids = {name: f"{annotator}:d1:{a}:{b}:{label}" for name, (a, b, label) in {
        "quote": (*quote, "DIRECT"), "source": (*mention, "SOURCE"), "cue": (*cue, "CUE"),
        "entity": (*putin, "PERSON"),
    }.items()}  # fmt: skip
    spans = [
        (annotator, "d1", "quote", "DIRECT", *quote),
        (annotator, "d1", "source", "SOURCE", *mention),
        (annotator, "d1", "cue", "CUE", *cue),
        (annotator, "d1", "entity", "PERSON", *putin),
    ]
    links = [
        (annotator, "said_by", ids["quote"], ids["source"]),
        (annotator, "cue", ids["quote"], ids["cue"]),
    ]
    if resolve:
        links.append((annotator, "refers_to", ids["source"], ids["entity"]))
    return make_tables(
        {"d1": SAID},
        spans,
        status=[("d1", annotator, "done")],
        relations=links if relations else [],
    )


def test_an_unresolved_gold_speaker_is_compared_as_a_mention() -> None:
    # Gold marked "he" without linking it to an entity; the system resolved the same "he" to
    # Vladimir Putin. Same mention, so the same speaker (a name against a mention was a miss).
    gold = _quote_tables("gold", "he", resolve=False)
    pred = _quote_tables("system", "he", resolve=True)
    report = evaluate(gold, pred)
    assert report.quotes is not None
    speaker = report.quotes["speaker"]
    assert speaker["accuracy"] == 1.0
    assert (speaker["by_name"], speaker["by_mention"]) == (0, 1)
    assert report.quotes["joint"]["f"] == 1.0
    # both resolved: compared as names
    resolved = evaluate(_quote_tables("gold", "he", resolve=True), pred)
    assert resolved.quotes is not None
    assert (resolved.quotes["speaker"]["by_name"], resolved.quotes["speaker"]["by_mention"]) == (
        1,
        0,
    )


def test_a_different_mention_of_an_unresolved_speaker_is_a_different_speaker() -> None:
    gold = _quote_tables("gold", "he", resolve=False)
    pred = _quote_tables("system", "Vladimir Putin", resolve=False)
    report = evaluate(gold, pred)
    assert report.quotes is not None and report.quotes["speaker"]["accuracy"] == 0.0


def test_source_spans_are_scored_apart_from_resolved_speakers() -> None:
    # Both resolve to Vladimir Putin, but the system links the name, gold the pronoun.
    gold = _quote_tables("gold", "he", resolve=True)
    pred = _quote_tables("system", "Vladimir Putin", resolve=True)
    report = evaluate(gold, pred)
    quotes = report.quotes
    assert quotes is not None
    assert quotes["speaker"]["accuracy"] == 1.0
    assert quotes["source"]["f"] == 0.0 and quotes["source_match"]["accuracy"] == 0.0
    assert quotes["cue"]["f"] == 1.0
    table = report.table().set_index(["layer", "metric", "label"])
    assert table.loc[("quote", "source", "(micro)"), "f"] == 0.0
    assert table.loc[("quote", "source_match", "(micro)"), "incorrect"] == 1


def test_figures_resting_on_missing_relations_are_not_measured() -> None:
    gold = _quote_tables("gold", "he", resolve=False, relations=False)
    pred = _quote_tables("system", "he", resolve=False, relations=False)
    report = evaluate(gold, pred)
    quotes = report.quotes
    assert quotes is not None
    for metric in ("speaker", "source_match", "cue_match"):
        assert quotes[metric]["accuracy"] is None and quotes[metric]["measured"] is False
    assert quotes["quote_type"]["accuracy"] == 1.0
    assert any("speaker: not measured" in note and "said_by" in note for note in report.notes)
    row = (
        report.table().set_index(["layer", "metric", "label"]).loc[("quote", "speaker", "(micro)")]
    )
    assert pd.isna(row["accuracy"]) and pd.isna(row["correct"]) and row["possible"] == 1
    assert "not measured" in format_table(report)
    assert json.loads(json.dumps(report.to_json()))["quotes"]["speaker"]["accuracy"] is None


def test_a_prediction_without_speakers_is_measured_and_says_so() -> None:
    gold = _quote_tables("gold", "he", resolve=True)
    pred = _quote_tables("system", "he", resolve=False, relations=False)
    report = evaluate(gold, pred)
    assert report.quotes is not None and report.quotes["speaker"]["accuracy"] == 0.0
    assert any("the prediction has no said_by relations" in note for note in report.notes)


def test_a_discontinuous_prediction_on_changed_text_moves_piece_by_piece() -> None:
    from annotate.scoring.evaluate_inputs import place_predictions

    gold, _ = _six_cases()
    changed = "Former president " + TEXT
    pred = make_tables({"d1": changed}, [])
    barack, obama = find(changed, "Barack"), find(changed, "Obama")
    pieces = [list(barack), list(obama)]
    spans = pd.DataFrame([
        {"doc_id": "d1", "annotator": "system", "span_id": "s1", "layer": "entity",
         "label": "PERSON", "start": barack[0], "end": obama[1], "fragments": pieces},
        {"doc_id": "d1", "annotator": "system", "span_id": "s2", "layer": "entity",
         "label": "GPE", "start": find(changed, "Paris")[0], "end": find(changed, "Paris")[1],
         "fragments": None},
    ])  # fmt: skip
    problems: list[dict[str, Any]] = []
    placed, _, _ = place_predictions(pred, spans, gold["documents"], problems)
    assert problems == []
    shift = len("Former president ")
    assert placed["fragments"].tolist() == [
        [[a - shift, b - shift] for a, b in pieces], None,
    ]
    assert placed["start"].tolist() == [0, find(TEXT, "Paris")[0]]
