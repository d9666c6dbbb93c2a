"""A trained run as a suggester: its own annotator, uncertainty per document, rules combined."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.errors import AnnotateError
from annotate.train.runs import Run
from annotate.train.suggester import TrainedSuggester
from annotate.workflow.assign import get_queue_order, queue, set_queue_order
from tests.support.clirun import run_main
from tests.support.training import news_project
from tests.train.conftest import Trained


@pytest.fixture
def fresh(news: Trained, tmp_path: Path) -> Trained:
    """A new project holding other generated articles, with the shared news run."""
    project = news_project(tmp_path / "other.db", 12, seed=7)
    return Trained(project, news.result, tmp_path)


def test_suggestions_are_stored_under_the_runs_own_annotator_with_uncertainty(
    fresh: Trained,
) -> None:
    run = fresh.result.run
    report = fresh.project.suggest(model=str(run.path), progress=False)
    assert report.suggester == f"trained:news@{run.short_hash}" == run.suggester_name()
    assert report.parsed == 12 and report.spans > 0
    store = fresh.project.store
    assert report.suggester in store.suggesters()
    spans = store.spans(annotator=report.suggester)
    assert {s.layer for s in spans} == {"entity", "quote", "source", "cue", "claim"}
    assert all(s.origin == "model" for s in spans)
    assert store.relations(annotator=report.suggester)
    measured = store.uncertainties(report.suggester)
    assert set(measured) == set(store.doc_ids())
    assert all(0.0 <= u <= 1.0 for u in measured.values())
    again = fresh.project.suggest(model=str(run.path), progress=False)
    assert (again.parsed, again.cached) == (0, 12)


def test_auto_suggests_what_scored_highest_on_dev(news: Trained) -> None:
    card = news.card
    auto = TrainedSuggester(news.result.run)
    assert auto.choice == card["choice"]["layers"]
    assert auto.linker == card["choice"]["links"]
    better = {
        layer: "model" if (card["dev"]["model"]["layers"][layer]["f"] or 0)
        >= (card["dev"]["rules"]["layers"][layer]["f"] or 0) else "rules"
        for layer in card["layers"]
    }  # fmt: skip
    # Either the model's spans throughout, or per layer the better of the model and the rules.
    assert card["choice"]["layers"] in ({layer: "model" for layer in card["layers"]}, better)

    def objective(system: str) -> float:
        figures = card["dev"][system]
        values = [figures["layers"][layer]["f"] or 0.0 for layer in card["layers"]]
        return sum([*values, figures["quotes"]["joint_f"]]) / (len(values) + 1)

    # What is suggested scores at least as well on dev as the model or the rules alone.
    assert card["choice"]["objective"] == pytest.approx(objective("auto"))
    assert objective("auto") >= max(objective("model"), objective("rules"))
    assert "model's spans with nearest links" in card["choice"]["why"]


def test_the_model_alone_needs_no_parser_and_has_its_own_annotator(fresh: Trained) -> None:
    run = fresh.result.run
    alone = TrainedSuggester(run, mode="model")
    assert not alone.needs_rules and alone.linker == "nearest"
    assert set(alone.choice.values()) == {"model"}
    report = fresh.project.suggest(model=str(run.path), mode="model", progress=False)
    assert report.suggester == f"trained:news@{run.short_hash}/model"
    reasons = {s.attrs["reason"].split(":")[0] for s in
               fresh.project.store.spans(annotator=report.suggester)}  # fmt: skip
    assert reasons == {"trained pipeline news"}
    with pytest.raises(AnnotateError) as caught:
        TrainedSuggester(run, mode="guess")
    assert caught.value.code == "E229"


def test_evaluating_a_run_scores_the_gold_it_did_not_learn_from(
    news: Trained, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.json"
    code, output = run_main(
        ["evaluate", "--db", str(news.folder / "news.db"), "--model",
         str(news.result.run.path), "--json", str(out)], capfd,
    )  # fmt: skip
    assert code == 0, output
    assert "left out 32 document(s) news was trained on" in output
    scores = json.loads(out.read_text())
    assert scores["n_docs"] == 8 and sorted(scores["doc_ids"]) == news.card["data"]["dev_ids"]
    # The same scorer on the same documents: the card's dev figures, links included.
    for layer in news.card["layers"]:
        assert scores["layers"][layer]["spacy"][f"{layer}_f"] == pytest.approx(
            news.card["dev"]["auto"]["layers"][layer]["f"])
    assert scores["quotes"]["joint"]["f"] == pytest.approx(
        news.card["dev"]["auto"]["quotes"]["joint_f"])


def test_queues_put_the_least_sure_documents_first(fresh: Trained) -> None:
    store = fresh.project.store
    with pytest.raises(AnnotateError) as caught:
        set_queue_order(store, "uncertainty")  # nothing measured yet
    assert caught.value.code == "E227"
    report = fresh.project.suggest(model=str(fresh.result.run.path), progress=False)
    assert set_queue_order(store) == {"order": "uncertainty", "suggester": report.suggester}
    measured = store.uncertainties(report.suggester)
    ordered = queue(store, "alice")
    assert sorted(ordered) == sorted(store.doc_ids())
    values = [measured[d] for d in ordered]
    assert values == sorted(values, reverse=True) and values[0] > values[-1]
    set_queue_order(store, "corpus")
    assert get_queue_order(store) == {} and queue(store, "alice") == store.doc_ids()
    with pytest.raises(AnnotateError) as caught:
        set_queue_order(store, "random")
    assert caught.value.code == "E228"


def test_labels_the_projects_scheme_lacks_are_not_suggested(news: Trained) -> None:
    run = news.result.run
    text = "“The talks are going well,” Maria Ortiz said in Kenya on Monday."
    everything = next(TrainedSuggester(run, mode="model").suggest_texts([text]))
    assert {"PERSON", "GPE"} <= {s.label for s in everything.spans if s.layer == "entity"}
    narrow = TrainedSuggester(run, mode="model", labels={"entity": ["GPE"], "quote": ["DIRECT"]})
    found = next(narrow.suggest_texts([text]))
    assert {(s.layer, s.label) for s in found.spans} <= {("entity", "GPE"), ("quote", "DIRECT")}
    keys = {s.key for s in found.spans}
    assert all(r.head in keys and r.tail in keys for r in found.relations)


def test_layers_the_model_never_learnt_come_from_the_rules_it_was_measured_against(
    fashion: Trained,
) -> None:
    run = fashion.result.run
    layers = fashion.project.scheme.layer_names
    nlp = run.load_nlp()
    auto = TrainedSuggester(run, layers=layers, nlp=nlp)
    assert auto.choice == {"entity": "model", "quote": "rules", "source": "rules",
                           "cue": "rules", "claim": "rules"}  # fmt: skip
    assert auto.needs_rules
    unmeasured = Run(run.path, {**run.card, "rules": {"model": None, "available": False},
                                "choice": {"layers": {"entity": "model"}, "links": "nearest"}})
    alone = TrainedSuggester(unmeasured, layers=layers, nlp=nlp)
    assert alone.choice == {"entity": "model"} and not alone.needs_rules
