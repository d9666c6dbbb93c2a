"""Agreement: pairwise F1 equal to spaCy's scorer, coefficients equal to reference libraries,
attribution, status, disagreements, the HTML report and the notebook."""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from annotate.errors import AnnotateError
from annotate.formats import read_prodigy
from annotate.scoring.agreement import AgreementReport, agreement
from annotate.scoring.attribution import match_rows, nominal_kappa, normalise_name, same_speaker
from annotate.scoring.chance import TokenLayout, alpha_nominal, kappa, token_codes
from annotate.scoring.matching import Span, align, match_spans, score_spans
from annotate.scoring.pairs import SpanArrays, compare
from annotate.scoring.reliability import (
    cohen_kappa,
    krippendorff_alpha,
    lay_end_to_end,
    token_labels,
    unitizing_alpha,
)
from annotate.scoring.report import confusion_matrix, format_summary, render_html, write_html
from annotate.store import Store
from tests.support.agreement_tables import PRODIGY, QUOTE, SpanRow, find, make_tables
from tests.support.paths import ROOT

# --- building the contract tables by hand ----------------------------------------------------









def pair_row(report: AgreementReport, a: str, b: str, layer: str = "entity") -> pd.Series:
    rows = report.pairwise
    return rows[(rows["pair"] == f"{a} / {b}") & (rows["layer"] == layer)].iloc[0]


SUMMIT = "Vladimir Putin met Narendra Modi in New Delhi on Friday."
PRICES = "Prices rose 5% in March, the statistics office said."


# --- the Prodigy review file against spaCy's scorer ----------------------------------------


