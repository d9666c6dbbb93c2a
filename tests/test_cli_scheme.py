"""Schemes from the command line: a project started with one, shown, grown by labels or by an
import, and proposed from brat's annotation.conf, a Label Studio labeling config or Prodigy."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotate.cli import app
from tests.formats.conftest import FIXTURES, PEER

runner = CliRunner()
ATTRIBUTION = FIXTURES / "brat-attribution"


def _ok(*args: str) -> str:
    """What the command printed on stdout; it must succeed."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _fails(*args: str) -> str:
    """The coded error the command stops with."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    return str(result.exception)


@pytest.mark.parametrize("command", ["show", "add-label", "propose"])
def test_every_scheme_command_has_help_with_an_example(command: str) -> None:
    assert "Example:" in _ok("scheme", command, "--help")


def test_import_help_says_how_the_annotator_is_named() -> None:
    text = " ".join(_ok("import", "--help").split())
    assert "NAME_WHO.ann is WHO's work on NAME.txt" in text
    assert "folder names the annotator" in text


def test_a_project_from_a_proposed_scheme_shown_and_grown(tmp_path: Path) -> None:
    scheme = tmp_path / "news-tutorial.toml"
    scheme.write_text(_ok("scheme", "propose", str(PEER / "brat" / "news-tutorial"),
                          "--format", "brat"), encoding="utf-8")
    db = str(tmp_path / "p.db")
    assert "scheme 'news-tutorial' with 1 layer(s), 14 label(s)" in _ok(
        "init", "--db", db, "--scheme", str(scheme))
    shown = tomllib.loads(_ok("scheme", "show", "--db", db))
    assert shown["name"] == "news-tutorial"
    assert "added to the scheme: label entity:Vehicle" in _ok(
        "scheme", "add-label", "entity", "Vehicle", "--db", db)
    assert "[E743]" in _fails("scheme", "add-label", "entity", "Vehicle", "--db", db)
    # A second init without --scheme would silently keep or replace nothing: it is refused.
    assert "[E744]" in _fails("init", "--db", db)
    out = _ok("import", str(PEER / "brat" / "news-tutorial"), "--format", "brat", "--db", db)
    assert "119 span(s) and 63 relation(s)" in out


def test_import_extend_scheme_lists_what_it_adds(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    _ok("init", "--db", db)
    refused = _fails("import", str(ATTRIBUTION / "attributions"), "--format", "brat",
                     "--text-dir", str(ATTRIBUTION / "text"), "--db", db)
    assert "[E327]" in refused and "--extend-scheme adds it" in refused
    assert "politico_flynn-says-trump-right_4b22.ann, line 8" in refused
    out = _ok("import", str(ATTRIBUTION / "attributions"), "--format", "brat", "--text-dir",
              str(ATTRIBUTION / "text"), "--db", db, "--extend-scheme")
    assert "added to the scheme: attribute Factuality on quote (choice: Asserted, Uncertain)" in out
    assert "added to the scheme: attribute Verbatim on quote (bool)" in out
    assert "36 span(s) and 25 relation(s)" in out
    scheme = tomllib.loads(_ok("scheme", "show", "--db", db))
    assert "Factuality" in {attribute["name"] for attribute in scheme["attributes"]}


def test_propose_from_a_label_studio_labeling_config(tmp_path: Path) -> None:
    config = tmp_path / "config.xml"
    config.write_text(
        '<View><Text name="text" value="$text"/>'
        '<Labels name="quote" toName="text"><Label value="DIRECT"/><Label value="ECHO"/></Labels>'
        '<Labels name="label" toName="text"><Label value="PERSON"/><Label value="BRAND"/></Labels>'
        '<Relations><Relation value="said_by"/></Relations>'
        '<Choices name="stance" toName="text" perRegion="true"><Choice value="for"/>'
        '<Choice value="against"/></Choices></View>', encoding="utf-8")
    scheme = tomllib.loads(_ok("scheme", "propose", str(config), "--format", "label-studio"))
    layers = {layer["name"]: [label["name"] for label in layer["labels"]]
              for layer in scheme["layers"]}
    assert layers == {"quote": ["DIRECT", "ECHO"], "entity": ["PERSON", "BRAND"]}
    assert [r["name"] for r in scheme["relations"]] == ["said_by"]
    stance = next(a for a in scheme["attributes"] if a["name"] == "stance")
    assert stance["values"] == ["for", "against"]


def test_a_labeling_config_with_entities_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config.xml"
    config.write_text('<!DOCTYPE x [<!ENTITY a "aaaa">]><View/>', encoding="utf-8")
    assert "[E356]" in _fails("scheme", "propose", str(config), "--format", "label-studio")


def test_propose_from_prodigy_then_import_its_labels(tmp_path: Path) -> None:
    source = PEER / "prodigy" / "ner_manual_fashion_brands_eval.jsonl"
    scheme = tmp_path / "fashion.toml"
    scheme.write_text(_ok("scheme", "propose", str(source), "--format", "prodigy"),
                      encoding="utf-8")
    labels = [label["name"] for layer in tomllib.loads(scheme.read_text())["layers"]
              for label in layer["labels"]]
    assert labels == ["FASHION_BRAND"]
    db = str(tmp_path / "p.db")
    _ok("init", "--db", db, "--scheme", str(scheme))
    out = _ok("import", str(source), "--format", "prodigy", "--db", db)
    assert "0 invalid record(s) left out" in out


def test_propose_from_brat_conf_with_the_news_scheme_keeps_attributions_as_quotes(
    tmp_path: Path,
) -> None:
    conf = ATTRIBUTION / "attributions" / "annotation.conf"
    scheme = tomllib.loads(_ok("scheme", "propose", str(conf), "--format", "brat",
                               "--base", "news"))
    names = {relation["name"] for relation in scheme["relations"]}
    assert {"said_by", "cue"} <= names and "Source" not in names  # the events map onto them
    attributes = {a["name"]: a for a in scheme["attributes"]}
    assert attributes["Factuality"]["values"] == ["Asserted", "Uncertain"]


def test_a_prodigy_file_with_its_own_labels_extends_the_scheme(tmp_path: Path) -> None:
    source = PEER / "prodigy" / "ner_manual_fashion_brands_eval.jsonl"
    db = str(tmp_path / "p.db")
    refused = _fails("import", str(source), "--format", "prodigy", "--db", db)
    assert "[E350]" in refused and "FASHION_BRAND" in refused and "--extend-scheme" in refused
    out = _ok("import", str(source), "--format", "prodigy", "--db", db, "--extend-scheme")
    assert "added to the scheme: label entity:FASHION_BRAND" in out
    assert "238 span(s)" in out and "1 addition(s) to the scheme" in out


def test_labels_for_a_layer_the_scheme_lacks_and_an_unknown_format_are_refused(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "p.db")
    _ok("init", "--db", db)
    assert "[E741]" in _fails("scheme", "add-label", "brand", "ACME", "--db", db)
    assert "[E357]" in _fails("scheme", "propose", str(tmp_path), "--format", "conll")
