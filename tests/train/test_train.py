"""Training from gold: dev F1 beats the untrained pipeline, runs are whole and reproducible."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import spacy

from annotate.errors import AnnotateError
from annotate.train import Run, Settings
from annotate.train.runs import CARD
from tests.support.training import QUICK, fashion_project, news_project
from tests.train.conftest import Trained

LAYERS = ("entity", "quote", "source", "cue", "claim")


def f1(card: dict[str, Any], system: str, layer: str) -> float:
    value = card["dev"][system]["layers"][layer]["f"]
    return 0.0 if value is None else float(value)


def test_news_gold_trains_a_pipeline_that_beats_the_blank_one_on_every_layer(
    news: Trained,
) -> None:
    card = news.card
    assert card["layers"] == list(LAYERS)
    assert card["pipeline"] == ["tok2vec", "ner", "spancat_quote", "spancat_source",
                                "spancat_cue", "spancat_claim"]  # fmt: skip
    for layer in LAYERS:
        # The untrained pipeline guesses; the trained one has learnt every layer.
        assert f1(card, "model", layer) >= f1(card, "blank", layer) + 0.3, layer
    assert f1(card, "model", "entity") > 0.8


def test_fashion_brands_from_prodigy_train_an_entity_recogniser(fashion: Trained) -> None:
    card = fashion.card
    assert card["layers"] == ["entity"] and card["pipeline"] == ["tok2vec", "ner"]
    assert card["labels"] == {"entity": ["ORG"]}
    assert f1(card, "model", "entity") > f1(card, "blank", "entity") + 0.2
    # The rules know ORG in general, not fashion brands: the model learnt what they miss.
    assert f1(card, "model", "entity") > f1(card, "rules", "entity")
    assert card["choice"]["layers"] == {"entity": "model"}


def test_the_run_folder_holds_a_loadable_pipeline_its_config_data_and_card(news: Trained) -> None:
    run = news.result.run
    assert sorted(p.name for p in run.path.iterdir()) == [
        "README.md", "card.json", "config.cfg", "corpus", "model"]  # fmt: skip
    nlp = spacy.load(run.model_path)  # annotate.train is imported: the suggester is registered
    doc = nlp("“The talks are going well,” Maria Ortiz said on Monday.")
    assert any(ent.text == "Maria Ortiz" for ent in doc.ents)
    card = json.loads((run.path / CARD).read_text())
    counts = news.project.tables(annotator="gold", status="done")["spans"]
    train, dev = card["data"]["train"], card["data"]["dev"]
    assert train["documents"] + dev["documents"] == 40
    for layer in LAYERS:
        in_card = sum(train["spans"][layer].values()) + sum(dev["spans"][layer].values())
        assert in_card == int((counts["layer"] == layer).sum())
    assert card["suggester"] == run.suggester_name() and card["model_sha256"].startswith(
        run.short_hash)
    for key in ("annotate", "spacy", "thinc", "python", "rules_pipeline"):
        assert card["versions"][key]
    readme = (run.path / "README.md").read_text()
    assert "| quote | DIRECT |" in readme and card["suggester"] in readme


def test_dev_documents_are_the_dev_part_of_the_spacy_export(news: Trained, tmp_path: Path
                                                            ) -> None:
    from spacy.tokens import DocBin

    news.project.export(tmp_path, formats="spacy", annotator="gold", status="done", split=0.8,
                        seed=0)  # fmt: skip
    nlp = spacy.blank("en")
    dev = DocBin(store_user_data=True).from_disk(tmp_path / "spacy" / "dev.spacy")
    exported = {doc.user_data["annotate"]["doc_id"] for doc in dev.get_docs(nlp.vocab)}
    assert exported == set(news.card["data"]["dev_ids"])


def test_the_same_gold_and_seed_give_the_same_model(tmp_path: Path) -> None:
    project = fashion_project(tmp_path / "f.db", 60)
    settings = Settings(max_epochs=2, max_words=None)
    first = project.train(name="a", out=tmp_path / "runs", settings=settings, progress=False,
                          rules=False)  # fmt: skip
    second = project.train(name="b", out=tmp_path / "runs", settings=settings, progress=False,
                           rules=False)  # fmt: skip
    assert first.card["model_sha256"] == second.card["model_sha256"]
    other = project.train(name="c", out=tmp_path / "runs", seed=1, settings=settings,
                          progress=False, rules=False)  # fmt: skip
    assert other.card["model_sha256"] != first.card["model_sha256"]
    project.close()


def test_an_interrupted_run_leaves_nothing_behind(tmp_path: Path) -> None:
    project = fashion_project(tmp_path / "f.db", 60)
    steps: list[int] = []

    def interrupt(info: dict[str, Any]) -> None:
        steps.append(info["step"])
        if len(steps) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        project.train(name="cut", out=tmp_path / "runs", settings=QUICK, progress=False,
                      rules=False, on_step=interrupt)  # fmt: skip
    assert steps == [0, 1, 2]
    assert list((tmp_path / "runs").iterdir()) == []
    project.close()


def test_a_run_is_not_replaced_unless_forced_and_then_whole(tmp_path: Path) -> None:
    project = fashion_project(tmp_path / "f.db", 40)
    settings = Settings(max_epochs=1, max_words=None)
    first = project.train(name="x", out=tmp_path / "runs", settings=settings, progress=False,
                          rules=False)  # fmt: skip
    with pytest.raises(AnnotateError) as caught:
        project.train(name="x", out=tmp_path / "runs", settings=settings, progress=False,
                      rules=False)  # fmt: skip
    assert caught.value.code == "E222"
    second = project.train(name="x", out=tmp_path / "runs", seed=3, settings=settings,
                           progress=False, rules=False, force=True)  # fmt: skip
    assert Run.load(tmp_path / "runs" / "x").card["model_sha256"] == second.card["model_sha256"]
    assert second.card["model_sha256"] != first.card["model_sha256"]
    assert [p.name for p in (tmp_path / "runs").iterdir()] == ["x"]
    project.close()


def test_the_learning_curve_trains_on_growing_shares_and_draws_them(tmp_path: Path) -> None:
    project = news_project(tmp_path / "n.db", 24)
    result = project.train(name="curve", out=tmp_path / "runs", curve=True,
                           fractions=(0.25, 0.5, 1.0), settings=Settings(max_epochs=4),
                           progress=False)  # fmt: skip
    points = result.curve["points"] if result.curve else []
    assert [p["fraction"] for p in points] == [0.25, 0.5, 1.0]
    assert [p["documents"] for p in points] == [5, 10, 19]
    assert set(points[-1]["f"]) == set(LAYERS)
    # The last point is the run's own model, measured on the same dev documents.
    assert points[-1]["f"]["entity"] == result.card["dev"]["model"]["layers"]["entity"]["f"]
    assert points[-1]["mean_f"] > points[0]["mean_f"]
    folder = result.run.path
    assert (folder / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((folder / "curve.json").read_text())["points"] == points
    assert "training docs" in result.summary() and "rules" in result.summary()
    assert "## Learning curve" in (folder / "README.md").read_text()
    assert not (folder / "curve").exists()  # the parts' models are not kept
    project.close()


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"name": "no/slash"}, "E224"),
        ({"split": 1.5}, "E225"),
        ({"settings": Settings(max_epochs=0)}, "E225"),
        ({"max_minutes": -1}, "E225"),
        ({"curve": True, "fractions": (0.5, 0.25, 1.0)}, "E230"),
        ({"curve": True, "fractions": (0.25, 0.5)}, "E230"),
        ({"status": "flagged"}, "E220"),
        ({"annotator": "nobody"}, "E220"),
    ],
)
def test_bad_options_and_missing_gold_are_coded_errors(
    tmp_path: Path, options: dict[str, Any], code: str
) -> None:
    project = fashion_project(tmp_path / "f.db", 20)
    with pytest.raises(AnnotateError) as caught:
        project.train(out=tmp_path / "runs", progress=False, **options)
    assert caught.value.code == code
    assert not (tmp_path / "runs").exists() or list((tmp_path / "runs").iterdir()) == []
    project.close()


def test_one_document_is_too_few_to_train_and_measure(tmp_path: Path) -> None:
    project = news_project(tmp_path / "n.db", 1)
    with pytest.raises(AnnotateError) as caught:
        project.train(out=tmp_path / "runs", progress=False)
    assert caught.value.code == "E221"
    project.close()


def test_a_folder_that_is_no_run_is_refused_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for path, detail in ((tmp_path / "missing", "no such folder"), (tmp_path / "empty", "card")):
        with pytest.raises(AnnotateError) as caught:
            Run.load(path)
        assert caught.value.code == "E223" and detail in str(caught.value)


def test_the_pipeline_loads_with_spacy_alone_in_a_fresh_process(news: Trained) -> None:
    import subprocess
    import sys

    code = (
        "import sys, spacy; nlp = spacy.load(sys.argv[1]); "
        "print(nlp.pipe_names, 'annotate.train' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(news.result.run.model_path)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    # The clause suggester came from annotate's entry point, loaded only when spaCy asked.
    assert done.stdout.strip().startswith("['tok2vec', 'ner', 'spancat_quote'")
