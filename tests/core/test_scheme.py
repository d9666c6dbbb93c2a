"""Scheme files are checked on load, and a project does not silently drop what is in use."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.core.scheme import Scheme
from annotate.corpus.ingest import ingest
from annotate.errors import SchemeError
from annotate.project import open_project
from annotate.store import Store
from tests.support.paths import CORPUS

DEFAULT = Scheme.default().source_toml


MARK = "  # <-"  # a TOML comment marking the line a message must name


def _replace(old: str, new: str) -> str:
    assert old in DEFAULT, old
    return DEFAULT.replace(old, new, 1)


def _mark(old: str, new: str) -> str:
    """The default scheme with ``old`` replaced by ``new``, the line of ``new`` marked."""
    text = _replace(old, new)
    end = text.index("\n", text.index(new))
    return text[:end] + MARK + text[end:]


def _labels(n: int) -> str:
    return ", ".join(f'{{ name = "L{i}" }}' for i in range(n))


CHECKWORTHY_VALUES = 'values = ["yes", "no", "unsure"]\ndefault = "unsure"\n'

# name: (scheme text with the line to name marked, code, a phrase of the message)
BAD_SCHEMES = {
    "layer-twice": (
        DEFAULT + f'\n[[layers]]\nname = "entity"{MARK}\nlabels = [{{ name = "X" }}]\n',
        "E720", "defined twice",
    ),
    "label-twice": (
        _mark('{ name = "LOC", key = "4"', '{ name = "GPE", key = "4"'),
        "E721", "'GPE' appears twice",
    ),
    "label-key-twice": (
        _mark('{ name = "LOC", key = "4"', '{ name = "LOC", key = "3"'), "E724", "'3'",
    ),
    "keyless-labels-past-ten": (
        DEFAULT + f'\n[[layers]]\nname = "topic"\nlabels = [{_labels(11)}]{MARK}\n',
        "E724", "by its position",
    ),
    "layer-key-twice": (_replace('key = "s"', f'key = "q"{MARK}'), "E724", "layer 'quote'"),
    "layer-key-is-a-label-key": (_mark('key = "e"', 'key = "1"'), "E724", "wins in its layer"),
    "key-of-two-characters": (_mark('key = "l"', 'key = "cl"'), "E732", "one character"),
    "relation-twice": (
        DEFAULT + f'\n[[relations]]\nname = "cue"{MARK}\nhead = "quote"\ntail = "cue"\n',
        "E722", "'cue' is defined twice",
    ),
    "attribute-twice-through-star": (
        DEFAULT + f'\n[[attributes]]\nlayer = "claim"\nname = "note"{MARK}\ntype = "text"\n',
        "E723", "'note'",
    ),
    "default-not-a-value": (
        _mark('default = "unsure"', 'default = "maybe"'), "E725", "one of 'yes', 'no', 'unsure'",
    ),
    "bool-default-a-string": (_mark("default = false", 'default = "no"'), "E725", "true or false"),
    "values-a-string": (
        _mark('values = ["yes", "no", "unsure"]', 'values = "yes"'), "E726", 'values = ["yes"]',
    ),
    "nesting-a-string": (_mark("nesting = false", 'nesting = "false"'), "E726", "true or false"),
    "style-unknown": (_mark('style = "box"', 'style = "boxed"'), "E726", "'bracket'"),
    "label-a-string": (
        _mark('labels = [{ name = "CUE", key = "1", color = "#e76f51" }]', 'labels = ["CUE"]'),
        "E726", "name = ",
    ),
    "label-with-a-space": (
        _mark('{ name = "MONEY"', '{ name = "MONEY AMOUNT"'), "E727", "MONEY_AMOUNT",
    ),
    "label-with-a-tab": (_mark('{ name = "MONEY"', '{ name = "MONEY\\tX"'), "E727", "white space"),
    "label-with-a-control-character": (
        _mark('{ name = "MONEY"', '{ name = "MONEY\\u0007"'), "E727", "'\\x07'",
    ),
    "label-with-a-colon": (_mark('{ name = "MONEY"', '{ name = "ent:MONEY"'), "E727", "':'"),
    "layer-with-an-underscore": (
        _mark('name = "cue"\ndescription', 'name = "cue_word"\ndescription'), "E727", "'_'",
    ),
    "value-with-a-space": (_mark('"unsure"]', '"not sure"]'), "E727", "'not sure'"),
    "label-too-long": (_mark('{ name = "MONEY"', '{ name = "' + "M" * 101 + '"'), "E734", "100"),
    "relation-to-an-unknown-layer": (
        _mark('tail = "entity"', 'tail = "entities"'), "E728", "'entities'",
    ),
    "attribute-of-an-unknown-layer": (
        _mark('layer = "quote"', 'layer = "quotes"'), "E728", '"*"',
    ),
    "layer-without-labels": (
        DEFAULT + f'\n[[layers]]\nname = "topic"{MARK}\nkey = "t"\n', "E729", "'labels'",
    ),
    "layer-with-no-labels": (
        DEFAULT + f'\n[[layers]]\nname = "topic"\nlabels = []{MARK}\n', "E730", "labels",
    ),
    "choice-without-values": (
        _mark('name = "checkworthy"', 'name = "checkworthy"').replace(CHECKWORTHY_VALUES, ""),
        "E730", "values",
    ),
    "attribute-type-unknown": (_mark('type = "bool"', 'type = "boolean"'), "E731", "'choice'"),
    "values-on-a-bool": (
        _replace('type = "bool"', f'type = "bool"\nvalues = ["a"]{MARK}'), "E735", "'choice'",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_SCHEMES))
def test_bad_scheme_is_a_coded_error_naming_file_and_line(tmp_path: Path, name: str) -> None:
    text, code, phrase = BAD_SCHEMES[name]
    path = tmp_path / "scheme.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemeError) as caught:
        Scheme.from_file(path)
    assert caught.value.code == code, caught.value
    (line,) = [i for i, row in enumerate(text.split("\n"), start=1) if row.endswith(MARK)]
    message = str(caught.value)
    assert message.startswith(f"[{code}] {path}, line {line} (["), message
    assert phrase in message, message


def test_the_shipped_scheme_passes_its_own_checks() -> None:
    scheme = Scheme.default()
    assert scheme.layer_names == ("entity", "quote", "source", "cue", "claim")
    (checkworthy,) = [a for a in scheme.attributes if a.name == "checkworthy"]
    assert checkworthy.values == ("yes", "no", "unsure") and checkworthy.default == "unsure"


def test_inline_tables_are_named_by_number_without_a_line() -> None:
    text = 'layers = [{ name = "a", labels = [{ name = "X" }] }, { name = "a", labels = [] }]'
    with pytest.raises(SchemeError) as caught:
        Scheme.from_toml(text, origin="inline.toml")
    assert caught.value.code == "E720"
    assert str(caught.value).startswith("[E720] inline.toml ([[layers]] #2 'a')")


def test_scripts_other_than_latin_are_names() -> None:
    text = 'layers = [{ name = "сущность", labels = [{ name = "ЛИЦО" }, { name = "Ort-2" }] }]'
    scheme = Scheme.from_toml(text)
    assert scheme.layer("сущность").label_names == ("ЛИЦО", "Ort-2")


# --- a new scheme against the annotations in the project -------------------------------------

NARROWER = (
    _replace('  { name = "NORP", key = "5", color = "#e9c46a" },\n', "")
    .replace(CHECKWORTHY_VALUES, 'values = ["yes", "no"]\n')
    .replace(
        '[[relations]]\nname = "said_by"\nhead = "quote"\ntail = "source"\n'
        'description = "who said the quote"\n',
        "",
    )
)


def _annotate(store: Store) -> None:
    ingest(store, [CORPUS])
    doc = store.documents()[0]
    add = store.add_span
    add(annotator="ann", doc_id=doc.doc_id, layer="entity", label="NORP", start=0, end=9)
    add(annotator="bob", doc_id=doc.doc_id, layer="entity", label="NORP", start=0, end=9)
    add(annotator="ann", doc_id=doc.doc_id, layer="entity", label="PERSON", start=10, end=24)
    quote = add(annotator="ann", doc_id=doc.doc_id, layer="quote", label="DIRECT", start=30,
                end=60)
    source = add(annotator="ann", doc_id=doc.doc_id, layer="source", label="SOURCE", start=62,
                 end=64)
    store.add_relation("said_by", quote.span_id, source.span_id, annotator="ann")
    add(annotator="ann", doc_id=doc.doc_id, layer="claim", label="QUANTITY", start=70, end=90,
        attrs={"checkworthy": "unsure", "hedged": True})


def test_store_counts_what_annotations_use(db_url: str) -> None:
    store = Store(db_url)
    _annotate(store)
    assert store.labels_in_use() == {
        ("entity", "NORP"): 2,
        ("entity", "PERSON"): 1,
        ("quote", "DIRECT"): 1,
        ("source", "SOURCE"): 1,
        ("claim", "QUANTITY"): 1,
    }
    assert store.relation_types_in_use() == {"said_by": 1}
    assert store.attributes_in_use() == {
        ("claim", "checkworthy", "unsure"): 1,
        ("claim", "hedged", True): 1,
    }
    store.close()


def test_a_scheme_dropping_what_is_in_use_is_refused(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    _annotate(store)
    counts = store.counts()
    store.close()
    narrower = tmp_path / "narrower.toml"
    narrower.write_text(NARROWER, encoding="utf-8")
    with pytest.raises(SchemeError) as caught:
        open_project(db_url, scheme=narrower)
    assert caught.value.code == "E733"
    message = str(caught.value)
    assert str(narrower) in message
    assert "label 'NORP' of layer 'entity' (2 span(s))" in message
    assert "relation type 'said_by' (1 relation(s))" in message
    assert "value 'unsure' of attribute 'checkworthy' of layer 'claim' (1 span(s))" in message
    assert "allow_orphans=True" in message
    project = open_project(db_url)  # the project kept its scheme and every annotation
    assert "NORP" in project.scheme.layer("entity").label_names
    assert project.store.counts() == counts
    project.close()
    project = open_project(db_url, scheme=narrower, allow_orphans=True)
    assert "NORP" not in project.scheme.layer("entity").label_names
    assert project.store.counts() == counts
    project.close()
    assert "NORP" not in open_project(db_url).scheme.layer("entity").label_names


def test_dropping_a_layer_or_attribute_in_use_is_listed(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    store = Store(db)
    _annotate(store)
    store.close()
    without_claims = DEFAULT
    for table in (
        '[[layers]]\nname = "claim"',
        '[[relations]]\nname = "claimed_by"',
        '[[attributes]]\nlayer = "claim"\nname = "checkworthy"',
        '[[attributes]]\nlayer = "claim"\nname = "hedged"',
    ):
        start = without_claims.index(table)
        end = without_claims.find("\n\n", start)  # tables are separated by a blank line
        without_claims = without_claims[:start] + without_claims[end + 2 if end >= 0 else None :]
    with pytest.raises(SchemeError) as caught:
        open_project(db, scheme=Scheme.from_toml(without_claims))
    assert "layer 'claim' (1 span(s))" in str(caught.value)
    assert "'news' (version 1)" in str(caught.value)
    no_hedge = Scheme.from_toml(_replace("name = \"hedged\"", "name = \"cautious\""))
    with pytest.raises(SchemeError) as caught:
        open_project(db, scheme=no_hedge)
    assert "attribute 'hedged' of layer 'claim' (1 span(s))" in str(caught.value)


def test_a_wider_scheme_opens_without_asking(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    store = Store(db)
    _annotate(store)
    store.close()
    wider = Scheme.from_toml(DEFAULT + '\n[[layers]]\nname = "topic"\nlabels = [{ name = "X" }]\n')
    project = open_project(db, scheme=wider)
    assert "topic" in project.scheme.layer_names
    project.close()


def test_a_stored_scheme_that_fails_the_checks_can_be_replaced(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    store = Store(db)
    # As a project saved before the checks existed may hold it.
    store.set_setting("scheme_toml", _replace('{ name = "MONEY"', '{ name = "MONEY AMOUNT"'))
    store.close()
    project = open_project(db)
    with pytest.raises(SchemeError) as caught:
        _ = project.scheme
    project.close()
    assert caught.value.code == "E727" and str(caught.value).startswith("[E727] project, line")
    project = open_project(db, scheme=Scheme.default())
    assert "MONEY" in project.scheme.layer("entity").label_names
    project.close()