def test_prodigy_review_pairwise_f1_equals_spacy_scorer() -> None:
    import spacy
    from spacy.scorer import Scorer
    from spacy.training import Example

    rows = [json.loads(line) for line in PRODIGY.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1521
    assert Counter(len(row["versions"]) for row in rows) == {1: 862, 2: 659}
    batch = read_prodigy(PRODIGY, review_annotator=None)
    report = agreement(batch.to_tables())
    assert report.annotators == ["ner_model", "original_annotations"]
    row = pair_row(report, "ner_model", "original_annotations")
    assert row["n_docs"] == 1521

    nlp = spacy.blank("en")
    examples = []
    for task in rows:
        spans = {s: v.get("spans", []) for v in task["versions"] for s in v["sessions"]}

        def doc(session: str, task: dict[str, Any] = task, spans: Any = spans) -> Any:
            made = nlp.make_doc(task["text"])
            made.ents = [made.char_span(s["start"], s["end"], s["label"]) for s in spans[session]]
            return made

        # ner_model is the pair's reference, as gold is in spaCy's examples.
        examples.append(Example(doc("original_annotations"), doc("ner_model")))
    expected = Scorer.score_spans(examples, "ents")
    assert row["strict_p"] == pytest.approx(expected["ents_p"], abs=1e-9)
    assert row["strict_r"] == pytest.approx(expected["ents_r"], abs=1e-9)
    assert row["strict_f"] == pytest.approx(expected["ents_f"], abs=1e-9)
    assert round(row["strict_f"], 4) == 0.7649
    per_label = report.per_label[report.per_label["pair"] != "mean"].set_index("label")
    for label, scores in expected["ents_per_type"].items():
        assert per_label.loc[label, "strict_f"] == pytest.approx(scores["f"], abs=1e-9)
    assert row["overlap_f"] >= row["strict_f"]


# --- pairwise F1 -------------------------------------------------------------------------------


def test_pairwise_strict_and_overlap_f1_by_hand() -> None:
    text = SUMMIT
    a = [("PERSON", "Vladimir Putin"), ("PERSON", "Narendra Modi"), ("GPE", "New Delhi"),
         ("DATE", "Friday")]  # fmt: skip
    b = [("PERSON", "Vladimir Putin"), ("PERSON", "Modi"), ("LOC", "New Delhi")]
    spans = [("a", "d1", "entity", lab, *find(text, s)) for lab, s in a]
    spans += [("b", "d1", "entity", lab, *find(text, s)) for lab, s in b]
    report = agreement(make_tables({"d1": text}, spans))
    row = pair_row(report, "a", "b")
    # strict: Putin only; overlap: Putin and Modi (same label, shared characters)
    assert (row["n_a"], row["n_b"], row["strict_tp"], row["overlap_tp"]) == (4, 3, 1, 2)
    assert row["strict_p"] == pytest.approx(1 / 3) and row["strict_r"] == pytest.approx(1 / 4)
    assert row["strict_f"] == pytest.approx(2 / 7)
    assert row["overlap_f"] == pytest.approx(4 / 7)
    # the same figures as the matching module's spaCy-shaped scores
    gold = [Span("d1", lab, *find(text, s)) for lab, s in a]
    pred = [Span("d1", lab, *find(text, s)) for lab, s in b]
    assert row["strict_f"] == score_spans(gold, pred)["spans_f"]
    assert row["overlap_f"] == score_spans(gold, pred, mode="overlap")["spans_f"]
    labels = report.per_label[report.per_label["pair"] == "a / b"].set_index("label")
    assert labels.loc["PERSON", "strict_f"] == pytest.approx(1 / 2)
    assert labels.loc["PERSON", "overlap_f"] == pytest.approx(1.0)
    assert labels.loc["GPE", "n_a"] == 1 and labels.loc["GPE", "n_b"] == 0
    confusion = confusion_matrix(report)
    assert confusion.loc["GPE", "LOC"] == 1 and confusion.loc["LOC", "GPE"] == 1
    assert confusion.loc["DATE", "(none)"] == 1


def test_only_documents_both_annotated_count_and_means_over_pairs() -> None:
    texts = {"d1": SUMMIT, "d2": PRICES}
    putin = find(SUMMIT, "Vladimir Putin")
    march = find(PRICES, "March")
    spans = [
        ("a", "d1", "entity", "PERSON", *putin),
        ("b", "d1", "entity", "PERSON", *putin),
        ("c", "d1", "entity", "ORG", *putin),  # c skipped d1: not compared
        ("b", "d2", "entity", "DATE", *march),
        ("c", "d2", "entity", "DATE", *march),
    ]
    status = [
        ("d1", "a", "done"), ("d1", "b", "done"), ("d1", "c", "skipped"),
        ("d2", "a", "done"),  # done without spans: a found nothing in d2, which counts
        ("d2", "c", "flagged"),
    ]  # fmt: skip
    report = agreement(make_tables(texts, spans, status=status))
    ab, ac, bc = (pair_row(report, *p) for p in (("a", "b"), ("a", "c"), ("b", "c")))
    assert ab["n_docs"] == 2 and (ab["strict_tp"], ab["n_a"], ab["n_b"]) == (1, 1, 2)
    assert ac["n_docs"] == 1 and (ac["n_a"], ac["n_b"], ac["strict_tp"]) == (0, 1, 0)
    assert ac["strict_f"] == 0.0
    # b has spans on d2 and no status yet: work in progress counts
    assert bc["n_docs"] == 1 and bc["strict_f"] == 1.0
    mean = report.pairwise[(report.pairwise["pair"] == "mean")].iloc[0]
    assert mean["strict_f"] == pytest.approx((ab["strict_f"] + 0.0 + 1.0) / 3)
    assert mean["n_a"] == ab["n_a"] + ac["n_a"] + bc["n_a"]
    finished = agreement(make_tables(texts, spans, status=status), finished_only=True)
    assert pair_row(finished, "b", "c")["n_docs"] == 0
    assert pd.isna(pair_row(finished, "b", "c")["strict_f"])  # nothing to score


def test_fast_comparison_equals_the_matching_module() -> None:
    for trial in range(300):
        rng = random.Random(trial)
        labels = ("A", "B", "C")[: rng.randint(1, 3)]

        def side(rng: random.Random = rng, labels: Sequence[str] = labels) -> list[tuple[int, ...]]:
            rows = []
            for doc in range(4):
                for _ in range(rng.randint(0, 10)):
                    start = rng.randint(0, 60)
                    rows.append(
                        (doc, rng.randrange(len(labels)), start, start + rng.randint(1, 12))
                    )
            return rows

        gold, pred = side(), side()
        pred += [row for row in gold if rng.random() < 0.6]
        result = compare(_arrays(gold, labels), _arrays(pred, labels))
        g = [Span(str(d), labels[lab], s, e) for d, lab, s, e in gold]
        p = [Span(str(d), labels[lab], s, e) for d, lab, s, e in pred]
        strict, overlap = match_spans(g, p), match_spans(g, p, mode="overlap")
        assert result.strict_tp == Counter(x.label for x, _ in strict.pairs)
        assert result.overlap_tp == Counter(x.label for x, _ in overlap.pairs)
        aligned = Counter(
            (u.gold.label if u.gold else "(none)", u.pred.label if u.pred else "(none)")
            for u in align(g, p)
        )
        assert result.confusion == aligned
        assert sum(result.n_gold.values()) == len(set(g))


def test_matching_rows_of_quote_tables_equals_the_matching_module() -> None:
    rng = random.Random(5)
    for _ in range(200):
        frames = []
        for _side in range(2):
            rows = []
            for _ in range(rng.randint(0, 12)):
                start = rng.randint(0, 80)
                rows.append(
                    {"doc_id": rng.choice("xy"), "start": start, "end": start + rng.randint(1, 15)}
                )
            frames.append(pd.DataFrame(rows, columns=["doc_id", "start", "end"]))
        gold, pred = frames
        spans = [
            [Span(d, "*", s, e, i) for i, (d, s, e) in enumerate(f.itertuples(index=False))]
            for f in frames
        ]
        for mode in ("overlap", "exact"):
            expected = match_spans(*spans, mode=mode).id_pairs()
            assert sorted(match_rows(gold, pred, mode=mode)) == sorted(expected)  # type: ignore[arg-type]


def _arrays(rows: list[tuple[int, ...]], labels: Sequence[str]) -> SpanArrays:
    array = np.array(rows, dtype=np.int64).reshape(-1, 4)
    ids = np.arange(len(array)).astype(object)
    return SpanArrays(array[:, 0], array[:, 1], array[:, 2], array[:, 3], ids, tuple(labels))


# --- chance-corrected coefficients -------------------------------------------------------------


def _corpus(seed: int = 3) -> tuple[dict[str, str], list[SpanRow]]:
    """Three annotators marking the same words of four short articles, with noise."""
    rng = random.Random(seed)
    words = ["the", "minister", "said", "prices", "in", "Delhi", "rose", "by", "five", "percent",
             "after", "talks", "with", "Moscow"]  # fmt: skip
    texts = {f"d{i}": " ".join(rng.choice(words) for _ in range(60)) + "." for i in range(4)}
    spans: list[SpanRow] = []
    for doc_id, text in texts.items():
        offsets = [m.span() for m in re.finditer(r"\w+", text)]
        truth = [
            (s, e, rng.choice(["GPE", "ORG", "PERSON"])) for s, e in offsets if rng.random() < 0.3
        ]
        for annotator in ("a", "b", "c"):
            for start, end, label in truth:
                roll = rng.random()
                if roll < 0.1:
                    continue
                if roll < 0.2:
                    label = "ORG" if label != "ORG" else "GPE"
                spans.append((annotator, doc_id, "entity", label, start, end))
            for start, end in rng.sample(offsets, 2):
                if not any(s < end and start < e for s, e, _ in truth):
                    spans.append((annotator, doc_id, "entity", "PERSON", start, end))
    return texts, spans


def _reference_token_labels(texts: dict[str, str], spans: list[SpanRow]) -> np.ndarray:
    """annotators × tokens labels, built per document with the reliability module."""
    import spacy

    nlp = spacy.blank("en")
    blocks = []
    for doc_id, text in texts.items():
        tokens = [t for t in nlp.make_doc(text) if not t.is_space]
        starts = [t.idx for t in tokens]
        ends = [t.idx + len(t) for t in tokens]
        units = [
            [(s[4], s[5], s[3]) for s in spans if s[0] == name and s[1] == doc_id] for name in "abc"
        ]
        blocks.append(token_labels(starts, ends, units))
    return np.concatenate(blocks, axis=1)


def test_token_coefficients_equal_reference_libraries() -> None:
    import krippendorff
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import aggregate_raters
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

    texts, spans = _corpus()
    report = agreement(make_tables(texts, spans))
    chance = report.chance[report.chance["layer"] == "entity"]
    labels = _reference_token_labels(texts, spans)
    for scope, keep in (
        ("all tokens", np.ones(labels.shape[1], bool)),
        ("labelled tokens", (labels != "O").any(0)),
    ):
        rows = chance[chance["scope"] == scope].set_index(["coefficient", "pair"])
        for (i, a), (j, b) in [((0, "a"), (1, "b")), ((0, "a"), (2, "c")), ((1, "b"), (2, "c"))]:
            both = (
                keep & ((labels[i] != "O") | (labels[j] != "O")) if scope != "all tokens" else keep
            )
            expected = cohen_kappa_score(labels[i, both], labels[j, both])
            assert rows.loc[("cohen_kappa", f"{a} / {b}"), "value"] == pytest.approx(
                expected, abs=1e-9
            )
        table, _ = aggregate_raters(labels[:, keep].T)
        assert rows.loc[("fleiss_kappa", "all"), "value"] == pytest.approx(
            sm_fleiss(table), abs=1e-9
        )
        codes = np.unique(labels[:, keep], return_inverse=True)[1].reshape(3, -1)
        expected_alpha = krippendorff.alpha(codes.astype(float), level_of_measurement="nominal")
        value = rows.loc[("krippendorff_alpha", "all"), "value"]
        assert value == pytest.approx(expected_alpha, abs=1e-9)
        assert rows.loc[("krippendorff_alpha", "all"), "n_units"] == int(keep.sum())


def test_unitizing_alpha_equals_the_reliability_module_on_laid_out_documents() -> None:
    texts, spans = _corpus(seed=5)
    report = agreement(make_tables(texts, spans))
    rows = report.chance[
        (report.chance["coefficient"] == "unitizing_alpha") & report.chance["label"].isna()
    ]
    documents = [
        (len(text), [[(s[4], s[5], s[3]) for s in spans if s[0] == n and s[1] == d] for n in "abc"])
        for d, text in texts.items()
    ]
    length, units = lay_end_to_end(documents)
    expected = unitizing_alpha(units, length=length)
    # The report lays documents out one character apart: alpha_u moves only in the last digits.
    everyone = rows[rows["pair"] == "all"].iloc[0]
    assert everyone["value"] == pytest.approx(expected.alpha, abs=1e-3)
    assert everyone["n_docs"] == 4 and everyone["n_coders"] == 3
    pair = rows[rows["pair"] == "a / b"].iloc[0]
    two = unitizing_alpha(units[:2], length=length)
    assert pair["value"] == pytest.approx(two.alpha, abs=1e-3)


def test_token_codes_equal_the_reliability_modules_token_labels() -> None:
    rng = random.Random(11)
    for _ in range(200):
        starts = sorted(rng.sample(range(0, 200, 2), 40))
        ends = [s + 1 for s in starts]
        labels = ("A", "B", "C")
        rows = [(0, rng.randrange(3), s, s + rng.randint(1, 30)) for s in rng.sample(range(190), 8)]
        layout = TokenLayout(
            np.array([0]), np.array(starts), np.array(ends), np.zeros(len(starts), np.int64)
        )
        codes = token_codes(_arrays(rows, labels), layout)
        expected = token_labels(starts, ends, [[(s, e, labels[lab]) for _, lab, s, e in rows]])[0]
        assert [("O", *labels)[c] for c in codes.tolist()] == expected.tolist()


def test_fast_kappa_and_alpha_equal_the_reliability_module() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        k = int(rng.integers(2, 6))
        a, b = rng.integers(0, k, 500).astype(np.int32), rng.integers(0, k, 500).astype(np.int32)
        b[:200] = a[:200]
        assert kappa(a, b, k) == pytest.approx(cohen_kappa(a, b), abs=1e-12)
        assert nominal_kappa(a.tolist(), b.tolist()) == pytest.approx(cohen_kappa(a, b), abs=1e-12)
        matrix = rng.integers(0, k, (3, 400)).astype(np.int32)
        matrix[rng.random((3, 400)) < 0.2] = -1
        reference = krippendorff_alpha(np.where(matrix >= 0, matrix, np.nan), level="nominal")
        assert alpha_nominal(matrix, k) == pytest.approx(reference, abs=1e-12)
    assert math.isnan(kappa(np.zeros(3, np.int32), np.zeros(3, np.int32), 1))


def test_nested_units_are_merged_for_alpha_u_and_noted() -> None:
    text = "He said: “We will win, and we will win soon,” at the rally."
    outer, inner = (
        find(text, "“We will win, and we will win soon,”"),
        find(text, "we will win soon"),
    )
    spans = [
        ("a", "d1", "quote", "DIRECT", *outer),
        ("a", "d1", "quote", "DIRECT", *inner),
        ("b", "d1", "quote", "DIRECT", *outer),
    ]
    report = agreement(make_tables({"d1": text}, spans))
    alpha_u = report.summary.set_index("layer").loc["quote", "alpha_u"]
    assert alpha_u == pytest.approx(1.0)  # the inner quote lies inside the outer one
    assert any("nested" in note for note in report.notes)
    assert pair_row(report, "a", "b", "quote")["strict_tp"] == 1


# --- attribution, status, disagreements --------------------------------------------------------


def test_speaker_normalisation() -> None:
    assert normalise_name("  The Kremlin's ") == "kremlin"
    assert same_speaker("Vladimir Putin", "Putin") and same_speaker("PUTIN.", "putin")
    assert not same_speaker("Putin", "Modi") and not same_speaker("Putin", None)
    assert same_speaker(None, float("nan"))


def _annotate_quote(
    store: Store, name: str, *, speaker: str, mention: str, checkworthy: str
) -> None:
    document = store.documents()[0]
    text, doc_id = document.text, document.doc_id

    def add(layer: str, label: str, needle: str, nth: int = 0, **attrs: Any) -> str:
        start, end = find(text, needle, nth)
        record = store.add_span(
            annotator=name, doc_id=doc_id, layer=layer, label=label, start=start, end=end,
            attrs=attrs or None,
        )  # fmt: skip
        return record.span_id

    quote = add("quote", "DIRECT", QUOTE)
    source = add("source", "SOURCE", mention)
    cue = add("cue", "CUE", "told")
    store.add_relation("said_by", quote, source, annotator=name)
    store.add_relation("cue", quote, cue, annotator=name)
    if speaker:
        entity = add("entity", "PERSON", speaker)
        store.add_relation("refers_to", source, entity, annotator=name)
    add("claim", "QUANTITY", "Moscow controls around 85% of Donbas", checkworthy=checkworthy)
    store.set_status(doc_id, "done", annotator=name)


def test_attribution_and_status_from_a_store(seeded: Store) -> None:
    # ana resolves "he" to "Vladimir Putin"; ben to "Putin" (a later mention): same speaker.
    _annotate_quote(seeded, "ana", speaker="Vladimir Putin", mention="he", checkworthy="yes")
    _annotate_quote(seeded, "ben", speaker="Putin", mention="he", checkworthy="yes")
    _annotate_quote(seeded, "cy", speaker="", mention="India Today", checkworthy="no")
    second = seeded.documents()[1].doc_id
    seeded.set_status(second, "done", annotator="ana")
    seeded.set_status(second, "flagged", annotator="ben", comment="duplicate story")
    seeded.add_annotator("lead", role="reviewer")  # registered, no work: left out
    report = agreement(seeded)
    assert report.annotators == ["ana", "ben", "cy"]
    rows = report.attribution.set_index(["pair", "attribute"])
    assert rows.loc[("ana / ben", "speaker"), "agreement"] == 1.0
    assert rows.loc[("ana / cy", "speaker"), "agreement"] == 0.0  # cy: "India Today"
    assert rows.loc[("ana / ben", "cue"), "agreement"] == 1.0
    assert rows.loc[("ana / cy", "checkworthy"), "agreement"] == 0.0
    assert rows.loc[("ana / ben", "claim_type"), "n_matched"] == 1
    assert rows.loc[("mean", "speaker"), "agreement"] == pytest.approx(1 / 3)
    status = report.documents.set_index("pair")
    assert status.loc["ana / ben", "n_docs"] == 2 and status.loc["ana / ben", "n_same"] == 1
    assert status.loc["ana / ben", "b_flagged"] == 1
    assert status.loc["all", "agreement"] == pytest.approx(1 / 2)
    # the same report from the tables the project hands out
    from annotate.formats.dataset import load_tables

    again = agreement(load_tables(seeded))
    pd.testing.assert_frame_equal(again.pairwise, report.pairwise)


def test_disagreements_are_ranked_with_who_chose_what() -> None:
    texts = {"d1": SUMMIT, "d2": PRICES}
    spans = [
        ("a", "d1", "entity", "PERSON", *find(SUMMIT, "Vladimir Putin")),
        ("b", "d1", "entity", "PERSON", *find(SUMMIT, "Vladimir Putin")),
        ("a", "d1", "entity", "GPE", *find(SUMMIT, "New Delhi")),
        ("b", "d1", "entity", "LOC", *find(SUMMIT, "New Delhi")),
        ("a", "d1", "entity", "PERSON", *find(SUMMIT, "Narendra Modi")),
        ("b", "d1", "entity", "PERSON", *find(SUMMIT, "Modi")),
        ("a", "d1", "entity", "DATE", *find(SUMMIT, "Friday")),
        ("a", "d2", "entity", "DATE", *find(PRICES, "March")),
        ("b", "d2", "entity", "DATE", *find(PRICES, "March")),
        (
            "a",
            "d2",
            "claim",
            "CHANGE",
            *find(PRICES, "Prices rose 5% in March"),
            {"checkworthy": "yes"},
        ),
        (
            "b",
            "d2",
            "claim",
            "CHANGE",
            *find(PRICES, "Prices rose 5% in March"),
            {"checkworthy": "no"},
        ),
    ]
    report = agreement(make_tables(texts, spans))
    documents = report.disagreements
    assert documents["doc_id"].tolist() == ["d1", "d2"] and documents["rank"].tolist() == [1, 2]
    first = documents.iloc[0]
    assert (first["n_units"], first["n_disagreements"]) == (4, 3)
    assert first["title"] == "Title of d1"
    units = report.disagreed_spans.set_index("text")
    assert units.loc["New Delhi", "reason"] == "label"
    assert units.loc["Narendra Modi", "reason"] == "boundaries"
    assert units.loc["Friday", "reason"] == "missing"
    assert units.loc["Friday", "choices"] == "a: DATE [49, 55) | b: -"
    assert units.loc["Prices rose 5% in March", "reason"] == "attributes"


def test_annotators_without_shared_documents_give_empty_figures() -> None:
    march = find(PRICES, "March")
    spans = [("a", "d1", "entity", "PERSON", 0, 8), ("b", "d2", "entity", "DATE", *march)]
    report = agreement(make_tables({"d1": SUMMIT, "d2": PRICES}, spans))
    row = pair_row(report, "a", "b")
    assert row["n_docs"] == 0 and pd.isna(row["strict_f"])
    assert report.chance["value"].isna().all()
    assert report.disagreements.empty and report.confusion.empty
    assert "entity" in format_summary(report)
    assert render_html(report).count("data:image/png") == 3


def test_refusals() -> None:
    tables = make_tables({"d1": SUMMIT}, [("a", "d1", "entity", "PERSON", 0, 8)])
    with pytest.raises(AnnotateError) as caught:
        agreement(tables)
    assert caught.value.code == "E416"
    with pytest.raises(AnnotateError) as caught:
        agreement(tables, annotators=["a", "zed"])
    assert caught.value.code == "E417" and "zed" in str(caught.value)
    with pytest.raises(AnnotateError) as caught:
        agreement({"spans": tables["spans"]}, annotators=["a", "b"])
    assert caught.value.code == "E423"


# --- output ------------------------------------------------------------------------------------


def test_summary_json_and_standalone_escaped_html(tmp_path: Path) -> None:
    texts, spans = _corpus()
    hostile = "<script>alert('x')</script>"
    spans = [(hostile if s[0] == "c" else s[0], *s[1:]) for s in spans]
    report = agreement(make_tables(texts, spans))
    text = format_summary(report)
    assert "entity" in text and "strict F" in text
    json.dumps(report.to_json())
    path = write_html(report, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert hostile not in html and "&lt;script&gt;" in html
    assert html.count("data:image/png;base64,") == 3 * len(report.layers)
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html)
    assert render_html(report) == html
    with pytest.raises(AnnotateError) as caught:
        write_html(report, tmp_path / "missing" / "report.html")
    assert caught.value.code == "E424"


def test_notebook_runs_against_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    from annotate.corpus.ingest import ingest

    database = tmp_path / "project.db"
    store = Store(database)
    ingest(store, [ROOT / "corpus"])
    _annotate_quote(store, "ana", speaker="Vladimir Putin", mention="he", checkworthy="yes")
    _annotate_quote(store, "ben", speaker="", mention="India Today", checkworthy="no")
    store.add_annotator("lead", role="reviewer")
    store.close()
    monkeypatch.setenv("ANNOTATE_DB", str(database))
    monkeypatch.setenv("JUPYTERHUB_USER", "lead")
    notebook = nbformat.read(ROOT / "notebooks" / "agreement.ipynb", as_version=4)
    # What pressing "Review" runs, on the document at the top of the list.
    notebook.cells.append(nbformat.v4.new_code_cell(
        "open_review(review_button)\n"
        "shown = [o for o in review_area.outputs if 'application/vnd.jupyter.widget-view+json' "
        "in o.get('data', {})]\n"
        "print('review widget shown:', len(shown), 'on', pick.value)"
    ))
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert (tmp_path / "agreement.html").exists()
    # The most-disagreed documents are offered for review in a widget (a click away).
    widget_views = [o for o in outputs
                    if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widget_views
    last = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    assert "review widget shown: 1 on " in last


# --- headline figures that mean what they say -----------------------------------------------

ATTRIBUTED = (
    "Talks stalled again on Monday. “We are not leaving,” the union leader said. The company "
    "said it would not raise its offer, according to a memo."
)


def _attributed(annotator: str, *, shift_cue: bool = False) -> list[SpanRow]:
    """One annotator's quotes, sources and cues of ATTRIBUTED (no relations)."""
    text = ATTRIBUTED
    rows: list[SpanRow] = [
        (annotator, "d1", "quote", "DIRECT", *find(text, "“We are not leaving,”")),
        (annotator, "d1", "source", "SOURCE", *find(text, "the union leader")),
        (annotator, "d1", "cue", "CUE", *find(text, "said")),
        (annotator, "d1", "quote", "INDIRECT", *find(text, "it would not raise its offer")),
        (annotator, "d1", "source", "SOURCE", *find(text, "The company")),
    ]
    cue = find(text, "according to") if shift_cue else find(text, "said", 1)
    rows.append((annotator, "d1", "cue", "CUE", *cue))
    return rows


def test_summary_leads_with_figures_that_mean_something_per_layer() -> None:
    spans = _attributed("a") + _attributed("b", shift_cue=True)
    report = agreement(make_tables({"d1": ATTRIBUTED}, spans))
    summary = report.summary.set_index("layer")
    chance = report.chance[report.chance["label"].isna()].set_index(
        ["layer", "coefficient", "scope", "pair"]
    )
    cue = summary.loc["cue"]
    # the cue layer has one label: no labelled-token figures, which would only mislead
    assert math.isnan(cue["alpha_labelled"]) and math.isnan(cue["kappa_labelled"])
    assert chance.loc[("cue", "krippendorff_alpha", "labelled tokens", "all"), "value"] < 0
    assert cue["alpha_tokens"] == chance.loc[("cue", "krippendorff_alpha", "all tokens", "all"),
                                             "value"]  # fmt: skip
    assert cue["alpha_tokens"] > 0 and cue["overlap_f"] == pytest.approx(0.5)
    # the quote layer has two labels: the labelled-token figure is kept
    quote = summary.loc["quote"]
    assert (
        quote["alpha_labelled"]
        == chance.loc[("quote", "krippendorff_alpha", "labelled tokens", "all"), "value"]
    )
    assert list(report.summary.columns[3:7]) == ["strict_f", "overlap_f", "alpha_tokens", "alpha_u"]
    text = format_summary(report)
    header = text.splitlines()[1]
    assert header.index("alpha tok") < header.index("alpha_u") < header.index("alpha lab")
    assert "alpha lab: alpha on the tokens at least one annotator labelled" in text
    assert "kappa" not in header


def test_cross_layer_token_alpha_over_source_cue_and_content() -> None:
    from annotate.scoring.chance import token_offsets

    spans = _attributed("a") + _attributed("b", shift_cue=True)
    report = agreement(make_tables({"d1": ATTRIBUTED}, spans))
    row = report.summary.set_index("layer").loc["attribution"]
    starts, ends = token_offsets(ATTRIBUTED)
    names = {"quote": "content", "source": "source", "cue": "cue"}
    units = [
        [(s[4], s[5], names[s[2]]) for s in spans if s[0] == annotator] for annotator in ("a", "b")
    ]
    labels = token_labels(starts, ends, units)
    codes = np.unique(labels, return_inverse=True)[1].reshape(2, -1)
    expected = krippendorff_alpha(codes, level="nominal")
    assert row["alpha_tokens"] == pytest.approx(expected, abs=1e-12)
    assert 0 < expected < 1
    assert row["n_spans"] == len(spans)
    assert "attribution" in format_summary(report).split("\n  strict F")[0]


def test_no_cross_layer_alpha_without_all_three_layers() -> None:
    spans = [s for s in _attributed("a") + _attributed("b") if s[2] != "cue"]
    report = agreement(make_tables({"d1": ATTRIBUTED}, spans))
    assert "attribution" not in report.summary["layer"].tolist()
    assert not (report.chance["layer"] == "attribution").any()


def test_attribution_without_relations_is_not_measured() -> None:
    spans = _attributed("a") + _attributed("b")
    report = agreement(make_tables({"d1": ATTRIBUTED}, spans))  # no relations at all
    rows = report.attribution.set_index(["pair", "attribute"])
    for attribute, relation in (("speaker", "said_by"), ("source", "said_by"), ("cue", "cue")):
        row = rows.loc[("a / b", attribute)]
        assert pd.isna(row["agreement"]) and not row["measured"]
        assert f"no {relation} relations" in row["note"]
        assert pd.isna(rows.loc[("mean", attribute), "agreement"])
        assert not rows.loc[("mean", attribute), "measured"]
    assert rows.loc[("a / b", "quote_type"), "agreement"] == 1.0  # labels need no relation
    text = format_summary(report)
    assert "speaker not measured: neither a nor b links a quote to a source" in text
    assert "speaker 1.000" not in text and "cue 1.000" not in text


def test_speakers_are_compared_like_with_like() -> None:
    text = "Vladimir Putin spoke on Friday. “We will not stop,” he said."
    quote, he, said = find(text, "“We will not stop,”"), find(text, "he"), find(text, "said", 0)
    putin = find(text, "Vladimir Putin")
    spans: list[SpanRow] = []
    relations: list[tuple[str, str, str, str]] = []
    for name in ("a", "b"):
        spans += [
            (name, "d1", "quote", "DIRECT", *quote),
            (name, "d1", "source", "SOURCE", *he),
            (name, "d1", "cue", "CUE", *said),
        ]
        q, s, c = (f"{name}:d1:{quote[0]}:{quote[1]}:DIRECT", f"{name}:d1:{he[0]}:{he[1]}:SOURCE",
                   f"{name}:d1:{said[0]}:{said[1]}:CUE")  # fmt: skip
        relations += [(name, "said_by", q, s), (name, "cue", q, c)]
    # only b resolves "he" to the entity: both marked the same mention, so they agree
    spans.append(("b", "d1", "entity", "PERSON", *putin))
    relations.append(("b", "refers_to", f"b:d1:{he[0]}:{he[1]}:SOURCE",
                      f"b:d1:{putin[0]}:{putin[1]}:PERSON"))  # fmt: skip
    report = agreement(make_tables({"d1": text}, spans, relations=relations))
    rows = report.attribution.set_index(["pair", "attribute"])
    assert rows.loc[("a / b", "speaker"), "agreement"] == 1.0
    assert rows.loc[("a / b", "source"), "agreement"] == 1.0
